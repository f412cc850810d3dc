"""Where values between steps live: a UPath-based IO manager every worker can reach.

A run's values go under ``base_dir``: the command line gives each run a scratch
directory of its own (``pipeline/runner.py``); runs launched by the UI, the schedule
or the sensor get ``<instance storage>/runs/<run id>`` (``PIPELINE_IO_DIR`` instead of
the instance storage when set). Overlapping runs therefore never read each other's
half-built assets. On a cluster, point it at object storage (``s3://bucket/prefix``,
``gs://...``): each step of a multiprocess, Kubernetes or Celery run then reads what
another step wrote. What passes between steps is small (shard tasks) or tables
(Arrow tables of a shard's rows, DataFrames); parsed pages never travel.
"""

from __future__ import annotations

import os
import pickle
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import dagster as dg
from upath import UPath

# Scratch directories of runs launched without one are removed after this long.
STALE_RUN_SECONDS = 2 * 24 * 3600


class PickledUPathIOManager(dg.UPathIOManager):
    """Pickles each output to ``<base>/<asset key or run/step/output>``, on any fsspec filesystem."""

    extension = ".pickle"

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.protocol in ("", "file", "local"):
            # Written aside and renamed: a reader never sees half a value.
            tmp = Path(os.fspath(path)).with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, os.fspath(path))
            return
        with path.open("wb") as handle:  # one PUT: atomic on object storage
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as handle:
            return pickle.load(handle)


class PipelineIOManager(dg.ConfigurableIOManagerFactory):
    """The run's IO manager; ``base_dir`` may be a local path or an fsspec URL."""

    base_dir: str | None = None
    # Values kept in this process's memory, never written: for runs whose every step runs
    # in one process (the command line's in-process runs), where pickling each table to
    # disk and loading it again in the next step was most of the run's cost.
    in_memory: bool = False

    def create_io_manager(self, context: dg.InitResourceContext) -> dg.IOManager:
        if self.in_memory:
            return dg.InMemoryIOManager()
        base = self.base_dir or _run_dir(context)
        path = UPath(base)
        if path.protocol in ("", "file", "local"):
            path = UPath(os.path.abspath(os.fspath(path)))
        return PickledUPathIOManager(base_path=path)


def _run_dir(context: dg.InitResourceContext) -> str:
    """``<PIPELINE_IO_DIR or instance storage>/runs/<run id>``: one run's own values."""
    configured = os.environ.get("PIPELINE_IO_DIR")
    if configured:
        parent = UPath(configured) / "runs"
    else:
        parent = UPath(Path(context.instance.storage_directory()) / "runs")
        _remove_stale(Path(os.fspath(parent)))
    run_id = context.run_id or "no-run"
    return str(parent / run_id)


def _remove_stale(parent: Path) -> None:
    """Drop scratch directories of runs long finished (a run removes nothing of its own)."""
    now = time.time()
    try:
        children = list(parent.iterdir())
    except OSError:
        return
    for child in children:
        try:
            if child.is_dir() and now - child.stat().st_mtime > STALE_RUN_SECONDS:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue
