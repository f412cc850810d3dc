"""Per-page work by shard: read, extract, and store the rows of each page, reusing stored ones.

A page belongs to shard ``hash(page_id) % shards``, so a shard's pages stay put as
the corpus grows or changes.  Each shard keeps its per-page rows as Parquet files
(one per per-page table) under the page store, keyed by the code version
(:mod:`pipeline.pagework.version`).  A shard re-reads the bytes of its pages, hashes
them, and extracts only pages whose (page_id, content hash) it has no stored rows
for; pages that left the corpus are dropped.  A page's rows do not depend on other
pages, so a shard of reused and fresh rows equals a shard extracted from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable
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
from pipeline.ingest.pages import MAX_PAGE_BYTES, Page
from pipeline.vocabulary.lexicon import Lexicon

UNMAPPED_ITEMS = "unmapped_items"
# The per-page tables a shard stores, with the Arrow schema each is stored with.
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


def shard_of(page_id: str, shards: int) -> int:
    """Stable shard of a page: the same page_id always lands in the same shard."""
    return int.from_bytes(hashlib.sha256(page_id.encode()).digest()[:8], "big") % shards


@dataclass(frozen=True)
class ShardTask:
    """What one shard step does: these pages (sorted page_ids) under raw_dir.

    ``unlisted`` are folders that could not be listed (page_id ending in ``/``) with why:
    rows of their own in ``pages``.
    """

    shard: int
    shards: int
    raw_dir: str
    page_ids: tuple[str, ...]
    unlisted: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"s{self.shard:03d}"


@dataclass(frozen=True)
class ShardResult:
    """Where a shard's tables are and what it cost: small, passed between steps."""

    shard: int
    location: str
    pages: int
    extracted: int
    reused: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    # (page_id, status, error) of every page that is not ok.
    problems: tuple[tuple[str, str, str], ...] = ()

    @property
    def failed(self) -> list[tuple[str, str]]:
        return [(pid, err) for pid, status, err in self.problems if status == PageStatus.FAILED]

    @property
    def read(self) -> int:
        """Pages that were read (ok or failed): the denominator of the failed share."""
        quarantined = sum(1 for _, s, _ in self.problems if s == PageStatus.QUARANTINED)
        return self.pages - quarantined


def plan(
    page_ids: Iterable[str],
    raw_dir: Path,
    shards: int,
    unlisted: Iterable[tuple[str, str]] = (),
) -> list[ShardTask]:
    """Non-empty shards of the corpus, each with its pages in page_id order."""
    buckets: dict[int, list[str]] = {}
    folders: dict[int, list[tuple[str, str]]] = {}
    for page_id in page_ids:
        buckets.setdefault(shard_of(page_id, shards), []).append(page_id)
    for page_id, reason in unlisted:
        folders.setdefault(shard_of(page_id, shards), []).append((page_id, reason))
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


def shard_dir(store: UPath, version: str, task: ShardTask) -> UPath:
    return store / version / f"n{task.shards}" / task.name


def run_shard(
    task: ShardTask,
    store: UPath,
    version: str,
    lexicon: Callable[[], Lexicon],
    max_page_bytes: int = MAX_PAGE_BYTES,
    extract: Callable[[Page, Lexicon], PageExtraction] | None = None,
) -> ShardResult:
    """Rows of every page of the shard, stored under ``store``; only new or changed pages extracted.

    ``lexicon`` is called only when a page needs extracting, so a shard whose
    pages are all unchanged never loads the vocabulary.
    """
    started = time.perf_counter()
    extract = extract or extract_page_safely
    raw_dir = Path(task.raw_dir)
    read = [(page_id, *_read(raw_dir / page_id, max_page_bytes)[1:]) for page_id in task.page_ids]
    hashes = {page_id: sha for page_id, sha, _ in read}
    hashes.update({page_id: reason for page_id, reason in task.unlisted})
    home = shard_dir(store, version, task)
    content_key = _content_key(hashes)
    target = home / content_key
    if (target / DONE).exists():
        tables = {name: _read_table(target, name) for name in SHARD_TABLES}
        return _result(task, target, tables, 0, len(read), started)

    previous = _latest(home)
    reusable: set[str] = set()
    old: dict[str, pa.Table] = {}
    if previous is not None:
        old = {name: _read_table(previous, name) for name in SHARD_TABLES}
        stored = dict(
            zip(
                old["pages"].column("page_id").to_pylist(),
                old["pages"].column("content_sha256").to_pylist(),
                strict=True,
            )
        )
        reusable = {pid for pid, sha, readable in read if readable and stored.get(pid) == sha}

    fresh_pages: list[Page] = [unlisted_page(pid, reason) for pid, reason in task.unlisted]
    extractions: list[PageExtraction] = []
    loaded: Lexicon | None = None
    for page_id, _, _ in read:
        if page_id in reusable:
            continue
        page = ingest_page(raw_dir / page_id, raw_dir, max_page_bytes)
        fresh_pages.append(page)
        if page.ok:
            loaded = loaded or lexicon()
            extractions.append(extract(page, loaded))
    fresh_pages.sort(key=lambda p: p.page_id)
    done = [ex for ex in extractions if not ex.failed]
    fresh = {
        "pages": pages_table(fresh_pages, extractions),
        "side_effect_mentions": mentions_frame(done),
        "indications": indications_frame(done),
        "dosage_rules": dosage_frame(done),
        UNMAPPED_ITEMS: _with_candidate_columns(unmapped_items_frame(done, loaded)),
    }
    tables: dict[str, pa.Table] = {}
    keep = pa.array(sorted(reusable), pa.string())
    for name, schema in SHARD_TABLES.items():
        parts = [pa.Table.from_pandas(fresh[name], schema=schema, preserve_index=False)]
        if name in old and len(keep):
            kept = old[name].filter(pc.is_in(old[name].column("page_id"), value_set=keep))
            parts.append(kept.cast(schema))
        combined = pa.concat_tables(parts)
        # Page order, each page's rows in the order its extraction gave them (a stable sort).
        order = pc.sort_indices(combined, sort_keys=[("page_id", "ascending")])
        tables[name] = combined.take(order).replace_schema_metadata(None)
    _write(target, tables)
    _set_latest(home, content_key, keep_also=previous.name if previous is not None else None)
    return _result(task, target, tables, len(fresh_pages), len(reusable), started)


def _with_candidate_columns(frame: pd.DataFrame) -> pd.DataFrame:
    for column in CANDIDATE_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series([[] for _ in range(len(frame))], dtype=object)
    return frame


def read_tables(locations: Iterable[str], name: str) -> pd.DataFrame:
    """One per-page table of the whole corpus, from the shard files, in page order."""
    parts = [pq.read_table(UPath(location) / f"{name}.parquet") for location in locations]
    if not parts:
        return SHARD_TABLES[name].empty_table().to_pandas()
    table = pa.concat_tables(parts)
    order = pc.sort_indices(table, sort_keys=[("page_id", "ascending")])
    # Nullable counts (pages' coverage columns) stay nullable integers, as extraction built them.
    mapper = {pa.int32(): pd.Int32Dtype()}.get if name == "pages" else None
    return table.take(order).to_pandas(types_mapper=mapper)


def _read(path: Path, max_page_bytes: int) -> tuple[str, str, bool]:
    """(page_id, content hash, readable): only the bytes are read here, not parsed.

    A file that cannot be read or is over the size limit gets no hash: it is never
    reused, and ingest gives it its quarantine row again (cheaply, unread).
    """
    try:
        stat = path.stat()
        if stat.st_size <= max_page_bytes:
            return "", hashlib.sha256(path.read_bytes()).hexdigest(), True
        return "", f"oversize:{stat.st_size}:{stat.st_mtime_ns}", False
    except OSError:
        return "", "", False


def _content_key(hashes: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for page_id in sorted(hashes):
        digest.update(f"{page_id}\t{hashes[page_id]}\n".encode())
    return digest.hexdigest()[:24]


def _latest(home: UPath) -> UPath | None:
    pointer = home / LATEST
    if not pointer.exists():
        return None
    target = home / pointer.read_text().strip()
    return target if (target / DONE).exists() else None


def _read_table(location: UPath, name: str) -> pa.Table:
    with (location / f"{name}.parquet").open("rb") as handle:
        return pq.read_table(handle)


def _write(target: UPath, tables: dict[str, pa.Table]) -> None:
    """Write the shard's files, then the marker that makes them visible (object stores have no rename)."""
    target.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with (target / f"{name}.parquet").open("wb") as handle:
            pq.write_table(table, handle, compression="zstd")
    (target / DONE).write_text(json.dumps({name: t.num_rows for name, t in tables.items()}))


def _set_latest(home: UPath, content_key: str, keep_also: str | None) -> None:
    """Point LATEST at the new files; drop older generations but the one just replaced.

    Locally the pointer is replaced atomically; on object storage a write of one small
    object is atomic already.
    """
    pointer = home / LATEST
    if home.protocol in ("", "file", "local"):
        tmp = Path(os.fspath(home)) / f".{LATEST}.{uuid.uuid4().hex}"
        tmp.write_text(content_key)
        os.replace(tmp, os.fspath(pointer))
    else:
        pointer.write_text(content_key)
    for child in home.iterdir():
        if child.is_dir() and child.name not in (content_key, keep_also):
            child.fs.rm(child.path, recursive=True)


def _result(
    task: ShardTask,
    location: UPath,
    tables: dict[str, pa.Table],
    extracted: int,
    reused: int,
    started: float,
) -> ShardResult:
    pages = tables["pages"]
    problems = tuple(
        (pid, status, err or "")
        for pid, status, err in zip(
            pages.column("page_id").to_pylist(),
            pages.column("status").to_pylist(),
            pages.column("error").to_pylist(),
            strict=True,
        )
        if status != PageStatus.OK
    )
    return ShardResult(
        shard=task.shard,
        location=str(location),
        pages=pages.num_rows,
        extracted=extracted,
        reused=reused,
        seconds=round(time.perf_counter() - started, 3),
        rows={name: table.num_rows for name, table in tables.items()},
        problems=problems,
    )
