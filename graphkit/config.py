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

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything graphkit can be told; each field is also the env variable ``GRAPHKIT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GRAPHKIT_", extra="forbid", frozen=True)

    backend: Literal["memory", "neo4j"] = Field("memory", description="where the graph lives: memory (embedded) or neo4j")
    neo4j_uri: str = Field("bolt://127.0.0.1:7687", description="Bolt address of the Neo4j server")
    neo4j_user: str = Field("neo4j", description="Neo4j user")
    neo4j_password: SecretStr = Field(SecretStr(""), description="Neo4j password (a secret: never printed)")
    neo4j_database: str = Field("neo4j", description="Neo4j database")
    batch_size: int = Field(10_000, ge=1, description="rows per Neo4j write transaction")
    neo4j_data_dir: Path | None = Field(None, description="instance folder of the server graphkit runs (graphkit neo4j start): first loads into it are bulk imports; default ~/.local/share/graphkit/neo4j")
    as_of: dt.date | None = Field(None, description="the day the analysis judges permits against; default today")
    grace_days: int = Field(30, ge=0, description="days after expiry before a stay counts as overstay")
    alpha: float = Field(1e-3, gt=0, lt=1, description="tail probability below which a count is surprising")
    min_crowd: int = Field(4, ge=1, description="irregular working residents before an address counts as crowded")
    hub_limit: int = Field(8, ge=2, description="employers sharing a phone/address/sponsor before it is a hub, not a tie")
    resolve_person_threshold: float = Field(0.95, gt=0, lt=1, description="match probability from which two person records are one human")
    resolve_organisation_threshold: float = Field(0.9, gt=0, lt=1, description="match probability from which two sponsor/employer records are one company")
    resolve_address_threshold: float = Field(0.95, gt=0, lt=1, description="match probability from which two address records are one place")
    resolve_hub_limit: int = Field(25, ge=2, description="records sharing a passport number, registration number, sponsor, employer or address before the value is a hub that decides no match")
    resolve_train_min_records: int = Field(2000, ge=2, description="records of one kind from which resolution trains its model on the data (EM); fewer use the declared priors")
    resolve_seed: int = Field(42, description="seed of the random sample resolution trains on")
    resolve_threads: int = Field(2, ge=1, description="DuckDB threads resolution uses")
    lookback_days: int = Field(365, ge=1, description="employment that ended longer ago than this is not current")
    report_threshold: float = Field(50, ge=0, le=100, description="score from which a lead gets its interactive graph and a place in the report")
    report_top: int = Field(25, ge=1, description="leads per entity type in the report and with a graph file")
    graph_cap: int = Field(300, ge=10, description="nodes shown in one graph before the rest become 'and N more' nodes")
    band_high: float = Field(70, ge=0, le=100, description="score from which a lead is in band HIGH (changes since the last run)")
    band_medium: float = Field(40, ge=0, le=100, description="score from which a lead is in band MEDIUM; below it, LOW")
    purpose: str | None = Field(None, description="case or operation reference the run serves (required by `graphkit run`)")
    input_dir: Path | None = Field(None, description="folder with the contract tables, for `graphkit run`")
    output_root: Path | None = Field(None, description="folder holding runs/, latest, runs.jsonl and .lock, for `graphkit run`")
    neo4j_password_env: str | None = Field(None, description="NAME of the environment variable holding the Neo4j password")
    pseudonymise: bool = Field(False, description="replace personal values in exports with keyed pseudonyms")
    pseudonym_key: SecretStr = Field(SecretStr(""), description="key of the HMAC pseudonyms (a secret: never written out)")
    audit_log: Path | None = Field(None, description="the audit.jsonl every run and export appends to")
    log_format: Literal["text", "json"] = Field("text", description="log lines as text or JSON (for log shippers)")

    def as_of_date(self) -> dt.date:
        """The as-of day: the setting, or today."""
        return self.as_of or dt.date.today()

    def thresholds(self):
        """The indicator thresholds these settings carry."""
        from graphkit.indicators.context import Thresholds

        return Thresholds(grace_days=self.grace_days, alpha=self.alpha, lookback_days=self.lookback_days,
                          min_crowd=self.min_crowd, hub_limit=self.hub_limit)

    def neo4j_auth(self) -> tuple[str, str]:
        """(user, password) for the driver: the one place the secret is unwrapped."""
        return self.neo4j_user, self.neo4j_password.get_secret_value()
