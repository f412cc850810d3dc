"""Run the whole asset graph in-process through Dagster, for the CLI and tests."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from pipeline.contract.tables import published_root
from pipeline.contract.vocabularies import PageStatus
from pipeline.publish.release import find_run, read_manifest


@dataclass(frozen=True)
class RunSummary:
    success: bool
    pages_ok: int
    pages_quarantined: int
    rows: dict[str, int]
    wall_seconds: float
    out_dir: Path
    failed_checks: tuple[str, ...] = ()
    run_id: str = ""
    # (page_id, "stage: Error: message") of every page whose extraction failed.
    failed_pages: tuple[tuple[str, str], ...] = ()
    # Why the run failed, one line per failed step (e.g. too many failed pages).
    failed_steps: tuple[str, ...] = ()
    run_id: str = ""
    # The run readers of out_dir see after this one ended (its manifest's run_id), if any.
    current_run: str | None = None

    # The summary lists this many failed pages; the rest are in pages (status failed).
    SHOWN_FAILED = 20

    @property
    def published(self) -> bool:
        """Whether out_dir now shows this run's tables (checked, not assumed)."""
        return bool(self.run_id) and self.current_run == self.run_id

    def render(self) -> str:
        if not self.success:
            if self.published:
                head = f"run failed after its tables were published: {self.out_dir} holds this run"
            elif self.current_run:
                head = (
                    f"run failed: nothing was published; {self.out_dir} still holds run"
                    f" {self.current_run}"
                )
            else:
                head = f"run failed: nothing was published; {self.out_dir} holds no published run"
            lines = [head]
            lines += [f"  failed check {c}" for c in self.failed_checks]
            lines += [f"  failed step {s}" for s in self.failed_steps]
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
            f"outputs: {self.out_dir} (run {self.run_id}, see manifest.json)",
            f"wall time: {self.wall_seconds:.2f} s",
        ]
        return "\n".join(lines)


def run_pipeline(
    raw_dir: Path,
    out_dir: Path,
    cache_dir: Path | None = None,
    log_level: str = "INFO",
    allow_empty: bool = False,
    lock_timeout: float | None = None,
    max_failed_share: float | None = None,
    instance: dg.DagsterInstance | None = None,
    executor: str = "auto",
) -> RunSummary:
    """Launch the ``refresh_all`` job, recorded in ``instance``.

    The job is the one the schedule and the sensor launch, so a command-line run shows in
    the UI under its name with its directories in the run config. Without an instance
    (tests, benchmarks) the run is recorded in a throw-away one. ``executor`` is
    ``in_process``, ``multiprocess`` (one process per step, shards side by side) or
    ``auto``: by corpus size (``pipeline/defs/execution.py``). ``log_level`` is the console
    level of Dagster's event log (the run is recorded in full whatever it is): WARNING keeps
    a terminal to failures and warnings.
    """
    from pipeline.definitions import defs, refresh_job
    from pipeline.defs.execution import (
        execution_config,
        multiprocess_min_pages,
        pages_to_extract,
    )
    from pipeline.defs.resources import PipelineConfig

    started = time.perf_counter()
    settings = PipelineConfig(
        raw_dir=str(raw_dir),
        output_dir=str(out_dir),
        cache_dir=str(cache_dir) if cache_dir else None,
        allow_empty=allow_empty,
        **({"publish_lock_timeout": lock_timeout} if lock_timeout is not None else {}),
        **({} if max_failed_share is None else {"max_failed_share": max_failed_share}),
    )
    resource_config = {
        "raw_dir": str(settings.raw_path),
        "output_dir": str(settings.output_path),
        "cache_dir": str(settings.cache_path),
        "max_failed_share": settings.max_failed_share,
        "allow_empty": settings.allow_empty,
        "publish_lock_timeout": settings.publish_lock_timeout,
    }
    threshold = {"auto": None, "in_process": 1 << 62, "multiprocess": 0}[executor]
    pages = 0
    if threshold is None and settings.raw_path.is_dir():
        pages = pages_to_extract(settings)
    run_config: dict[str, Any] = {
        "resources": {"settings": {"config": resource_config}},
        "loggers": {"console": {"config": {"log_level": log_level.upper()}}},
        **execution_config(pages, multiprocess_min_pages() if threshold is None else threshold),
    }
    in_process = "in_process" in run_config.get("execution", {}).get("config", {})
    with contextlib.ExitStack() as stack:
        if instance is None:
            # Steps in other processes need the run's instance on disk; one process does not.
            instance = stack.enter_context(
                dg.DagsterInstance.ephemeral()
                if in_process
                else dg.DagsterInstance.local_temp(
                    tempdir=stack.enter_context(
                        tempfile.TemporaryDirectory(prefix="pipeline-instance-")
                    ),
                    overrides={"telemetry": {"enabled": False}},
                )
            )
        # Intermediate values go to a directory of this run's own: the instance's shared
        # storage/ would let two overlapping runs (a CLI run and a scheduled one, or two
        # CLI runs) read each other's half-built assets and publish a mix.
        scratch = stack.enter_context(
            tempfile.TemporaryDirectory(prefix="pipeline-run-", dir=_scratch_parent(instance))
        )
        # One process: values stay in memory, never pickled (the scratch directory goes
        # with the run anyway); steps in other processes read each other's files.
        run_config["resources"]["io_manager"] = {
            "config": {"base_dir": scratch, "in_memory": in_process}
        }
        tags = {"pipeline/trigger": "cli"}
        if in_process:
            result: Any = defs.resolve_job_def("refresh_all").execute_in_process(
                run_config=run_config, instance=instance, raise_on_error=False, tags=tags
            )
        else:
            result = stack.enter_context(
                dg.execute_job(
                    dg.reconstructable(refresh_job), instance, run_config=run_config, tags=tags
                )
            )
        failed = tuple(
            f"{e.asset_key.to_user_string()}.{e.check_name}: {_problems(e)}"
            for e in result.get_asset_check_evaluations()
            if not e.passed
        )
        step_failures = tuple(
            f"{event.step_key}: {_first_line(event)}" for event in result.get_step_failure_events()
        )
        success, run_id = result.success, result.run_id
    elapsed = time.perf_counter() - started
    out = settings.output_path
    current = read_manifest(out) if out.is_dir() else None
    current_run = str(current["run_id"]) if current else None
    if not success:
        return RunSummary(
            False,
            0,
            0,
            {},
            elapsed,
            out,
            failed,
            failed_steps=step_failures,
            run_id=run_id,
            current_run=current_run,
        )
    # This run's own files (another run may have published after it).
    run_dir = find_run(out, run_id) or published_root(out)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    rows = {name: int(t["rows"]) for name, t in manifest.get("tables", {}).items()}
    pages = pd.read_parquet(run_dir / "pages.parquet", columns=["page_id", "status", "error"])
    status = pages["status"]
    ok, quarantined = (
        int((status == PageStatus.OK).sum()),
        int((status == PageStatus.QUARANTINED).sum()),
    )
    failed_pages = tuple(
        (str(r.page_id), str(r.error)) for r in pages[status == PageStatus.FAILED].itertuples()
    )
    return RunSummary(
        True,
        ok,
        quarantined,
        rows,
        elapsed,
        out,
        failed_pages=failed_pages,
        run_id=run_id,
        current_run=current_run,
    )


def _first_line(event: dg.DagsterEvent) -> str:
    """The failing step's own error in one line (a dg.Failure's description; wrappers skipped)."""
    data = event.step_failure_data
    error = data.error if data else None
    while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    message = (error.message if error else "") or str(event.message or "")
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    first = lines[0] if lines else "step failed"
    return first.removeprefix("dagster._core.definitions.events.Failure: ")


def _scratch_parent(instance: dg.DagsterInstance) -> str | None:
    """Per-run scratch under the instance's storage (same disk), else the system temp dir."""
    try:
        parent = Path(instance.storage_directory()) / "runs"
        parent.mkdir(parents=True, exist_ok=True)
        return str(parent)
    except Exception:  # an ephemeral instance may have no storage directory on disk
        return None


def _problems(evaluation: dg.AssetCheckEvaluation) -> str:
    value = evaluation.metadata.get("problems")
    text = getattr(value, "value", value) or ""
    return " ".join(str(text).split())
