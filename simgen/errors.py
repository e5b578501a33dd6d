"""One error tree for the whole package; only the CLI turns these into exit codes."""

import re


def snake_kind(class_name: str) -> str:
    """A class name as the short snake_case word reports use: UnknownChallenge -> unknown_challenge,
    UsageError -> usage, DatasetError -> dataset."""
    name = class_name.lstrip("_")
    if name.endswith("Error") and name != "Error":
        name = name[: -len("Error")]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class SimgenError(Exception):
    """Root of every error simgen raises on purpose.

    `kind` is a short, stable snake_case word for reports ("most common failure kinds"): a class
    that does not name its own gets one from its class name (UnknownChallenge -> unknown_challenge).
    """

    exit_code = 2
    kind = "simgen"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in cls.__dict__:
            cls.kind = snake_kind(cls.__name__)


class UsageError(SimgenError):
    """A bad option value or combination, found after click has parsed the command line."""


class OutputExistsError(SimgenError):
    """The output directory already holds something we must not overwrite."""


class DatasetError(SimgenError):
    """A dataset directory is missing, incomplete or altered."""

    exit_code = 1


class OutputError(SimgenError):
    """The output cannot be written: a full disk, a read-only or impossible path, no permission."""
