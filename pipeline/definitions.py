"""The Dagster code location ``drug_pages_pipeline`` (see workspace.yaml)."""

from __future__ import annotations

import dagster as dg

from pipeline.defs import assets as stage_assets
from pipeline.defs.checks import CHECKS
from pipeline.defs.execution import job_executor
from pipeline.defs.publish import publish_tables
from pipeline.defs.resources import PipelineConfig
from pipeline.defs.schedules import daily_refresh, refresh_all
from pipeline.defs.storage import PipelineIOManager

ASSETS = [*dg.load_assets_from_modules([stage_assets]), publish_tables]

# One process or one per step, chosen per run by corpus size (pipeline/defs/execution.py);
# values between steps go through a UPath IO manager any worker can reach.
defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[refresh_all],
    schedules=[daily_refresh],
    resources={"settings": PipelineConfig(), "io_manager": PipelineIOManager()},
    executor=job_executor(),
)


def refresh_job() -> dg.JobDefinition:
    """The job, for ``dg.reconstructable``: steps in other processes rebuild it from here."""
    return defs.resolve_job_def("refresh_all")
