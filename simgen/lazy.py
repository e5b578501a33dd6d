"""Names a package exports but imports on first use, so importing the package stays cheap.

    __getattr__ = lazy_exports(__name__, {"generate": "api", ...}, globals())

PEP 562: Python calls a module's `__getattr__` for a name it lacks; the value found is stored in
the module's namespace, so the next lookup never comes here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, where: Mapping[str, str], namespace: dict) -> Callable[[str], object]:
    """A module `__getattr__` that imports `package.<where[name]>` and returns its `name`."""

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
