"""Which executor runs the job: one process for small corpora, one process per step for big ones.

Steps of a run are the graph's assets and checks plus one step per page shard.
A step in its own process costs about a second here (start, imports, loading its
inputs), which a small corpus never wins back; from ``PIPELINE_MULTIPROCESS_MIN_PAGES``
pages (default 3,000) the shards run side by side on every core instead.

On a cluster set ``PIPELINE_EXECUTOR=k8s`` (or ``celery``): the same job then runs
each step in its own pod (or Celery worker) through dagster-k8s (dagster-celery),
with the IO manager and page store on object storage (see deploy/k8s/).
"""

from __future__ import annotations

import os
from typing import Any

import dagster as dg

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
