"""Per-page work by shard: read, extract and tabulate each page, reusing stored rows.

A page belongs to shard ``hash(page_id) % shards``, so a shard's pages stay put as
the corpus grows or changes.  A shard's rows are compact Arrow tables (one per per-page
table), the only thing that leaves the shard: parsed pages never travel between
steps.  The rows are also stored, as Parquet, in a page store kept between runs and
keyed by the code version (:mod:`pipeline.pagework.version`); the next run of the
shard parses and extracts only pages whose (page_id, content hash) has no stored
rows, and pages that left the corpus are dropped.  A page's rows depend on nothing but
the page and the code version, so a shard of reused and fresh rows equals a shard
extracted from scratch.

The store is a cache: every write is atomic (a directory renamed into place, or, on
object storage, files first and a marker last), and a store that cannot be read or
written costs only the work it would have saved, never the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from upath import UPath

from pipeline.contract import tables as contract
from pipeline.contract.vocabularies import PageStatus
from pipeline.extract.page_extraction import (
    CANDIDATE_COLUMNS,
    UNMAPPED_ITEM_COLUMNS,
    PageExtraction,
    dosage_frame,
    extract_page_safely,
    indications_frame,
    mentions_frame,
    pages_table,
    unmapped_items_frame,
)
from pipeline.ingest.catalog import ingest_page, unlisted_page
from pipeline.ingest.pages import MAX_PAGE_BYTES, Page, discover, page_id_for
from pipeline.ingest.tree import file_sha256
from pipeline.vocabulary.conditions import ConditionVocabulary
from pipeline.vocabulary.lexicon import Lexicon

UNMAPPED_ITEMS = "unmapped_items"
# The per-page tables a shard makes, with the Arrow schema each is kept in.
SHARD_TABLES: dict[str, pa.Schema] = {
    "pages": contract.PAGES.schema,
    "side_effect_mentions": contract.SIDE_EFFECT_MENTIONS.schema,
    "indications": contract.INDICATIONS.schema,
    "dosage_rules": contract.DOSAGE_RULES.schema,
    UNMAPPED_ITEMS: pa.schema(
        [(name, pa.string()) for name in UNMAPPED_ITEM_COLUMNS]
        + [
            ("candidate_ids", pa.list_(pa.string())),
            ("candidate_names", pa.list_(pa.string())),
            ("candidate_scores", pa.list_(pa.float64())),
        ]
    ),
}
DONE = "_DONE"
LATEST = "LATEST"
# Generations of a shard (and versions of the code) unused for this long are removed.
STALE_SECONDS = 3600.0
STALE_VERSION_SECONDS = 7 * 24 * 3600.0

Vocabularies = tuple[Lexicon, ConditionVocabulary]
Extractor = Callable[[Page, Lexicon, ConditionVocabulary], PageExtraction]


def shard_of(page_id: str, shards: int) -> int:
    """Stable shard of a page: the same page_id always lands in the same shard."""
    return int.from_bytes(hashlib.sha256(page_id.encode()).digest()[:8], "big") % shards


def shard_name(shard: int) -> str:
    """A shard's step key and store folder: ``s000``, ``s001``, ..."""
    return f"s{shard:03d}"


def listing(raw_dir: Path, shards: int) -> pd.DataFrame:
    """Every page file (with the sha256 of its bytes) and every folder that could not be listed.

    Columns: page_id, shard, content_sha256 ("" for a file that is not a regular file or
    cannot be read: never reused), unlisted (why a folder's pages were not listed, else
    None; its page_id ends in ``/``).
    """
    found = discover(raw_dir)
    rows = [(page_id_for(p, raw_dir), file_sha256(p), None) for p in found.files]
    rows += [(page_id_for(folder, raw_dir) + "/", "", why) for folder, why in found.unlisted]
    rows.sort()
    return pd.DataFrame(
        {
            "page_id": [r[0] for r in rows],
            "shard": [shard_of(r[0], shards) for r in rows],
            "content_sha256": [r[1] for r in rows],
            "unlisted": [r[2] for r in rows],
        },
        columns=["page_id", "shard", "content_sha256", "unlisted"],
    )


@dataclass(frozen=True)
class ShardTask:
    """What one shard step does: these (page_id, content hash) pairs under raw_dir.

    ``unlisted`` are folders that could not be listed (page_id ending in ``/``) with why:
    rows of their own in ``pages``.
    """

    shard: int
    shards: int
    raw_dir: str
    pages: tuple[tuple[str, str], ...]
    unlisted: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return shard_name(self.shard)


@dataclass(frozen=True)
class ShardResult:
    """A shard's rows (Arrow tables, in page order) and what it cost."""

    shard: int
    tables: dict[str, pa.Table]
    extracted: int
    reused: int
    seconds: float
    # Why the page store could not be used this time (the shard was extracted in full).
    store_note: str = ""
    # (page_id, status, error) of every page that is not ok; (page_id, note) of pages
    # read with a warning.
    problems: tuple[tuple[str, str, str], ...] = field(default=())
    notes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def pages(self) -> int:
        return self.tables["pages"].num_rows


def plan(frame: pd.DataFrame, raw_dir: Path, shards: int) -> list[ShardTask]:
    """Non-empty shards of a ``listing``, each with its pages in page_id order."""
    buckets: dict[int, list[tuple[str, str]]] = {}
    folders: dict[int, list[tuple[str, str]]] = {}
    for page_id, sha, why in zip(
        frame["page_id"], frame["content_sha256"], frame["unlisted"], strict=True
    ):
        shard = shard_of(page_id, shards)
        if why is None or (isinstance(why, float) and pd.isna(why)):
            buckets.setdefault(shard, []).append((page_id, sha))
        else:
            folders.setdefault(shard, []).append((page_id, why))
    return [
        ShardTask(
            shard,
            shards,
            str(raw_dir),
            tuple(sorted(buckets.get(shard, []))),
            tuple(sorted(folders.get(shard, []))),
        )
        for shard in sorted(set(buckets) | set(folders))
    ]


def shard_home(store: UPath, version: str, task: ShardTask) -> UPath:
    return _shard_dir(store, version, task.shards, task.name)


def _shard_dir(store: UPath, version: str, shards: int, name: str) -> UPath:
    """Where one shard's generations live: per code version and shard count."""
    return store / version / f"n{shards}" / name


def run_shard(
    task: ShardTask,
    store: UPath | None,
    version: str,
    vocabularies: Callable[[], Vocabularies],
    max_page_bytes: int = MAX_PAGE_BYTES,
    extract: Extractor | None = None,
) -> ShardResult:
    """Rows of every page of the shard; only new or changed pages are parsed and extracted.

    ``vocabularies`` is called only when a page needs extracting, so a shard whose
    pages are all unchanged never loads them.  ``store`` None: no reuse, nothing stored.
    """
    started = time.perf_counter()
    extract = extract or extract_page_safely
    raw_dir = Path(task.raw_dir)
    hashes = dict(task.pages) | {page_id: f"unlisted:{why}" for page_id, why in task.unlisted}
    content_key = _content_key(hashes)
    home = shard_home(store, version, task) if store is not None else None
    note = ""
    old: dict[str, pa.Table] = {}
    if home is not None:
        try:
            whole = _read_generation(home / content_key)
            if whole is not None:  # this very shard was stored: nothing to do
                return _result(task, whole, 0, len(task.pages), started)
            previous = _latest(home)
            old = (_read_generation(previous) if previous is not None else None) or {}
        except Exception as exc:  # a damaged or vanished store costs the work, not the run
            note = f"page store not read for shard {task.name} ({_one_line(exc)}): re-extracted"
            old = {}
    stored = _stored_hashes(old["pages"]) if old else {}
    reusable = {pid for pid, sha in task.pages if sha and stored.get(pid) == sha}

    fresh_pages: list[Page] = [unlisted_page(pid, why) for pid, why in task.unlisted]
    extractions: list[PageExtraction] = []
    loaded: Vocabularies | None = None
    for page_id, _ in task.pages:
        if page_id in reusable:
            continue
        page = ingest_page(raw_dir / page_id, raw_dir, max_page_bytes)
        fresh_pages.append(page)
        if page.ok:
            loaded = loaded or vocabularies()
            extractions.append(extract(page, *loaded))
    fresh_pages.sort(key=lambda p: p.page_id)
    done = [ex for ex in extractions if not ex.failed]
    fresh = {
        "pages": pages_table(fresh_pages, extractions),
        "side_effect_mentions": mentions_frame(done),
        "indications": indications_frame(done),
        "dosage_rules": dosage_frame(done),
        UNMAPPED_ITEMS: _with_candidate_columns(
            unmapped_items_frame(done, loaded[0] if loaded else None)
        ),
    }
    keep = pa.array(sorted(reusable), pa.string())
    tables: dict[str, pa.Table] = {}
    for name, schema in SHARD_TABLES.items():
        parts = [pa.Table.from_pandas(fresh[name], schema=schema, preserve_index=False)]
        if name in old and len(keep):
            kept = old[name].filter(pc.is_in(old[name].column("page_id"), value_set=keep))
            parts.append(kept.cast(schema))
        tables[name] = in_page_order(pa.concat_tables(parts))
    if home is not None:
        try:
            _store(home, content_key, tables)
        except Exception as exc:  # an unwritable store costs the next run the work
            note = f"page store not written for shard {task.name} ({_one_line(exc)})"
    return _result(task, tables, len(fresh_pages), len(reusable), started, note)


def pending_pages(frame: pd.DataFrame, store: UPath | None, version: str, shards: int) -> int:
    """How many pages of a ``listing`` the next run would parse and extract.

    A page counts unless the latest stored generation of its shard holds rows of it with
    the same content hash (failed pages count: they are tried again).  Reads one column
    pair per shard, never the rows; a store that cannot be read counts every page.
    """
    files = frame[frame["unlisted"].isna()]
    if store is None:
        return len(files)
    stored: dict[str, str] = {}
    for shard in sorted(set(files["shard"])):
        home = _shard_dir(store, version, shards, shard_name(shard))
        try:
            latest = _latest(home)
            if latest is None or not (latest / DONE).exists():
                continue
            with (latest / "pages.parquet").open("rb") as handle:
                table = pq.read_table(handle, columns=["page_id", "content_sha256", "status"])
        except Exception:  # a damaged store: those pages are extracted again
            continue
        stored |= _stored_hashes(table)
    return sum(
        1
        for pid, sha in zip(files["page_id"], files["content_sha256"], strict=True)
        if not sha or stored.get(pid) != sha
    )


def _stored_hashes(pages: pa.Table) -> dict[str, str]:
    """page_id -> content hash of the stored pages a run may reuse.

    A failed page is left out, so it is tried again: its failure may not be the page's."""
    ids, shas, statuses = (
        pages.column(c).to_pylist() for c in ("page_id", "content_sha256", "status")
    )
    return {
        pid: sha for pid, sha, s in zip(ids, shas, statuses, strict=True) if s != PageStatus.FAILED
    }


def in_page_order(table: pa.Table) -> pa.Table:
    """Rows by page_id, each page's rows in the order its extraction gave them (stable)."""
    order = pc.sort_indices(table, sort_keys=[("page_id", "ascending")])
    return table.take(order).replace_schema_metadata(None)


def _with_candidate_columns(frame: pd.DataFrame) -> pd.DataFrame:
    for column in CANDIDATE_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series([[] for _ in range(len(frame))], dtype=object)
    return frame


def _content_key(hashes: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for page_id in sorted(hashes):
        digest.update(f"{page_id}\t{hashes[page_id]}\n".encode())
    return digest.hexdigest()[:24]


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]


def _local(path: UPath) -> bool:
    return path.protocol in ("", "file", "local")


def _read_generation(location: UPath) -> dict[str, pa.Table] | None:
    """The tables of one stored generation, or None when it is not complete."""
    if not (location / DONE).exists():
        return None
    found: dict[str, pa.Table] = {}
    for name in SHARD_TABLES:
        with (location / f"{name}.parquet").open("rb") as handle:
            found[name] = pq.read_table(handle)
    return found


def _latest(home: UPath) -> UPath | None:
    pointer = home / LATEST
    if not pointer.exists():
        return None
    return home / pointer.read_text().strip()


def _store(home: UPath, content_key: str, tables: dict[str, pa.Table]) -> None:
    """Store the shard's tables as one generation, point LATEST at it, drop stale ones."""
    target = home / content_key
    if _local(home):
        # Written into a directory of its own, then renamed into place: a reader sees a
        # whole generation or none; when a concurrent run got there first, ours is dropped.
        base = Path(os.fspath(home))
        base.mkdir(parents=True, exist_ok=True)
        partial = base / f".{content_key}.{uuid.uuid4().hex}.partial"
        partial.mkdir()
        _write_files(UPath(partial), tables)
        try:
            os.rename(partial, base / content_key)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
        pointer = base / f".{LATEST}.{uuid.uuid4().hex}.tmp"
        pointer.write_text(content_key)
        os.replace(pointer, base / LATEST)
        _prune_local(base, keep={content_key, LATEST})
        _prune_versions(base.parent.parent.parent, current=base.parent.parent.name)
    else:
        # Object storage has no rename: files first, the marker that makes them visible
        # last; each object is written whole by one PUT.
        target.mkdir(parents=True, exist_ok=True)
        _write_files(target, tables)
        (home / LATEST).write_text(content_key)


def _write_files(target: UPath, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        with (target / f"{name}.parquet").open("wb") as handle:
            pq.write_table(table, handle, compression="zstd")
    (target / DONE).write_text(json.dumps({name: t.num_rows for name, t in tables.items()}))


def _prune_local(base: Path, keep: set[str]) -> None:
    """Remove generations (and killed writers' leftovers) nobody has used for a while.

    Not at once: a concurrent run may be reading the generation this run replaced (and a
    reader that loses one only re-extracts).
    """
    now = time.time()
    for child in base.iterdir():
        if child.name in keep:
            continue
        with contextlib.suppress(OSError):
            if now - child.stat().st_mtime > STALE_SECONDS:
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink()


def _prune_versions(store: Path, current: str) -> None:
    """Remove stored rows of code versions unused for a week (each was a full corpus)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for child in store.iterdir():
            if child.name != current and child.is_dir():
                with contextlib.suppress(OSError):
                    if now - child.stat().st_mtime > STALE_VERSION_SECONDS:
                        shutil.rmtree(child, ignore_errors=True)


def _result(
    task: ShardTask,
    tables: dict[str, pa.Table],
    extracted: int,
    reused: int,
    started: float,
    store_note: str = "",
) -> ShardResult:
    pages = tables["pages"]
    columns = [pages.column(c).to_pylist() for c in ("page_id", "status", "error", "ingest_note")]
    problems = tuple(
        (pid, status, err or "")
        for pid, status, err, _ in zip(*columns, strict=True)
        if status != PageStatus.OK
    )
    notes = tuple(
        (pid, note)
        for pid, status, _, note in zip(*columns, strict=True)
        if status == PageStatus.OK and note
    )
    return ShardResult(
        shard=task.shard,
        tables=tables,
        extracted=extracted,
        reused=reused,
        seconds=round(time.perf_counter() - started, 3),
        store_note=store_note,
        problems=problems,
        notes=notes,
    )
