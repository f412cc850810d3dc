"""Jobs and schedules: the whole graph, refreshed daily."""

from __future__ import annotations

import dagster as dg

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all(),
    description="Re-read raw/, re-extract, reconcile and republish every table.",
    executor_def=dg.in_process_executor,
)

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_all,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Keeps the published datasets fresh; pages unchanged since the last run give identical files.",
)
