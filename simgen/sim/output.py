"""Where a generated dataset goes, and how it becomes whole at once.

    with open_output(out, force, notice) as target:   # a local path or an fsspec URL
        sink = target.sink(executor)                   # where chunk tasks put their parts
        target.store(payloads)                         # parts that came back in results
        target.write_text("truth.json", text)
        target.commit(manifest)                        # last: the dataset exists from here on

A local path is written into a hidden temporary directory beside it and renamed into place
(simgen/sim/writer.py: AtomicDir). An object store has no rename: there the manifest is the commit
marker. A replaced dataset's manifest is deleted first (readers then see an incomplete dataset,
never a mix), the parts are written under their final names, and the manifest is written last;
a run that fails removes the parts it may have written, and a reader (simgen.dataset) refuses a
prefix without a manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..dataset import MANIFEST, Dataset, TruthFile, manifest_text
from ..errors import OutputError, OutputExistsError
from ..spec import TABLES
from .sinks import FsspecSink, LocalSink, Sink
from .writer import AtomicDir, Notice, naming, write_text


def is_url(out: str | Path) -> bool:
    """An fsspec URL (s3://, gs://, file://...), as opposed to a local path."""
    return "://" in str(out)


class LocalTarget:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.scratch = root / "_plan"  # the plan spilled for local workers; removed before the commit

    def sink(self, executor) -> Sink | None:
        """None: the parts come back in the results (a cluster's workers cannot reach this folder)."""
        return LocalSink(str(self.root)) if executor.shares_files else None

    def store(self, payloads: Mapping[str, bytes]) -> None:
        for rel, payload in payloads.items():
            path = self.root / rel
            with naming(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(payload)

    def write_text(self, rel: str, text: str) -> TruthFile:
        write_text(self.root / rel, text)
        return TruthFile(rel, hashlib.sha256(text.encode()).hexdigest())

    def commit(self, doc: dict) -> Dataset:
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.write_text(MANIFEST, manifest_text(doc))
        return Dataset.from_json(self.root, doc)


class ObjectStoreTarget:
    def __init__(self, url: str, force: bool) -> None:
        self.url = url.rstrip("/")
        self.force = force
        self._scratch: Path | None = None
        self._sink = FsspecSink(self.url)
        self.fs, self.root = self._sink.filesystem()

    def open(self) -> None:
        manifest = f"{self.root}/{MANIFEST}"
        if self.fs.exists(manifest):
            if not self.force:
                raise OutputExistsError(f"{self.url!r} already holds a dataset (it has a {MANIFEST}); choose "
                                        "another --out or pass --force to replace it")
            self.fs.rm(manifest)  # from here on readers see an incomplete dataset, never a mix
        self.fs.makedirs(self.root, exist_ok=True)

    def sink(self, executor) -> Sink:
        return self._sink

    def store(self, payloads: Mapping[str, bytes]) -> None:
        for rel, payload in payloads.items():
            self.fs.pipe_file(f"{self.root}/{rel}", payload)

    def write_text(self, rel: str, text: str) -> TruthFile:
        self.fs.pipe_file(f"{self.root}/{rel}", text.encode())
        return TruthFile(rel, hashlib.sha256(text.encode()).hexdigest())

    def commit(self, doc: dict) -> Dataset:
        listed = {f["path"] for t in doc["tables"].values() for f in t["files"]}
        for stale in self._parts() - listed:  # a replaced dataset's parts beyond the new one's
            self.fs.rm(f"{self.root}/{stale}")
        self.write_text(MANIFEST, manifest_text(doc))  # the commit marker, last
        return Dataset.from_json(Path(self.root), doc)

    def discard(self) -> None:
        """A failed run: remove the parts it may have written (nothing else under the prefix)."""
        with contextlib.suppress(Exception):
            for rel in self._parts() | {"truth.json"}:
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm(f"{self.root}/{rel}")

    @property
    def scratch(self) -> Path:
        """A local folder for the plan spilled for local workers, made when first asked for."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="simgen-plan-"))
        return self._scratch

    def close(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _parts(self) -> set[str]:
        found = set()
        for t in TABLES:
            for path in self.fs.glob(f"{self.root}/{t.name}/part-*.parquet"):
                found.add(f"{t.name}/{path.rsplit('/', 1)[-1]}")
        return found


@contextlib.contextmanager
def open_output(out: str | Path, force: bool = False, notice: Notice | None = None) -> Iterator:
    """The target of one run: committed when the block ends, discarded if it raises."""
    if not is_url(out):
        with AtomicDir(Path(out), force=force, notice=notice) as root:
            yield LocalTarget(root)
        return
    try:
        target = ObjectStoreTarget(str(out), force)
        target.open()  # refusing an existing dataset removes nothing: outside the discarding block
    except ImportError:
        raise OutputError("an --out URL needs fsspec (pip install 'simgen[dask]') and its backend "
                          "for the scheme (s3fs, gcsfs, adlfs...)") from None
    except (ValueError, OSError) as error:
        raise OutputError(f"cannot write {str(out)!r}: {error}") from None
    try:
        yield target
    except BaseException:
        target.discard()
        raise
    finally:
        target.close()
