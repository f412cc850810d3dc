"""Configuration of a run: where pages come from and where tables go."""

import os
from pathlib import Path

import dagster as dg
from upath import UPath

from pipeline.ingest.pages import MAX_PAGE_BYTES
from pipeline.pagework.version import code_version
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.lexicon import Lexicon, lexicon_fingerprint
from pipeline.vocabulary.obo import bundled_hpo_path


class PipelineConfig(dg.ConfigurableResource):
    """Directories of a run.

    Unset fields fall back to ``PIPELINE_RAW_DIR`` / ``PIPELINE_OUTPUT_DIR`` /
    ``PIPELINE_CACHE_DIR`` and then to ``raw/``, ``outputs/`` and
    ``outputs/.cache`` under the working directory, so scheduled runs, the
    UI and the command line all agree without extra config.
    """

    raw_dir: str | None = None
    output_dir: str | None = None
    cache_dir: str | None = None
    # Larger files are quarantined unread: no drug page is this big, and a hostile one
    # should not hold up a scheduled run.
    max_page_bytes: int = MAX_PAGE_BYTES
    # Pages are split into this many hash shards, one step each. Changing it re-does every
    # page once (stored results are kept per shard count).
    shards: int = 8
    # Stored per-page results (Parquet per shard): a path or an fsspec URL every worker
    # reaches; falls back to PIPELINE_STORE_DIR, then <cache_dir>/pages.
    store_dir: str | None = None
    # A page whose extraction raises is `failed` and the run goes on; when more than this
    # share of the pages read fail, the fault is the pipeline's and the run publishes nothing.
    max_failed_share: float = 0.01
    # A raw directory without a page is a mistake (a mistyped path) unless asked for:
    # publishing its empty tables would replace good ones.
    allow_empty: bool = False
    # How long a run waits for another run publishing into the same directory.
    publish_lock_timeout: float = 600.0

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir or os.environ.get("PIPELINE_RAW_DIR") or "raw").resolve()

    @property
    def output_path(self) -> Path:
        return Path(self.output_dir or os.environ.get("PIPELINE_OUTPUT_DIR") or "outputs").resolve()

    @property
    def cache_path(self) -> Path:
        configured = self.cache_dir or os.environ.get("PIPELINE_CACHE_DIR")
        return Path(configured).resolve() if configured else self.output_path / ".cache"

    @property
    def store_path(self) -> UPath:
        configured = self.store_dir or os.environ.get("PIPELINE_STORE_DIR")
        if not configured:
            return UPath(self.cache_path / "pages")
        path = UPath(configured)
        return UPath(Path(configured).resolve()) if path.protocol in ("", "file") else path


def page_code_version(settings: PipelineConfig) -> str:
    """Version of the per-page rows: code, vocabularies and the settings that change them."""
    return code_version({"max_page_bytes": settings.max_page_bytes})


_LEXICONS: dict[str, Lexicon] = {}


def cached_lexicon(cache_dir: Path) -> Lexicon:
    """The lexicon, loaded once per process (each shard step of a run would reload it)."""
    key = f"{cache_dir}:{lexicon_fingerprint(bundled_hpo_path())}"
    if key not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[key] = load_lexicon(cache_dir).lexicon
    return _LEXICONS[key]
