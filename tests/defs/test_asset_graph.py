"""The asset graph matches its committed snapshot (see tests/defs/snapshot.py to regenerate)."""

from __future__ import annotations

import os

from tests.defs.snapshot import SNAPSHOT, graph_snapshot, render


def test_asset_graph_matches_the_committed_snapshot() -> None:
    current = render(graph_snapshot())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot: run `uv run python -m tests.defs.snapshot --update`"
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "the asset graph changed (keys, groups, dependencies or checks); if on purpose, "
        "regenerate: `uv run python -m tests.defs.snapshot --update` and commit the diff"
    )


def test_every_published_table_has_a_blocking_contract_check() -> None:
    from pipeline.contract.tables import ALL_TABLES
    from pipeline.definitions import defs

    blocking = {
        spec.asset_key.to_user_string()
        for checks in [*(defs.assets or []), *(defs.asset_checks or [])]
        for spec in getattr(checks, "check_specs", [])
        if spec.name == "matches_contract" and spec.blocking
    }
    assets = graph_snapshot()["assets"]
    for table in ALL_TABLES:
        assert "matches_contract" in assets[table]["checks"], table
        assert "row_count_drift" in assets[table]["checks"], table
    assert blocking == set(ALL_TABLES)
