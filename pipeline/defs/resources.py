"""Configuration of a run: where pages come from and where tables go."""

import os
from pathlib import Path

import dagster as dg
from upath import UPath

from pipeline.defs.execution import job_executor
from pipeline.defs.storage import PipelineIOManager
from pipeline.ingest.pages import MAX_PAGE_BYTES
from pipeline.pagework.version import code_version
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.conditions import ConditionVocabulary, load_condition_vocabulary
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
    # Stored per-page results (Parquet per shard), kept between runs: a path or an fsspec
    # URL every worker reaches; falls back to PIPELINE_STORE_DIR, then <cache_dir>/pages.
    store_dir: str | None = None
    # A page whose extraction raises is `failed` and the run goes on; when more than this
    # share of the pages read fail, the fault is the pipeline's and the run publishes nothing.
    max_failed_share: float = 0.01
    # A raw directory without a page is a mistake (a mistyped path) unless asked for:
    # publishing its empty tables would replace good ones.
    allow_empty: bool = False
    # How long a run waits for another run publishing into the same directory.
    publish_lock_timeout: float = 600.0
    # Drift checks (warn, never block): the most a run may lose against the previous one.
    max_row_drop: float = 0.2  # share of a table's rows
    max_mapped_share_drop: float = 0.05  # points of the share of mentions mapped to HPO
    max_problem_share_rise: float = 0.05  # points of the share of pages quarantined or failed

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


# One vocabulary of each kind per process: every shard step run in this process would
# otherwise reload it from its cache.
_LEXICONS: dict[str, Lexicon] = {}
_CONDITIONS: dict[str, ConditionVocabulary] = {}


def _lexicon_key(cache_dir: Path) -> str:
    return f"{cache_dir}:{lexicon_fingerprint(bundled_hpo_path())}"


def remember_lexicon(cache_dir: Path, lexicon: Lexicon) -> None:
    """Keep the lexicon the ``hpo_lexicon`` asset just loaded for the shards of this process."""
    _LEXICONS.clear()
    _LEXICONS[_lexicon_key(cache_dir)] = lexicon


def cached_lexicon(cache_dir: Path) -> Lexicon:
    """The lexicon, loaded from its cache once per process."""
    key = _lexicon_key(cache_dir)
    if key not in _LEXICONS:
        remember_lexicon(cache_dir, load_lexicon(cache_dir).lexicon)
    return _LEXICONS[key]


def cached_conditions(cache_dir: Path) -> ConditionVocabulary:
    """The condition vocabulary, loaded from its cache once per process."""
    key = str(cache_dir)
    if key not in _CONDITIONS:
        _CONDITIONS.clear()
        _CONDITIONS[key] = load_condition_vocabulary(cache_dir)
    return _CONDITIONS[key]


@dg.definitions
def resources() -> dg.Definitions:
    """Resources and executor of the code location, found by ``load_from_defs_folder``.

    Values between steps go through a UPath IO manager any worker can reach; the
    executor (one process, or one per step) is chosen per run by corpus size
    (``pipeline/defs/execution.py``).
    """
    return dg.Definitions(
        resources={"settings": PipelineConfig(), "io_manager": PipelineIOManager()},
        executor=job_executor(),
    )
