"""The GraphkitError family: one-line messages that say what went wrong and what to do.

The CLI prints ``str(error)`` and exits with ``error.exit_code``: 2 for bad input or settings,
3 when another run holds the lock, 1 for internal failures. Messages never contain credentials.
"""


class GraphkitError(Exception):
    """Bad input or settings; the message names the file, column or setting at fault."""

    exit_code = 2


class InputFileError(GraphkitError):
    """A whole input file is unusable (missing required column, not UTF-8, not a table)."""


class Neo4jUnavailableError(GraphkitError):
    """The configured Neo4j server cannot be reached or refuses the credentials."""


class Neo4jServerError(GraphkitError):
    """The project's own Neo4j server could not be assembled or started."""

    exit_code = 1


class ReadOnlyError(GraphkitError):
    """A statement run in an analyst's read-only session would write to the graph."""


class RunLockedError(GraphkitError):
    """Another run holds the output root's lock: this run started nothing and touched nothing."""

    exit_code = 3
