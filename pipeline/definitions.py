"""The Dagster code location ``drug_pages_pipeline`` (workspace.yaml, pyproject's tool.dagster).

Following Dagster's project layout, every module under ``pipeline/defs/`` is loaded by
``load_from_defs_folder``: assets, checks, jobs, schedules and sensors are found at module
level, and ``defs/resources.py`` contributes the resources and the executor. A new
definition needs no registration here.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

defs = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)


def refresh_job() -> dg.JobDefinition:
    """The ``refresh_all`` job, for ``dg.reconstructable``: steps run in other processes
    (the multiprocess executor) rebuild the job from here."""
    return defs.resolve_job_def("refresh_all")
