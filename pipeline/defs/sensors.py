"""A sensor that refreshes the tables when pages under the raw directory change.

Every tick (30 s) it takes the raw directory's stat digest (sizes and mtimes, no file
read); only when that moved does it hash the pages' contents. A new content digest means
pages were added, changed or removed since the last run: one ``refresh_all`` run is
requested for the whole batch of changes. An unchanged tree, or files only touched,
starts nothing. The cursor holds the two digests and a request count (the run key is
the count and the digest, so returning to an earlier tree still starts a run).

With no cursor yet (the sensor just turned on), the baseline is the ``raw_digest`` of
the last ``raw_pages`` materialization of the same directory, so turning the sensor on
after a ``pipeline run`` starts nothing until a page changes.

Off by default, like any Dagster sensor: turn it on in the UI (Automation -> sensors ->
``raw_pages_changed`` -> toggle), or set ``PIPELINE_SENSOR=on`` before ``dagster dev``
to start it running.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import dagster as dg

from pipeline.defs import schedules
from pipeline.defs.execution import execution_config, pages_to_extract
from pipeline.defs.resources import PipelineConfig
from pipeline.ingest.tree import content_digest, stat_digest

SENSOR_NAME = "raw_pages_changed"


@dataclass(frozen=True)
class TreeCursor:
    """What the sensor last saw of the raw directory."""

    stat: str
    content: str
    requests: int = 0

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def load(cls, text: str | None) -> TreeCursor | None:
        if not text:
            return None
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):  # a cursor from another version: start afresh
            return None


def last_materialized_digest(instance: dg.DagsterInstance, raw_dir: str) -> str | None:
    """``raw_digest`` of the latest ``raw_pages`` materialization of ``raw_dir``, if any."""
    event = instance.get_latest_materialization_event(dg.AssetKey("raw_pages"))
    if event is None or event.asset_materialization is None:
        return None
    metadata = event.asset_materialization.metadata
    recorded_dir = getattr(metadata.get("raw_dir"), "value", None)
    digest = getattr(metadata.get("raw_digest"), "value", None)
    return str(digest) if digest and recorded_dir == raw_dir else None


def _default_status() -> dg.DefaultSensorStatus:
    if os.environ.get("PIPELINE_SENSOR", "").lower() in {"on", "1", "true", "running"}:
        return dg.DefaultSensorStatus.RUNNING
    return dg.DefaultSensorStatus.STOPPED


@dg.sensor(
    name=SENSOR_NAME,
    job=schedules.refresh_all,
    minimum_interval_seconds=30,
    default_status=_default_status(),
    description=(
        "Requests one refresh_all run when pages under the raw directory are added, changed"
        " or removed (a cursor over their content digest; an unchanged tree starts nothing)."
    ),
)
def raw_pages_changed(
    context: dg.SensorEvaluationContext, settings: PipelineConfig
) -> dg.SensorResult | dg.SkipReason:
    raw = settings.raw_path
    if not raw.is_dir():
        return dg.SkipReason(f"raw directory {raw} does not exist")
    previous = TreeCursor.load(context.cursor)
    stat = stat_digest(raw)
    if previous is not None and previous.stat == stat:
        return dg.SkipReason("no page added, changed or removed since the last check")
    content = content_digest(raw)
    if previous is not None:
        baseline, requests = previous.content, previous.requests
    else:
        baseline, requests = last_materialized_digest(context.instance, str(raw)), 0
    if content == baseline:
        return dg.SensorResult(
            skip_reason="pages touched, but their contents are those of the last run",
            cursor=TreeCursor(stat, content, requests).dump(),
        )
    requests += 1
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"{requests}-{content[:16]}",
                run_config=execution_config(pages_to_extract(settings)),
                tags={"pipeline/trigger": SENSOR_NAME, "pipeline/raw_digest": content[:16]},
            )
        ],
        cursor=TreeCursor(stat, content, requests).dump(),
    )
