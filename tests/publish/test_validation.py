"""Pandera schemas from the contract: each rule fails on a bad frame, passes on a good one."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from pipeline.contract.tables import ALL_TABLES, read_tables
from pipeline.publish.summary import pages_by_source, problem_pages, run_summary
from pipeline.publish.validation import SCHEMAS, validate
from pipeline.runner import run_pipeline
from tests.conftest import DEV


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """Published tables of a few dev pages, which the contract accepts."""
    root = tmp_path_factory.mktemp("validation")
    raw = root / "raw"
    raw.mkdir()
    for page in sorted(DEV.glob("*.md"))[:6]:
        shutil.copy(page, raw / page.name)
    (raw / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n# x\n")
    assert run_pipeline(raw, root / "out", cache_dir=root / "cache").success
    return read_tables(root / "out")


def _problems(frame: pd.DataFrame, table: str) -> str:
    return "\n".join(validate(frame, ALL_TABLES[table]).problems)


def test_every_published_table_passes_and_is_documented(good) -> None:
    assert set(good) == set(ALL_TABLES)
    for name, frame in good.items():
        assert validate(frame, ALL_TABLES[name]).passed, (name, _problems(frame, name))
        for column in SCHEMAS[name].columns.values():  # the data dictionary
            assert column.description, (name, column.name)


def test_keys_are_unique(good) -> None:
    frame = pd.concat([good["side_effects"], good["side_effects"].head(1)], ignore_index=True)
    assert "key (drug_id, effect_id) unique" in _problems(frame, "side_effects")


def test_vocabularies(good) -> None:
    frame = good["dosage_rules"].copy()
    frame.loc[0, "rule_type"] = "sometimes"
    assert "rule_type" in _problems(frame, "dosage_rules")
    pages = good["pages"].copy()
    pages.loc[0, "status"] = "broken"
    assert "status" in _problems(pages, "pages")


def test_types(good) -> None:
    frame = good["side_effects"].copy()
    frame["n_sources"] = "two"
    assert _problems(frame, "side_effects").startswith("does not fit the contract schema")
    frame = good["side_effects"].drop(columns=["band_conflict"])
    assert "does not fit" in _problems(frame, "side_effects")


@pytest.mark.parametrize(
    ("table", "low", "high"),
    [
        ("side_effect_mentions", "freq_min_pct", "freq_max_pct"),
        ("dosage_rules", "dose_min", "dose_max"),
        ("dosage_rules", "crcl_min_ml_min", "crcl_max_ml_min"),
        ("dose_limits", "crcl_min_ml_min", "crcl_max_ml_min"),
    ],
)
def test_bounds_in_order(good, table: str, low: str, high: str) -> None:
    frame = good[table].copy()
    assert f"{low} <= {high}" not in _problems(frame, table)
    frame.loc[0, low], frame.loc[0, high] = 50.0, 10.0
    assert f"{low} <= {high}: 1 failing" in _problems(frame, table)


def test_every_ok_page_has_a_drug(good) -> None:
    pages = good["pages"].copy()
    ok = pages.index[pages["status"] == "ok"][0]
    pages.loc[ok, "drug_id"] = None
    assert "every ok page has a drug" in _problems(pages, "pages")


@pytest.mark.parametrize("table", ["drugs", "side_effects", "drug_indications", "dose_limits"])
def test_every_merged_row_has_sources(good, table: str) -> None:
    frame = good[table].copy()
    frame["page_ids"] = [np.array([], dtype=object)] * len(frame)
    assert "every merged row has sources" in _problems(frame, table)


@pytest.mark.parametrize("label", ["Common", "less common", "Rare", "note"])
def test_no_effect_named_after_a_frequency_label(good, label: str) -> None:
    frame = good["side_effect_mentions"].copy()
    frame.loc[0, "effect_name"] = label
    assert "not a frequency label" in _problems(frame, "side_effect_mentions")


def test_effect_ids(good) -> None:
    frame = good["side_effects"].copy()
    frame.loc[0, "effect_id"] = "nausea"
    assert "effect_id: is an effect id" in _problems(frame, "side_effects")


def test_problem_pages_are_a_table_and_a_summary(good) -> None:
    pages, problems = good["pages"], good["page_problems"]
    not_ok = pages[pages["status"] != "ok"]
    assert "broken.md" in set(problems["page_id"])
    assert sorted(problems["page_id"]) == sorted(not_ok["page_id"])
    assert problems["error"].str.len().min() > 0
    assert "broken.md" in problem_pages(pages)
    ok, quarantined = (pages["status"] == "ok").sum(), (pages["status"] == "quarantined").sum()
    assert f"| **all** | {ok} | {quarantined} | 0 | {len(pages)} |" in pages_by_source(pages)
    story = run_summary(good)
    for heading in ("Pages per source", "per band", "Unmapped share", "rules per type"):
        assert heading in story
