"""Datasets given by URL (file:///..., s3://... : anything fsspec reads), copied to a local cache.

DuckDB's locked-down workers read local files only (their allowed paths are the dataset's files),
and the grader's own process computes expected results from local files too. So a URL dataset
is copied once per machine into cache_root()/cluster-datasets/<fingerprint>, each file checked
against the size and sha256 its manifest records, and the copy is what everyone reads:

    local = fetch("s3://bucket/datasets/default")      # a Path; the second call copies nothing

The fingerprint is the manifest's sha256: the manifest records every file's checksum, so equal
manifests mean equal data, and it is known before a byte of data is read.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from simgen.cache import cache_root, discard, forget, is_sealed, seal, sweep_temps, temp_beside
from simgen.dataset import MANIFEST, Dataset
from simgen.errors import DatasetError

_BLOCK = 1 << 20
_ORIGINS: dict[Path, str] = {}  # local copy -> the URL it was fetched from (see source_of)


def is_url(source: object) -> bool:
    """True for 'scheme://...'; a plain path (even one with ':' in it) is not a URL."""
    return isinstance(source, str) and "://" in source and source.split("://", 1)[0].isidentifier()


def url_name(url: str) -> str:
    """The name a URL dataset is graded under: its last path part, like a folder's name."""
    return url.rstrip("/").rsplit("/", 1)[-1] or url


def source_of(path: Path | str) -> str:
    """Where another machine finds this dataset: the URL a local copy came from, else the
    absolute path (a Dask worker's working directory is not ours)."""
    return _ORIGINS.get(Path(path)) or str(Path(path).resolve())


def fetch(url: str) -> Path:
    """The local copy of the dataset at `url`, copied now unless already cached (and sealed)."""
    try:
        import fsspec
    except ImportError:  # pragma: no cover - the `dask` extra installs it
        raise DatasetError(f"reading the dataset {url} needs fsspec: pip install 'simgen[dask]'") from None
    try:
        fs, root = fsspec.core.url_to_fs(url)
        manifest = fs.cat_file(f"{root.rstrip('/')}/{MANIFEST}")
    except (OSError, ValueError, ImportError) as error:  # ImportError: a scheme whose library is missing
        raise DatasetError(f"cannot read the dataset {url}: {error}") from None
    ds = Dataset.parse(Path(root), manifest, f"{url.rstrip('/')}/{MANIFEST}")
    target = cache_root() / "cluster-datasets" / hashlib.sha256(manifest).hexdigest()[:24]
    _ORIGINS[target] = url
    if is_sealed(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_temps(target)
    tmp = temp_beside(target)
    try:
        listed = [(f.path, f.bytes, f.sha256) for f in ds.files]
        if ds.truth is not None:
            listed.append((ds.truth.path, None, ds.truth.sha256))
        for path, size, sha256 in listed:
            _copy(fs, f"{root.rstrip('/')}/{path}", tmp / path, size, sha256, url)
        (tmp / MANIFEST).write_bytes(manifest)  # last: a folder without a manifest is no dataset
        try:
            os.replace(tmp, target)
        except OSError:  # another worker on this machine finished first, or a damaged old copy
            if is_sealed(target, check=lambda p: (p / MANIFEST).read_bytes() == manifest):
                return target
            discard(target)
            os.replace(tmp, target)
        seal(target)
    except OSError as error:
        raise DatasetError(f"cannot copy the dataset {url} to {target}: {error.strerror or error}") from None
    finally:
        forget(tmp)
    return target


def _copy(fs, source: str, dest: Path, size: int | None, sha256: str, url: str) -> None:
    """One file, hashed on the way: a file that is not what the manifest says is never cached."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with fs.open(source, "rb") as src, open(dest, "wb") as out:
        while block := src.read(_BLOCK):
            h.update(block)
            out.write(block)
    if h.hexdigest() != sha256 or (size is not None and dest.stat().st_size != size):
        raise DatasetError(f"{source} does not match the manifest of {url} (size or sha256): "
                           "the dataset was changed after it was written")
