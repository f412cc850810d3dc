"""Where values between steps live: a UPath-based IO manager every worker can reach.

Locally it is a directory (``PIPELINE_IO_DIR``, else ``outputs/.cache/io``); on a
cluster point it at object storage (``s3://bucket/prefix``, ``gs://...``): each step
of a multiprocess, Kubernetes or Celery run then reads what another step wrote.
What passes between steps is small (shard manifests) or a table (pickled
DataFrames, the same bytes Dagster's own fs_io_manager writes); per-page rows never
travel as Python objects.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

import dagster as dg
from upath import UPath


class PickledUPathIOManager(dg.UPathIOManager):
    """Pickles each output to ``<base>/<asset key or run/step/output>``, on any fsspec filesystem."""

    extension = ".pickle"

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.rename(path)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as handle:
            return pickle.load(handle)


class PipelineIOManager(dg.ConfigurableIOManagerFactory):
    """The run's IO manager; ``base_dir`` may be a local path or an fsspec URL."""

    base_dir: str | None = None

    def create_io_manager(self, context: dg.InitResourceContext) -> PickledUPathIOManager:
        base = self.base_dir or os.environ.get("PIPELINE_IO_DIR") or "outputs/.cache/io"
        path = UPath(base)
        if path.protocol in ("", "file", "local"):
            path = UPath(os.path.abspath(os.fspath(path)))
        return PickledUPathIOManager(base_path=path)
