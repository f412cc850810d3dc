"""The Dagster asset graph as plain data, and its committed snapshot.

The snapshot guards the graph's shape (asset keys, groups, dependencies,
checks): a change that adds, drops, regroups or rewires an asset fails
``test_asset_graph`` until the snapshot is regenerated on purpose with

    uv run python -m tests.defs.snapshot --update

(or ``UPDATE_SNAPSHOTS=1 uv run pytest tests/defs/test_asset_graph.py``),
so the change shows up in review as a diff of ``asset_graph.snapshot.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("asset_graph.snapshot.json")


def graph_snapshot() -> dict[str, Any]:
    """Every asset with its group, upstream assets and checks; jobs and schedules by name."""
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for check_key in graph.asset_check_keys:
        checks.setdefault(check_key.asset_key.to_user_string(), []).append(check_key.name)
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        name = key.to_user_string()
        assets[name] = {
            "group": node.group_name,
            "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
            "checks": sorted(checks.get(name, [])),
        }
    return {
        "assets": assets,
        "jobs": sorted(job.name for job in defs.jobs or []),
        "schedules": sorted(schedule.name for schedule in defs.schedules or []),
    }


def render(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["--update"]:
        print("usage: python -m tests.defs.snapshot --update", file=sys.stderr)
        return 2
    SNAPSHOT.write_text(render(graph_snapshot()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
