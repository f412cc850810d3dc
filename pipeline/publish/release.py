"""All-or-nothing publishing: each run in a directory of its own, switched in by one rename.

Layout of an output directory (``outputs/`` by default)::

    .runs/<run_dir>/            one complete run: <table>.parquet, csv/<table>.csv, manifest.json
    current -> .runs/<run_dir>  the only thing a publish changes, by rename(2) of a new link over it
    <table>.parquet             -> current/<table>.parquet        (the paths readers use)
    csv/<table>.csv             -> ../current/csv/<table>.csv
    manifest.json               -> current/manifest.json
    .lock                       flock(2): one publisher at a time

Every reader path goes through ``current``, so a reader sees every table of
one run or every table of the previous one, never a mix; ``manifest.json``
says which run that is.  A run is written and flushed to disk (files and
directories) under a ``.partial`` name first; a run killed at any moment
leaves either the previous ``current`` or the new one, and its leftovers
(partial directories, temporary links) are removed by the next publish.  The
previous run's directory is kept after the switch (a reader holding its
files open keeps reading them); older ones are removed.

Pure functions of paths and Arrow tables; the Dagster step only calls them.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.contract.tables import CURRENT_RUN, published_root
from pipeline.publish.writer import (
    TableFiles,
    fsync_dir,
    fsync_file,
    sha256_file,
    write_table_files,
)

RUNS = ".runs"
CURRENT = CURRENT_RUN
MANIFEST = "manifest.json"
LOCK = ".lock"
PARTIAL = ".partial"

Log = Callable[[str], None]


class OutputUnusable(Exception):
    """The output directory cannot take a run (a file, unwritable, not creatable)."""


class PublishLocked(Exception):
    """Another run held the output directory's lock for longer than we would wait."""


@dataclass(frozen=True)
class PublishedRun:
    out_dir: Path
    run_dir: Path
    manifest: dict[str, Any]
    tables: dict[str, TableFiles]

    def reader_paths(self, name: str) -> tuple[Path, Path]:
        """The paths an analyst opens for one table: Parquet and CSV."""
        return self.out_dir / f"{name}.parquet", self.out_dir / "csv" / f"{name}.csv"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_out_dir(out_dir: Path) -> None:
    """Refuse, before any work, an output directory a run could not publish into.

    Creates it (and missing parents) when it does not exist yet; raises
    ``OutputUnusable`` with a one-line reason otherwise.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputUnusable(f"output directory {out_dir} is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputUnusable(
            f"output directory {out_dir} cannot be created: {exc.strerror or exc}"
        ) from None
    for name in ("csv", RUNS):
        inner = out_dir / name
        if inner.exists() and not inner.is_dir():
            raise OutputUnusable(
                f"output directory {out_dir} is unusable: {inner} is not a directory"
            )
    try:
        fd, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=out_dir)
        os.close(fd)
        with suppress(FileNotFoundError):  # a publisher tidying up may have taken it
            os.unlink(probe)
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        os.close(fd)
    except OSError as exc:
        raise OutputUnusable(
            f"output directory {out_dir} is not writable: {exc.strerror or exc}"
        ) from None


@contextmanager
def publish_lock(
    out_dir: Path, holder: str, timeout: float, log: Log | None = None
) -> Iterator[None]:
    """Hold ``<out_dir>/.lock`` exclusively; wait up to ``timeout`` seconds for another holder.

    flock(2) locks die with their process, so a killed run never leaves the
    directory locked.  The holder's description is written into the file so a
    waiting run can say whom it waits for.  The file itself is never removed
    (removing a lock file lets two runs lock two different files).
    """
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            other = _lock_holder(out_dir)
            if time.monotonic() >= deadline:
                raise PublishLocked(
                    f"another run ({other}) is publishing into {out_dir}; "
                    f"gave up after waiting {timeout:g} s, nothing was published"
                )
            if not told and log:
                log(
                    f"waiting up to {timeout:g} s for another run ({other}) publishing into {out_dir}"
                )
                told = True
            time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _lock_holder(out_dir: Path) -> str:
    try:
        text = (out_dir / LOCK).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "unknown holder"


def current_run_dir(out_dir: Path) -> Path | None:
    """The run directory readers see now, or None (nothing published, or a dangling link)."""
    root = published_root(out_dir)
    return None if root == out_dir else root


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of the run readers see, or None when there is none."""
    run_dir = current_run_dir(out_dir)
    if run_dir is None or not (run_dir / MANIFEST).is_file():
        return None
    try:
        return json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def find_run(out_dir: Path, run_id: str) -> Path | None:
    """The complete run directory published by ``run_id`` (kept or current), if any."""
    runs = out_dir / RUNS
    if not runs.is_dir():
        return None
    for run_dir in sorted(runs.iterdir()):
        if run_dir.name.endswith(PARTIAL) or not (run_dir / MANIFEST).is_file():
            continue
        try:
            manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("run_id") == run_id:
            return run_dir
    return None


def run_dir_name(run_id: str, when: datetime | None = None) -> str:
    """Sorts by time: ``20260102T030000123456Z-<first 8 of the run id>``."""
    when = when or datetime.now(UTC)
    safe = "".join(c for c in run_id if c.isalnum() or c in "-_")[:8] or "run"
    return f"{when:%Y%m%dT%H%M%S%fZ}-{safe}"


def publish_run(
    tables: Iterable[tuple[str, pa.Table]],
    out_dir: Path,
    manifest: dict[str, Any],
    *,
    lock_timeout: float = 600.0,
    log: Log | None = None,
    warn: Log | None = None,
) -> PublishedRun:
    """Write every table into a fresh run directory, then switch readers to it at once.

    ``tables`` may be a generator (one Arrow table in memory at a time).
    ``manifest`` needs ``run_id``; table digests, row counts and
    ``finished_at`` are added here.  Raises before the switch leave the
    previous run in place and the reader paths untouched.
    """
    run_id = str(manifest["run_id"])
    check_out_dir(out_dir)
    holder = f"pid {os.getpid()}, run {run_id}"
    # Waiting is worth a warning: a run at the default log level would look hung.
    with publish_lock(out_dir, holder, lock_timeout, warn or log):
        clean_leftovers(out_dir, warn)
        adopt_plain_files(out_dir)
        previous = current_run_dir(out_dir)
        name = run_dir_name(run_id)
        runs = out_dir / RUNS
        runs.mkdir(exist_ok=True)
        staging = runs / (name + PARTIAL)
        staging.mkdir()
        before = _previous_files(previous)
        written: dict[str, TableFiles] = {}
        for table_name, table in tables:
            written[table_name] = write_table_files(
                table, table_name, staging, before.get(table_name)
            )
        full = {
            **manifest,
            "finished_at": utc_now(),
            "tables": {
                n: {
                    "rows": f.rows,
                    "parquet": f.parquet,
                    "parquet_sha256": f.parquet_sha256,
                    "csv": f.csv,
                    "csv_sha256": f.csv_sha256,
                }
                for n, f in sorted(written.items())
            },
        }
        _write_json(staging / MANIFEST, full)
        fsync_dir(staging / "csv")
        fsync_dir(staging)
        run_dir = runs / name
        os.rename(staging, run_dir)
        fsync_dir(runs)
        _switch(out_dir, f"{RUNS}/{name}")
        # From here on the run is published: what follows only tidies and must not fail it.
        try:
            link_reader_paths(out_dir, sorted(written))
        except OSError as exc:
            (warn or log or (lambda _m: None))(f"reader links not refreshed: {exc}")
        remove_old_runs(out_dir, keep={run_dir, *([previous] if previous else [])}, warn=warn)
        if log:
            log(f"published run {run_id} into {out_dir} ({run_dir.name})")
        return PublishedRun(out_dir, run_dir, full, written)


def _previous_files(run_dir: Path | None) -> dict[str, TableFiles]:
    """The tables of the run published before (absolute paths, recorded digests), if readable."""
    if run_dir is None:
        return {}
    try:
        manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        return {
            name: TableFiles(
                name,
                int(entry["rows"]),
                str(run_dir / entry["parquet"]),
                str(run_dir / entry["csv"]),
                str(entry["parquet_sha256"]),
                str(entry["csv_sha256"]),
            )
            for name, entry in manifest.get("tables", {}).items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # nothing to reuse: every file is written


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


def _replace_with_link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` with one rename: readers see the old or the new entry."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.link.tmp")
    with suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _switch(out_dir: Path, target: str) -> None:
    _replace_with_link(out_dir / CURRENT, target)
    fsync_dir(out_dir)


def link_reader_paths(out_dir: Path, names: Iterable[str]) -> None:
    """Make the reader paths links through ``current``; drop links to tables no run has now.

    Each link is fixed (it never changes with a run), so creating one is never
    a switch: it shows whatever ``current`` holds.
    """
    names = list(names)
    (out_dir / "csv").mkdir(exist_ok=True)
    for name in names:
        _replace_with_link(out_dir / f"{name}.parquet", f"{CURRENT}/{name}.parquet")
        _replace_with_link(out_dir / "csv" / f"{name}.csv", f"../{CURRENT}/csv/{name}.csv")
    _replace_with_link(out_dir / MANIFEST, f"{CURRENT}/{MANIFEST}")
    keep = set(names)
    for link in [*out_dir.glob("*.parquet"), *(out_dir / "csv").glob("*.csv")]:
        stem = link.name.rsplit(".", 1)[0]
        if link.is_symlink() and stem not in keep and not link.exists():
            link.unlink()
    fsync_dir(out_dir / "csv")
    fsync_dir(out_dir)


def adopt_plain_files(out_dir: Path) -> None:
    """Turn plain table files (written before runs were switched in) into a run of their own.

    What a reader sees is copied (hard-linked where possible) into a run
    directory, ``current`` is pointed at it, and only then is each plain file
    replaced by its link: a reader sees the same bytes throughout, and the
    next switch moves every table at once.
    """
    plain = [
        p
        for p in [*out_dir.glob("*.parquet"), *(out_dir / "csv").glob("*.csv")]
        if p.is_file() and not p.is_symlink()
    ]
    if not plain:
        return
    names = sorted(
        {p.name.removesuffix(".parquet") for p in out_dir.glob("*.parquet") if p.is_file()}
        | {p.name.removesuffix(".csv") for p in (out_dir / "csv").glob("*.csv") if p.is_file()}
    )
    name = run_dir_name("adopted")
    runs = out_dir / RUNS
    runs.mkdir(exist_ok=True)
    staging = runs / (name + PARTIAL)
    (staging / "csv").mkdir(parents=True)
    tables: dict[str, Any] = {}
    for table in names:
        entry: dict[str, Any] = {}
        for rel, kind in ((f"{table}.parquet", "parquet"), (f"csv/{table}.csv", "csv")):
            source = out_dir / rel
            if source.is_file():
                _link_or_copy(source, staging / rel)
                entry[kind] = rel
                entry[f"{kind}_sha256"] = sha256_file(staging / rel)
        tables[table] = entry
    _write_json(
        staging / MANIFEST,
        {
            "run_id": "adopted",
            "note": "files published before runs were switched in",
            "tables": tables,
        },
    )
    fsync_dir(staging / "csv")
    fsync_dir(staging)
    os.rename(staging, runs / name)
    fsync_dir(runs)
    _switch(out_dir, f"{RUNS}/{name}")
    link_reader_paths(out_dir, names)


def _link_or_copy(source: Path, target: Path) -> None:
    source = source.resolve()  # a reader path may already be a link through current
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        fsync_file(target)


def clean_leftovers(out_dir: Path, warn: Log | None = None) -> list[Path]:
    """Remove what killed runs left: partial run directories and temporary files or links.

    Called with the lock held, so no live publisher owns any of them.
    """
    removed: list[Path] = []
    runs = out_dir / RUNS
    candidates = [*out_dir.glob(".*.tmp"), *(out_dir / "csv").glob(".*.tmp")]
    if runs.is_dir():
        candidates += [p for p in runs.iterdir() if p.name.endswith(PARTIAL)]
        candidates += list(runs.glob(".*.tmp"))
    for path in candidates:
        if _remove(path, warn):
            removed.append(path)
    return removed


def remove_old_runs(out_dir: Path, keep: set[Path], warn: Log | None = None) -> list[Path]:
    """Remove run directories other than ``keep`` (the new run and the one it replaced)."""
    runs = out_dir / RUNS
    current = current_run_dir(out_dir)
    keep = {p.resolve() for p in keep} | ({current} if current else set())
    removed = []
    for run_dir in sorted(runs.iterdir()) if runs.is_dir() else []:
        if run_dir.resolve() in keep:
            continue
        if _remove(run_dir, warn):
            removed.append(run_dir)
    return removed


def _remove(path: Path, warn: Log | None) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        if warn:
            warn(f"could not remove leftover {path}: {exc.strerror or exc}")
        return False
