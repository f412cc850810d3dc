"""Run the whole asset graph through Dagster, for the CLI, the benchmark and tests."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq

from pipeline.contract.tables import ALL_TABLES
from pipeline.contract.vocabularies import PageStatus


@dataclass(frozen=True)
class RunSummary:
    success: bool
    pages_ok: int
    pages_quarantined: int
    rows: dict[str, int]
    wall_seconds: float
    out_dir: Path
    failed_checks: tuple[str, ...] = ()
    # (page_id, "stage: Error: message") of every page whose extraction failed.
    failed_pages: tuple[tuple[str, str], ...] = ()
    # Why the run failed, one line per failed step (e.g. too many failed pages).
    failed_steps: tuple[str, ...] = ()

    # The summary lists this many failed pages; the rest are in pages (status failed).
    SHOWN_FAILED = 20

    def render(self) -> str:
        if not self.success:
            lines = ["run failed: nothing was published (previous files, if any, are untouched)"]
            lines += [f"  {step}" for step in self.failed_steps]
            lines += [f"  failed check {c}" for c in self.failed_checks]
            lines.append(f"wall time: {self.wall_seconds:.2f} s")
            return "\n".join(lines)
        lines = [
            f"pages: {self.pages_ok} ok, {self.pages_quarantined} quarantined,"
            f" {len(self.failed_pages)} failed",
            *(
                f"  failed {page_id}: {error}"
                for page_id, error in self.failed_pages[: self.SHOWN_FAILED]
            ),
        ]
        if len(self.failed_pages) > self.SHOWN_FAILED:
            more = len(self.failed_pages) - self.SHOWN_FAILED
            lines.append(f"  ... and {more} more (pages.parquet, status 'failed')")
        lines += [
            "rows per table:",
            *(f"  {name:22} {count}" for name, count in sorted(self.rows.items())),
            f"outputs: {self.out_dir}",
            f"wall time: {self.wall_seconds:.2f} s",
        ]
        return "\n".join(lines)


_NO_TELEMETRY = {"telemetry": {"enabled": False}}


@contextmanager
def _instance(in_process: bool) -> Iterator[dg.DagsterInstance]:
    """The persistent instance when DAGSTER_HOME is set (runs show in the UI), else a temporary one.

    In one process the temporary instance is in memory (an on-disk event log costs a
    commit per event); steps in other processes need it on disk, for the run only.
    """
    if os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            yield instance
        return
    if in_process:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance
        return
    with (
        tempfile.TemporaryDirectory(prefix="pipeline-instance-") as home,
        dg.DagsterInstance.local_temp(tempdir=home, overrides=_NO_TELEMETRY) as instance,
    ):
        yield instance


def run_pipeline(
    raw_dir: Path,
    out_dir: Path,
    cache_dir: Path | None = None,
    log_level: str = "INFO",
    executor: str = "auto",
    max_failed_share: float | None = None,
) -> RunSummary:
    """Run the ``refresh_all`` job: every asset and check.

    ``executor`` is ``in_process``, ``multiprocess`` or ``auto`` (by corpus size, see
    pipeline/defs/execution.py). ``log_level`` is the console level of Dagster's event
    log (the run is recorded in the instance in full whatever it is): WARNING keeps a
    terminal to failures and warnings.
    """
    from pipeline.definitions import refresh_job
    from pipeline.defs.execution import execution_config, multiprocess_min_pages
    from pipeline.defs.resources import PipelineConfig
    from pipeline.ingest.pages import discover

    started = time.perf_counter()
    settings = PipelineConfig(
        raw_dir=str(raw_dir),
        output_dir=str(out_dir),
        cache_dir=str(cache_dir) if cache_dir else None,
        **({} if max_failed_share is None else {"max_failed_share": max_failed_share}),
    )
    threshold = {"auto": None, "in_process": 1 << 62, "multiprocess": 0}[executor]
    pages = len(discover(settings.raw_path).files) if threshold is None else 0
    run_config: dict[str, Any] = {
        "loggers": {"console": {"config": {"log_level": log_level.upper()}}},
        "resources": {
            "settings": {
                "config": {
                    "raw_dir": str(settings.raw_path),
                    "output_dir": str(settings.output_path),
                    "cache_dir": str(settings.cache_path),
                    "max_failed_share": settings.max_failed_share,
                }
            },
            "io_manager": {"config": {"base_dir": str(settings.cache_path / "io")}},
        },
        **execution_config(pages, multiprocess_min_pages() if threshold is None else threshold),
    }
    in_process = "in_process" in run_config.get("execution", {}).get("config", {})
    with _instance(in_process) as instance:
        result = dg.execute_job(dg.reconstructable(refresh_job), instance, run_config=run_config)
        failed = tuple(
            f"{e.asset_key.to_user_string()}.{e.check_name}: {_problems(e)}"
            for e in result.get_asset_check_evaluations()
            if not e.passed
        )
        steps = tuple(
            f"{event.step_key}: {_first_line(event)}" for event in result.get_step_failure_events()
        )
        success = result.success
    elapsed = time.perf_counter() - started
    if not success:
        return RunSummary(False, 0, 0, {}, elapsed, settings.output_path, failed, (), steps)
    rows: dict[str, int] = {}
    for name in ALL_TABLES:
        rows[name] = pq.ParquetFile(settings.output_path / f"{name}.parquet").metadata.num_rows
    pages = pd.read_parquet(
        settings.output_path / "pages.parquet", columns=["page_id", "status", "error"]
    )
    status = pages["status"]
    ok, quarantined = (
        int((status == PageStatus.OK).sum()),
        int((status == PageStatus.QUARANTINED).sum()),
    )
    failed_pages = tuple(
        (str(r.page_id), str(r.error)) for r in pages[status == PageStatus.FAILED].itertuples()
    )
    return RunSummary(
        True, ok, quarantined, rows, elapsed, settings.output_path, failed_pages=failed_pages
    )


def _first_line(event: dg.DagsterEvent) -> str:
    """The error of a failed step in one line (a dg.Failure's description, else its message)."""
    error = getattr(event.event_specific_data, "error", None)
    message = getattr(error, "message", "") or str(event.message or "")
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else "step failed"


def _problems(evaluation: dg.AssetCheckEvaluation) -> str:
    value = evaluation.metadata.get("problems")
    text = getattr(value, "value", value) or ""
    return " ".join(str(text).split())
