"""Vocabularies built once with Faker (scripts/build_vocab.py) and shipped with the package.

Generators sample indices into these arrays, vectorized; strings are assembled by Arrow.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa


@cache
def load() -> dict:
    return json.loads(resources.files("simgen").joinpath("data/vocab.json").read_text(encoding="utf-8"))


def slug(text: str) -> str:
    """ASCII local-part for an email: accents folded, other scripts dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in folded if ch.isalnum())


# Reserved for the planted members (plant.NAMES): no organic member may be called 'John Doe'.
RESERVED_LAST_NAMES = {"Doe"}


@dataclass(frozen=True)
class NameVocab:
    """All countries' names in one Arrow array each, with per-country [offset, size)."""

    first: pa.Array
    last: pa.Array
    first_slug: pa.Array
    last_slug: pa.Array
    first_offset: np.ndarray
    first_size: np.ndarray
    last_offset: np.ndarray
    last_size: np.ndarray


@cache
def names(countries: tuple[str, ...]) -> NameVocab:
    v = load()
    firsts = [v["first"][c] for c in countries]
    lasts = [[x for x in v["last"][c] if x not in RESERVED_LAST_NAMES] for c in countries]
    flat_f = [x for xs in firsts for x in xs]
    flat_l = [x for xs in lasts for x in xs]
    fsize = np.array([len(x) for x in firsts])
    lsize = np.array([len(x) for x in lasts])
    return NameVocab(
        pa.array(flat_f), pa.array(flat_l),
        pa.array([slug(x) or "user" for x in flat_f]),
        pa.array([slug(x) or c.lower() for c, xs in zip(countries, lasts) for x in xs]),
        np.concatenate([[0], np.cumsum(fsize)[:-1]]), fsize, np.concatenate([[0], np.cumsum(lsize)[:-1]]), lsize,
    )
