"""Jobs and schedules: the whole graph, refreshed daily."""

from __future__ import annotations

import dagster as dg

from pipeline.defs.execution import execution_config, job_executor, pages_to_extract
from pipeline.defs.resources import PipelineConfig

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all(),
    description="Re-read raw/, re-extract changed pages, reconcile and republish every table.",
    executor_def=job_executor(),
)


@dg.schedule(
    name="daily_refresh",
    job=refresh_all,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Keeps the published datasets fresh; pages unchanged since the last run give identical files.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """One run; the executor (one process or one per step) chosen by the pages to extract."""
    return dg.RunRequest(run_config=execution_config(pages_to_extract(PipelineConfig())))
