"""End to end through Dagster (dagster.materialize): the contract's worked example, determinism."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.contract.tables import ALL_TABLES, read_tables
from pipeline.runner import run_pipeline
from tests.conftest import SEEDS

DEFAULT = "levomilnacipran.default.md"
MINIMAL = "levomilnacipran.minimal-medicine.md"

COMMON_MINIMAL = {
    "HP:0000713",
    "HP:0000718",
    "HP:0100785",
    "HP:0002076",
    "HP:0002321",
    "HP:0001337",
    "HP:0000739",
    "HP:0002071",
    "HP:0001649",
    "HP:0001962",
    "HP:0000822",
    "HP:0002615",
    "HP:0100749",
    "HP:0001279",
    "HP:0002019",
    "HP:0002013",
    "HP:0004396",
    "HP:0002027",
    "HP:0000975",
    "HP:0000988",
    "HP:0000989",
    "HP:0000217",
    "HP:0012378",
    "HP:0000622",
    "local:sexual-dysfunction",
}
SERIOUS_MINIMAL = {
    "local:serotonin-syndrome",
    "HP:0012109",
    "HP:0001250",
    "HP:0001892",
    "HP:0031589",
    "local:worsening-of-cardiovascular-conditions",
}
# "Suicidal thoughts or behaviors" is two effects by the contract's "A or B" rule.
SPLIT_EXTRA = {"HP:5200330"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    root = tmp_path_factory.mktemp("e2e")
    raw = root / "raw"
    raw.mkdir()
    for page in SEEDS.glob("*.md"):
        shutil.copy(page, raw / page.name)
    summary = run_pipeline(raw, root / "out", cache_dir=root / "cache")
    assert summary.success and summary.pages_ok == 2 and summary.pages_quarantined == 0
    return root, read_tables(root / "out")


def effects_of(tables: dict[str, pd.DataFrame], page: str) -> dict[str, dict[str, object]]:
    frame = tables["side_effect_mentions"]
    return {r["effect_id"]: r for r in frame[frame.page_id == page].to_dict("records")}


def test_every_table_published_as_parquet_and_csv(published) -> None:
    root, tables = published
    for name in (
        "pages",
        "drugs",
        "side_effect_mentions",
        "side_effects",
        "indications",
        "dosage_rules",
        "conflicts",
    ):
        assert (root / "out" / f"{name}.parquet").exists() and (
            root / "out" / "csv" / f"{name}.csv"
        ).exists()
    assert tables["pages"]["drug_id"].tolist() == ["levomilnacipran", "levomilnacipran"]
    drug = tables["drugs"].iloc[0]
    assert (
        drug.drug_id == "levomilnacipran"
        and drug.n_sources == 2
        and list(drug.page_ids) == [DEFAULT, MINIMAL]
    )


def test_worked_example_default_page(published) -> None:
    _, tables = published
    found = effects_of(tables, DEFAULT)
    expected_bands = {
        "HP:0002018": "common",
        "HP:0000975": "common",
        "HP:0004396": "common",
        "HP:0001824": "common",
        "HP:0100785": "common",
        "HP:0002321": "common",
        "HP:0000822": "common",
        "HP:0002315": "common",
        "local:serotonin-syndrome": "rare",
        "HP:0012393": "rare",
    }
    for effect_id, band in expected_bands.items():
        assert found[effect_id]["frequency_band"] == band, effect_id
    assert found["local:serotonin-syndrome"]["serious"] and found["HP:0012393"]["serious"]
    assert not found["HP:0002018"]["serious"]
    indications = tables["indications"]
    rows = indications[indications.page_id == DEFAULT]
    assert set(zip(rows.condition_name, rows.status, strict=True)) == {
        ("major depressive disorder", "indicated"),
        ("generalized anxiety disorder", "indicated"),
    }
    assert tables["dosage_rules"].query("page_id == @DEFAULT").empty


def test_worked_example_minimal_page_effects(published) -> None:
    _, tables = published
    found = effects_of(tables, MINIMAL)
    assert (
        set(found) == {"HP:0001278", "HP:0002018"} | COMMON_MINIMAL | SERIOUS_MINIMAL | SPLIT_EXTRA
    )
    for effect_id in ("HP:0001278", "HP:0002018"):
        assert (found[effect_id]["frequency_band"], found[effect_id]["freq_min_pct"]) == (
            "very_common",
            10,
        )
        assert pd.isna(found[effect_id]["freq_max_pct"])
    for effect_id in COMMON_MINIMAL:
        row = found[effect_id]
        assert (
            row["frequency_band"],
            row["freq_min_pct"],
            row["freq_max_pct"],
            row["serious"],
        ) == ("common", 1, 10, False), effect_id
    for effect_id in SERIOUS_MINIMAL:
        row = found[effect_id]
        assert (row["frequency_band"], row["freq_max_pct"], row["serious"]) == (
            "uncommon",
            1,
            True,
        ), effect_id
        assert pd.isna(row["freq_min_pct"])


def test_worked_example_minimal_page_indications(published) -> None:
    _, tables = published
    rows = tables["indications"].query("page_id == @MINIMAL")
    assert set(zip(rows.condition_name, rows.status, rows.population.fillna("-"), strict=True)) == {
        ("major depressive disorder", "indicated", "adult"),
        ("fibromyalgia", "not_indicated", "-"),
    }


def _n(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def test_worked_example_dosage_rules_exactly(published) -> None:
    _, tables = published
    rules = tables["dosage_rules"].query("page_id == @MINIMAL")
    got = sorted(
        (
            (
                r.rule_type,
                r.condition if isinstance(r.condition, str) else "",
                r.population,
                _n(r.dose_min),
                _n(r.dose_max),
                _n(r.doses_per_day),
                _n(r.duration_days),
                _n(r.interval_days),
                _n(r.crcl_min_ml_min),
                _n(r.crcl_max_ml_min),
            )
            for r in rules.itertuples()
        ),
        key=repr,
    )
    expected = sorted(
        [
            ("initial", "", "adult", 20, 20, 1, 2, None, None, None),
            ("titration", "", "adult", 40, 40, 1, None, None, None, None),
            ("titration", "", "adult", 20, 40, None, None, 2, None, None),
            ("maximum", "", "adult", 120, 120, 1, None, None, None, None),
            ("maintenance", "", "adult", 40, 120, 1, None, None, None, None),
            ("not_recommended", "", "pediatric", None, None, None, None, None, None, None),
            (
                "no_adjustment",
                "hepatic_impairment",
                "adult",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
            ("adjustment", "hepatic_impairment", "adult", None, None, None, None, None, None, None),
            ("no_adjustment", "renal_impairment", "adult", None, None, None, None, None, 60, None),
            ("maximum", "renal_impairment", "adult", 80, 80, None, None, None, 30, 59),
            ("maximum", "renal_impairment", "adult", 40, 40, None, None, None, 15, 29),
            (
                "not_recommended",
                "renal_impairment",
                "adult",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
            ("maximum", "drug_interaction", "adult", 80, 80, None, None, None, None, None),
            ("washout", "drug_interaction", "adult", None, None, None, None, 14, None, None),
            ("washout", "drug_interaction", "adult", None, None, None, None, 7, None, None),
        ],
        key=repr,
    )
    assert got == sorted(
        (tuple(_n(v) if isinstance(v, int) else v for v in row) for row in expected), key=repr
    )
    assert set(rules.route) == {"oral"}
    details = dict(
        zip(
            rules.rule_type + "/" + rules.condition.fillna(""), rules.condition_detail, strict=False
        )
    )
    assert details["maximum/drug_interaction"] == "strong CYP3A4 inhibitors"
    assert "end-stage renal disease" in set(rules.condition_detail.dropna())
    assert "mild to moderate" in set(rules.condition_detail.dropna())


def test_worked_example_merge_and_conflict(published) -> None:
    _, tables = published
    nausea = tables["side_effects"].query("effect_id == 'HP:0002018'").iloc[0]
    assert (nausea.frequency_band, bool(nausea.band_conflict), nausea.n_sources) == (
        "very_common",
        True,
        2,
    )
    conflict = tables["conflicts"].query("key == 'HP:0002018'").iloc[0]
    assert conflict.field == "side_effect.frequency_band"
    assert list(conflict["values"]) == [f"{DEFAULT}=common", f"{MINIMAL}=very_common"]
    assert conflict.resolution.startswith("very_common")


def test_same_input_gives_byte_identical_files(published, tmp_path: Path) -> None:
    root, _ = published
    again = run_pipeline(root / "raw", tmp_path / "out", cache_dir=root / "cache")
    assert again.success
    # Every path a reader opens; manifest.json differs by design (run id, times).
    for name in sorted(ALL_TABLES):
        for rel in (f"{name}.parquet", f"csv/{name}.csv"):
            twin = tmp_path / "out" / rel
            assert twin.read_bytes() == (root / "out" / rel).read_bytes(), rel


def test_quarantine_never_stops_the_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / MINIMAL, raw / MINIMAL)
    (raw / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    (raw / "binary.md").write_bytes(b"\xff\xfe\x00\x01")
    summary = run_pipeline(raw, tmp_path / "out", cache_dir=tmp_path / "cache")
    assert summary.success and (summary.pages_ok, summary.pages_quarantined) == (1, 2)
    tables = read_tables(tmp_path / "out")
    assert len(tables["side_effect_mentions"]) == 34
