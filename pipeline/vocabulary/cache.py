"""The lexicon cached as Parquet, keyed by a fingerprint of its inputs.

Rebuilding from hp.obo takes about a second and a half; loading the cached
Parquet a fraction of that.  The cache is rebuilt exactly when the ontology
file, a curated CSV or the lexicon code changes, and whenever it cannot be
read (a damaged file, killed writer, full disk): a cache is never a reason
for a run to fail, so neither is one that cannot be written.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.ingest.curated import read_csv_rows
from pipeline.vocabulary.lexicon import (
    OVERRIDES_CSV,
    Lexicon,
    build_lexicon,
    curated_path,
    lexicon_fingerprint,
)
from pipeline.vocabulary.obo import bundled_hpo_path, load_obo


@dataclass(frozen=True)
class LexiconBuild:
    lexicon: Lexicon
    fingerprint: str
    data_version: str
    cache_file: Path
    rebuilt: bool
    n_overrides: int
    # Why the cache was not used or not written (a damaged file, a read-only directory).
    note: str | None = None


def load_lexicon(
    cache_dir: Path, obo_path: Path | None = None, data_dir: Path | None = None
) -> LexiconBuild:
    obo_path = obo_path or bundled_hpo_path()
    fingerprint = lexicon_fingerprint(obo_path, data_dir)
    cache_file = cache_dir / f"lexicon-{fingerprint}.parquet"
    n_overrides = len(read_csv_rows(curated_path(OVERRIDES_CSV, data_dir)))
    note = None
    if cache_file.exists():
        try:
            lexicon = _read_cache(cache_file, fingerprint)
            return LexiconBuild(
                lexicon, fingerprint, lexicon.data_version, cache_file, False, n_overrides
            )
        except Exception as exc:  # any damage: pyarrow, pandas or our own checks
            note = (
                f"cache {cache_file.name} unreadable, rebuilt: {' '.join(str(exc).split())[:160]}"
            )
            with suppress(OSError):
                cache_file.unlink()
    ontology = load_obo(obo_path)
    frame = build_lexicon(ontology, data_dir)
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        {"hpo_data_version": ontology.data_version, "fingerprint": fingerprint}
    )
    try:
        _write_cache(table, cache_dir, cache_file)
    except OSError as exc:
        note = f"cache not written to {cache_dir}: {exc.strerror or exc}"
    return LexiconBuild(
        Lexicon(frame, ontology.data_version),
        fingerprint,
        ontology.data_version,
        cache_file,
        True,
        n_overrides,
        note,
    )


def _read_cache(cache_file: Path, fingerprint: str) -> Lexicon:
    table = pq.read_table(cache_file)
    metadata = table.schema.metadata or {}
    if metadata.get(b"fingerprint", b"").decode() != fingerprint:
        raise ValueError("fingerprint does not match its name")
    version = metadata.get(b"hpo_data_version", b"").decode()
    return Lexicon(table.to_pandas(), version)


def _write_cache(table: pa.Table, cache_dir: Path, cache_file: Path) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, cache_file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    # Stale caches and the temporary files of killed writers.
    for stale in [*cache_dir.glob("lexicon-*.parquet"), *cache_dir.glob("*.tmp")]:
        if stale != cache_file:
            stale.unlink(missing_ok=True)
