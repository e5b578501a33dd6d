"""One error tree for the whole package; only the CLI turns these into exit codes."""


class SimgenError(Exception):
    """Root of every error simgen raises on purpose."""

    exit_code = 2


class UsageError(SimgenError):
    """A bad option value or combination, found after click has parsed the command line."""


class OutputExistsError(SimgenError):
    """The output directory already holds something we must not overwrite."""


class DatasetError(SimgenError):
    """A dataset directory is missing, incomplete or altered."""

    exit_code = 1


class OutputError(SimgenError):
    """The output cannot be written: a full disk, a read-only or impossible path, no permission."""
