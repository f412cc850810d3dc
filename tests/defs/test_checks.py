"""Asset checks in real runs: the blocking contract check and the drift warnings.

Two runs share one instance: the second, on fewer pages, must warn (row counts and
page problems against the first run's materializations) without failing or blocking.
"""

from __future__ import annotations

import shutil

import dagster as dg
import pandas as pd
import pytest

from pipeline.defs.checks import mapped_share, problem_counts, row_drop
from pipeline.runner import run_pipeline
from tests.conftest import DEV


def _evaluations(
    instance: dg.DagsterInstance, run_id: str
) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    records = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    out = {}
    for record in records:
        evaluation = record.dagster_event.event_specific_data
        out[(evaluation.asset_key.to_user_string(), evaluation.check_name)] = evaluation
    return out


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("drift")
    raw = root / "raw"
    raw.mkdir()
    pages = sorted(DEV.glob("*.md"))[:8]
    for page in pages:
        shutil.copy(page, raw / page.name)
    with dg.instance_for_test() as instance:
        first = run_pipeline(raw, root / "out", cache_dir=root / "cache", instance=instance)
        # Half the pages gone, two broken ones added: tables shrink, problems rise.
        for page in pages[:4]:
            (raw / page.name).unlink()
        (raw / "bad1.md").write_bytes(b"\xff\xfe not utf-8")
        (raw / "bad2.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
        second = run_pipeline(raw, root / "out", cache_dir=root / "cache", instance=instance)
        yield instance, first, second


def test_first_run_passes_every_check(two_runs) -> None:
    instance, first, _ = two_runs
    assert first.success
    evaluations = _evaluations(instance, first.run_id)
    assert len(evaluations) == 24
    assert all(e.passed for e in evaluations.values())
    contract = evaluations[("side_effects", "matches_contract")]
    assert contract.severity == dg.AssetCheckSeverity.ERROR


def test_drift_warns_but_neither_blocks_nor_fails_the_run(two_runs) -> None:
    instance, first, second = two_runs
    assert second.success  # bad pages and shrinking tables never fail a run
    evaluations = _evaluations(instance, second.run_id)
    drift = evaluations[("side_effect_mentions", "row_count_drift")]
    assert not drift.passed and drift.severity == dg.AssetCheckSeverity.WARN
    assert drift.metadata["row_drop_share"].value > 0.2
    assert drift.metadata["previous_rows"].value > drift.metadata["rows"].value
    problems = evaluations[("pages", "page_problems_drift")]
    assert not problems.passed and problems.severity == dg.AssetCheckSeverity.WARN
    assert problems.metadata["quarantined"].value >= 2
    assert problems.metadata["problem_share_rise"].value > 0.05
    assert evaluations[("pages", "matches_contract")].passed
    mapped = evaluations[("side_effect_mentions", "mapped_share_drift")]
    assert mapped.metadata["previous_mapped_share_hpo"].value >= 0


def test_drift_figures() -> None:
    assert row_drop(None, 5) == 0.0
    assert row_drop(100, 120) == 0.0
    assert row_drop(100, 70) == pytest.approx(0.3)
    frame = pd.DataFrame({"effect_id": ["HP:0000001", "local:x", "HP:0000002", "local:y"]})
    assert mapped_share(frame) == 0.5
    pages = pd.DataFrame({"status": ["ok", "quarantined", "failed", "ok"]})
    assert problem_counts(pages) == {"pages": 4, "quarantined": 1, "failed": 1}


def test_checks_declared_blocking_or_warning() -> None:
    from pipeline.definitions import defs

    graph = defs.get_repository_def().asset_graph
    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for checks in [*(defs.assets or []), *(defs.asset_checks or [])]
        for spec in getattr(checks, "check_specs", [])
    }
    assert specs, "checks are found by load_from_defs_folder"
    assert all(specs[(t, "matches_contract")].blocking for t in ("pages", "side_effects"))
    assert not specs[("side_effects", "row_count_drift")].blocking
    assert len(graph.asset_check_keys) == len(specs)
