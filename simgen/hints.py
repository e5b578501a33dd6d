"""How many hints of each challenge a person has seen (`simgen hint ID` reveals the next)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .cache import cache_root


class HintLog:
    def __init__(self, path: Path | None = None):
        self.path = path or cache_root() / "hints.json"

    def _load(self) -> dict[str, int]:
        try:
            return {k: int(v) for k, v in json.loads(self.path.read_text()).items()}
        except (FileNotFoundError, ValueError, AttributeError):
            return {}

    def _save(self, seen: dict[str, int]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}")
        tmp.write_text(json.dumps(seen, sort_keys=True))
        os.replace(tmp, self.path)

    def reveal(self, challenge: str, available: int) -> int:
        """Reveal one more hint (up to `available`); returns how many are now shown."""
        seen = self._load()
        seen[challenge] = min(seen.get(challenge, 0) + 1, available)
        self._save(seen)
        return seen[challenge]

    def reset(self, challenge: str) -> None:
        seen = self._load()
        seen.pop(challenge, None)
        self._save(seen)
