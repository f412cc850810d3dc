"""The raw-pages sensor, evaluated with Dagster's test context over a real instance."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import PipelineConfig
from pipeline.defs.sensors import TreeCursor, raw_pages_changed
from pipeline.runner import run_pipeline
from tests.conftest import SEEDS

PAGE = "---\ntitle: {name}\n---\n# {name}\n\n## Side Effects\n\n- headache\n"


def _tick(raw: Path, instance: dg.DagsterInstance, cursor: str | None):
    """One evaluation: (run requests, skip reason or None, new cursor)."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": PipelineConfig(raw_dir=str(raw))}
    )
    result = raw_pages_changed(context)
    if isinstance(result, dg.SkipReason):
        return [], result.skip_message, cursor
    skip = result.skip_reason.skip_message if result.skip_reason else None
    return list(result.run_requests or []), skip, result.cursor


def test_sensor_requests_one_run_per_batch_of_changes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "aspirin.md").write_text(PAGE.format(name="Aspirin"), encoding="utf-8")
    with dg.instance_for_test() as instance:
        # Never materialized: the first look requests a run.
        requests, skip, cursor = _tick(raw, instance, None)
        assert len(requests) == 1 and skip is None
        assert requests[0].job_name in (None, "refresh_all")
        keys = {requests[0].run_key}

        # Nothing changed: nothing starts.
        requests, skip, cursor_after = _tick(raw, instance, cursor)
        assert requests == [] and "no page" in skip
        assert cursor_after == cursor

        # Touched but not changed (mtime moves, bytes do not): nothing starts.
        stat = (raw / "aspirin.md").stat()
        os.utime(raw / "aspirin.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
        requests, skip, cursor = _tick(raw, instance, cursor)
        assert requests == [] and "contents" in skip

        # Two new pages at once: one run for the batch.
        (raw / "ibuprofen.md").write_text(PAGE.format(name="Ibuprofen"), encoding="utf-8")
        (raw / "sub").mkdir()
        (raw / "sub" / "naproxen.md").write_text(PAGE.format(name="Naproxen"), encoding="utf-8")
        requests, skip, cursor = _tick(raw, instance, cursor)
        assert len(requests) == 1
        keys.add(requests[0].run_key)

        # A changed page.
        (raw / "ibuprofen.md").write_text(PAGE.format(name="Ibuprofen 200"), encoding="utf-8")
        requests, _, cursor = _tick(raw, instance, cursor)
        assert len(requests) == 1
        keys.add(requests[0].run_key)

        # A removed page, then back to an earlier tree: each is a run with a key of its own.
        (raw / "sub" / "naproxen.md").unlink()
        requests, _, cursor = _tick(raw, instance, cursor)
        assert len(requests) == 1
        keys.add(requests[0].run_key)
        (raw / "ibuprofen.md").unlink()
        requests, _, cursor = _tick(raw, instance, cursor)
        assert len(requests) == 1
        keys.add(requests[0].run_key)
        assert len(keys) == 5
        assert TreeCursor.load(cursor).requests == 5


def test_sensor_starts_nothing_for_the_tree_last_materialized(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    with dg.instance_for_test() as instance:
        summary = run_pipeline(
            raw, tmp_path / "out", cache_dir=tmp_path / "cache", instance=instance
        )
        assert summary.success
        # Turned on after a run of this very tree: no cursor yet, and still nothing to do.
        requests, skip, cursor = _tick(raw, instance, None)
        assert requests == [] and skip and cursor
        (raw / "new.md").write_text(PAGE.format(name="Aspirin"), encoding="utf-8")
        requests, _, _ = _tick(raw, instance, cursor)
        assert len(requests) == 1


def test_sensor_skips_a_missing_directory(tmp_path: Path) -> None:
    with dg.instance_for_test() as instance:
        requests, skip, _ = _tick(tmp_path / "absent", instance, None)
    assert requests == [] and "does not exist" in skip


def test_cursor_from_another_version_starts_afresh() -> None:
    assert TreeCursor.load("not json") is None
    assert TreeCursor.load('{"other": 1}') is None
    assert TreeCursor.load(TreeCursor("a", "b", 2).dump()) == TreeCursor("a", "b", 2)
