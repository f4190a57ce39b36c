"""Settings: one typed object for every knob, read from arguments or ``GRAPHKIT_*`` variables.

The Neo4j password is a :class:`pydantic.SecretStr`: it prints as ``**********`` and only
:func:`neo4j_auth` unwraps it, at the moment a driver is made.

Examples
--------
>>> s = Settings(neo4j_password="not-in-logs")
>>> "not-in-logs" in repr(s)
False
>>> Settings(_env_prefix="X_").neo4j_uri
'bolt://127.0.0.1:7687'
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything graphkit can be told; each field is also the env variable ``GRAPHKIT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GRAPHKIT_", extra="forbid", frozen=True)

    backend: Literal["memory", "neo4j"] = "memory"
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    batch_size: int = Field(10_000, ge=1, description="rows per Neo4j write transaction")

    def neo4j_auth(self) -> tuple[str, str]:
        """(user, password) for the driver: the one place the secret is unwrapped."""
        return self.neo4j_user, self.neo4j_password.get_secret_value()
