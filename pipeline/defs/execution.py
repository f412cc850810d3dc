"""Which executor runs the job: one process unless many pages need extracting.

Steps of a run are a few assets (each with its checks) plus one step per page shard.
A step in its own process costs one to several seconds here (fork, rebuilding the job,
the instance, loading its inputs), which only pays when the shards have real work: from
``PIPELINE_MULTIPROCESS_MIN_PAGES`` pages to extract (default 3,000; pages whose rows
are stored for this code version do not count) the shards run side by side on every
core, otherwise one process runs the whole job, reading stored rows.

On a cluster set ``PIPELINE_EXECUTOR=k8s`` (or ``celery``): the same job then runs
each step in its own pod (or Celery worker) through dagster-k8s (dagster-celery),
with the IO manager and page store on object storage (see deploy/k8s/).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import dagster as dg

if TYPE_CHECKING:
    from pipeline.defs.resources import PipelineConfig

DEFAULT_MULTIPROCESS_MIN_PAGES = 3000
PRELOAD = ["pipeline.definitions"]


def multiprocess_min_pages() -> int:
    return int(os.environ.get("PIPELINE_MULTIPROCESS_MIN_PAGES", DEFAULT_MULTIPROCESS_MIN_PAGES))


def job_executor() -> dg.ExecutorDefinition:
    """The executor the job is built with: chosen per deployment by ``PIPELINE_EXECUTOR``."""
    kind = os.environ.get("PIPELINE_EXECUTOR", "local")
    if kind == "k8s":
        from dagster_k8s import k8s_job_executor  # type: ignore[import-not-found]

        return k8s_job_executor
    if kind == "celery":
        from dagster_celery import celery_executor  # type: ignore[import-not-found]

        return celery_executor
    return dg.multi_or_in_process_executor


def execution_config(pages: int, min_pages: int | None = None) -> dict[str, Any]:
    """Run config of the local executor for a corpus of ``pages`` pages."""
    threshold = multiprocess_min_pages() if min_pages is None else min_pages
    if os.environ.get("PIPELINE_EXECUTOR", "local") != "local":
        return {}
    if pages < threshold:
        return {"execution": {"config": {"in_process": {}}}}
    return {
        "execution": {
            "config": {
                "multiprocess": {
                    "max_concurrent": os.cpu_count() or 2,
                    # Steps fork from a server that has imported the pipeline once.
                    "start_method": {"forkserver": {"preload_modules": PRELOAD}},
                }
            }
        }
    }


def pages_to_extract(settings: PipelineConfig) -> int:
    """Pages of the raw directory without stored rows for this code version (see pagework).

    The executor is chosen on this, not on the corpus size: a run that reuses nearly every
    page does little but read stored rows, and one process does that fastest.
    """
    from pipeline.defs.resources import page_code_version
    from pipeline.pagework.shards import listing, pending_pages

    try:
        frame = listing(settings.raw_path, settings.shards)
        return pending_pages(
            frame, settings.store_path, page_code_version(settings), settings.shards
        )
    except Exception:  # the run itself reports an unreadable raw directory
        return 0
