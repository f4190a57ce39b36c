"""The GraphkitError family: one-line messages that say what went wrong and what to do.

The CLI prints ``str(error)`` and exits with ``error.exit_code``: 2 for bad input or settings,
3 when another run holds the lock, 1 for internal failures. Messages never contain credentials.
"""


class GraphkitError(Exception):
    r"""Bad input or settings; the message names the file, column or setting at fault.

    The message is kept to one line whatever it quotes (a header cell or a file name may hold a
    line break): line breaks and other control characters are shown escaped.

    >>> str(GraphkitError("persons.csv: header: 0\n0"))
    'persons.csv: header: 0\\n0'
    """

    exit_code = 2

    def __init__(self, message: str = "") -> None:
        super().__init__("".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(message)))


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
