"""The lexicon cached as Parquet, keyed by a fingerprint of its inputs.

Rebuilding from hp.obo takes about a second and a half; loading the cached
Parquet a fraction of that.  The cache is rebuilt exactly when the ontology
file, a curated CSV or the lexicon code changes.
"""

from __future__ import annotations

import os
import tempfile
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


def load_lexicon(
    cache_dir: Path, obo_path: Path | None = None, data_dir: Path | None = None
) -> LexiconBuild:
    obo_path = obo_path or bundled_hpo_path()
    fingerprint = lexicon_fingerprint(obo_path, data_dir)
    cache_file = cache_dir / f"lexicon-{fingerprint}.parquet"
    n_overrides = len(read_csv_rows(curated_path(OVERRIDES_CSV, data_dir)))
    if cache_file.exists():
        table = pq.read_table(cache_file)
        version = (table.schema.metadata or {}).get(b"hpo_data_version", b"").decode()
        return LexiconBuild(
            Lexicon(table.to_pandas(), version),
            fingerprint,
            version,
            cache_file,
            False,
            n_overrides,
        )
    ontology = load_obo(obo_path)
    frame = build_lexicon(ontology, data_dir)
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        {"hpo_data_version": ontology.data_version, "fingerprint": fingerprint}
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, cache_file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for stale in cache_dir.glob("lexicon-*.parquet"):
        if stale != cache_file:
            stale.unlink(missing_ok=True)
    return LexiconBuild(
        Lexicon(frame, ontology.data_version),
        fingerprint,
        ontology.data_version,
        cache_file,
        True,
        n_overrides,
    )
