"""One page never stops a run: a fault injected into one page's extraction.

The faulty page becomes ``failed`` (stage and error in one line, drug_id kept, no rows);
every other page's rows are the same as in a run without the fault; the run fails,
publishing nothing, only when failed pages exceed ``PipelineConfig.max_failed_share``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import pipeline.extract.page_extraction as page_extraction
from pipeline.contract.tables import read_tables
from pipeline.extract.page_extraction import (
    extract_page_safely,
    pages_table,
    too_many_failed,
)
from pipeline.ingest.catalog import ingest_pages
from pipeline.runner import run_pipeline
from tests.conftest import DEV

PAGES = [
    "amoxicillin.default.md",
    "amoxicillin.minimal-medicine.md",
    "gabapentin.default.md",
    "sertraline.minimal-medicine.md",
    "warfarin.default.md",
]
FAULTY = "gabapentin.default.md"


def _inject_dosage_fault(monkeypatch: pytest.MonkeyPatch, page_id: str = FAULTY) -> None:
    real = page_extraction.extract_dosage_rules

    def faulty(page, indications=None):
        if page.page_id == page_id:
            raise ValueError("could not convert string to float: 'multiple'")
        return real(page, indications)

    monkeypatch.setattr(page_extraction, "extract_dosage_rules", faulty)


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "raw"
    root.mkdir()
    for name in PAGES:
        shutil.copy(DEV / name, root / name)
    return root


@pytest.fixture(scope="module")
def clean(raw: Path) -> tuple[Path, Path]:
    """One run without a fault: (its output directory, the lexicon cache)."""
    root = raw.parent
    summary = run_pipeline(raw, root / "clean-out", cache_dir=root / "cache")
    assert summary.success and not summary.failed_pages
    return root / "clean-out", root / "cache"


def test_a_failing_stage_marks_only_that_page(raw: Path, lexicon, monkeypatch) -> None:
    pages = ingest_pages(raw)
    clean = {p.page_id: extract_page_safely(p, lexicon) for p in pages}
    _inject_dosage_fault(monkeypatch)
    faulty = {p.page_id: extract_page_safely(p, lexicon) for p in pages}
    failed = faulty[FAULTY]
    assert failed.failed and not failed.side_effects and not failed.dosage_rules
    assert failed.error == (
        "extract.dosage: ValueError: could not convert string to float: 'multiple'"
    )
    assert failed.drug_id == "gabapentin"
    for page_id, ex in faulty.items():
        if page_id != FAULTY:
            assert not ex.failed and ex == clean[page_id]
    table = pages_table(pages, list(faulty.values())).set_index("page_id")
    assert table.loc[FAULTY, "status"] == "failed"
    assert table.loc[FAULTY, "drug_id"] == "gabapentin"
    assert table.loc[FAULTY, "error"].startswith("extract.dosage: ValueError")
    assert pd.isna(table.loc[FAULTY, "n_side_effects"])
    assert (table.drop(index=FAULTY)["status"] == "ok").all()
    assert (table.drop(index=FAULTY)["n_side_effects"] > 0).all()


def test_any_exception_in_any_stage_is_caught(raw: Path, lexicon, monkeypatch) -> None:
    page = next(p for p in ingest_pages(raw) if p.page_id == FAULTY)

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    for name, stage in (
        ("extract_side_effects", "extract.side_effects"),
        ("extract_indications", "extract.indications"),
    ):
        with monkeypatch.context() as patch:
            patch.setattr(page_extraction, name, explode)
            result = extract_page_safely(page, lexicon)
        assert result.error == f"{stage}: RecursionError: maximum recursion depth exceeded"


def test_failed_share_threshold(raw: Path, lexicon, monkeypatch) -> None:
    pages = ingest_pages(raw)
    _inject_dosage_fault(monkeypatch)
    extractions = [extract_page_safely(p, lexicon) for p in pages]
    # 1 of 5 pages read: 20% fails a 1% limit, not a 25% one.
    verdict = too_many_failed(pages, extractions, 0.01)
    assert verdict is not None and verdict.startswith("1 page failed (20.0% of the pages read)")
    assert "\n" not in verdict and "max_failed_share" in verdict
    assert too_many_failed(pages, extractions, 0.25) is None


def _rows_without(tables: dict[str, pd.DataFrame], page_id: str) -> dict[str, pd.DataFrame]:
    out = {}
    for name in ("side_effect_mentions", "indications", "dosage_rules"):
        frame = tables[name]
        out[name] = frame[frame.page_id != page_id].reset_index(drop=True)
    return out


def test_run_publishes_every_other_page_and_lists_the_failed_one(
    raw: Path, clean: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:
    clean_out, cache = clean
    _inject_dosage_fault(monkeypatch)
    # Its own cache: a fault patched in at run time is no code change, so the stored
    # per-page results of the clean run would be reused as they should be.
    summary = run_pipeline(
        raw, tmp_path / "faulty", cache_dir=tmp_path / "faulty-cache", max_failed_share=0.5
    )
    assert summary.success, summary.render()
    assert summary.failed_pages == (
        (FAULTY, "extract.dosage: ValueError: could not convert string to float: 'multiple'"),
    )
    assert f"failed {FAULTY}: extract.dosage: ValueError" in summary.render()
    assert "4 ok, 0 quarantined, 1 failed" in summary.render()
    before, after = read_tables(clean_out), read_tables(tmp_path / "faulty")
    # The failed page has no rows; every other page's rows are exactly as without the fault.
    for name in ("side_effect_mentions", "indications", "dosage_rules"):
        assert not (after[name].page_id == FAULTY).any()
    assert (before["side_effect_mentions"].page_id == FAULTY).any()
    clean_rows, faulty_rows = _rows_without(before, FAULTY), _rows_without(after, FAULTY)
    for name, frame in clean_rows.items():
        assert len(frame)
        pd.testing.assert_frame_equal(frame, faulty_rows[name])
    # Merged tables of the other drugs are untouched too.
    for name in ("side_effects", "drug_indications"):
        other_before = before[name][before[name].drug_id != "gabapentin"].reset_index(drop=True)
        other_after = after[name][after[name].drug_id != "gabapentin"].reset_index(drop=True)
        pd.testing.assert_frame_equal(other_before, other_after)
    pages = after["pages"].set_index("page_id")
    assert pages.loc[FAULTY, "status"] == "failed"
    assert pages.loc[FAULTY, "drug_id"] == "gabapentin"
    assert FAULTY not in {p for ids in after["drugs"]["page_ids"] for p in ids}


def test_too_many_failed_pages_publish_nothing(
    raw: Path, clean: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:
    clean_out, cache = clean
    out = tmp_path / "out"
    shutil.copytree(clean_out, out)  # the previous run's files
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    _inject_dosage_fault(monkeypatch)
    # A fresh cache: stored per-page results of the first run would hide the patched fault.
    summary = run_pipeline(raw, out, cache_dir=tmp_path / "cache2")  # default share: 1%
    assert not summary.success
    text = summary.render()
    assert "nothing was published" in text
    assert "1 page failed (20.0% of the pages read), over the 1.0% allowed" in text
    after = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before


def test_pages_carry_coverage_as_data(clean: tuple[Path, Path]) -> None:
    """section_kinds and the per-page counts agree with the published rows of each page."""
    tables = read_tables(clean[0])
    pages = tables["pages"].set_index("page_id")
    for column, table in (
        ("n_side_effects", "side_effect_mentions"),
        ("n_indications", "indications"),
        ("n_dosage_rules", "dosage_rules"),
    ):
        counts = tables[table].groupby("page_id").size()
        expected = counts.reindex(pages.index, fill_value=0)
        assert (pages[column].astype(int) == expected).all(), column
    # A page that gave effects never says it has none; every ok page has a flag.
    ok = pages[pages.status == "ok"]
    assert ok["side_effects_stated_none"].notna().all()
    assert not ok.loc[ok.n_side_effects > 0, "side_effects_stated_none"].astype(bool).any()
    kinds = {pid: set(k) for pid, k in pages["section_kinds"].items()}
    assert "side_effects" in kinds["gabapentin.default.md"]
    assert "dosage" in kinds["amoxicillin.minimal-medicine.md"]
    assert all(k == sorted(k) for k in map(list, pages["section_kinds"]))
    # The pages that gave no dosage rule, by source: one line for an analyst.
    none = pages[pages.n_dosage_rules == 0].groupby("source").size()
    assert none.get("default", 0) >= 1
