"""Merging sources: each resolution rule, conflicts and precedence as data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.reconcile.merge import (
    Precedence,
    load_precedence,
    merge_dose_limits,
    merge_drugs,
    merge_indications,
    merge_side_effects,
)


def mention(
    page: str, source: str, band: str, low=None, high=None, serious=False, effect="HP:0002018"
):
    return {
        "drug_id": "d",
        "page_id": page,
        "source": source,
        "effect_id": effect,
        "effect_name": "Nausea",
        "body_system": "Gastrointestinal",
        "frequency_band": band,
        "freq_min_pct": low,
        "freq_max_pct": high,
        "frequency_text": ">10%" if low else "frequently",
        "serious": serious,
        "raw_text": "x",
        "phrase": "x",
        "match_source": "name",
    }


@pytest.fixture
def default() -> Precedence:
    return load_precedence()


def test_numbers_win_over_words_and_conflict_is_recorded(default: Precedence) -> None:
    frame = pd.DataFrame(
        [mention("a.md", "default", "common"), mention("b.md", "minimal", "very_common", 10)]
    )
    merged, conflicts = merge_side_effects(frame, default)
    row = merged.iloc[0]
    assert (row.frequency_band, row.freq_min_pct, bool(row.band_conflict), row.n_sources) == (
        "very_common",
        10,
        True,
        2,
    )
    assert row.page_ids == ["a.md", "b.md"]
    assert conflicts[0]["field"] == "side_effect.frequency_band"
    assert conflicts[0]["values"] == ["a.md=common", "b.md=very_common"]
    assert "numbers" in conflicts[0]["resolution"]


def test_numbers_beat_a_more_frequent_word_band(default: Precedence) -> None:
    frame = pd.DataFrame(
        [mention("a.md", "s1", "very_common"), mention("b.md", "s2", "common", 1, 10)]
    )
    merged, _ = merge_side_effects(frame, default)
    assert merged.iloc[0].frequency_band == "common"


def test_otherwise_the_more_frequent_band_and_unknown_is_no_conflict(default: Precedence) -> None:
    frame = pd.DataFrame(
        [
            mention("a.md", "s1", "rare"),
            mention("b.md", "s2", "common"),
            mention("c.md", "s3", "unknown"),
        ]
    )
    merged, _ = merge_side_effects(frame, default)
    assert merged.iloc[0].frequency_band == "common" and bool(merged.iloc[0].band_conflict)
    frame = pd.DataFrame([mention("a.md", "s1", "rare"), mention("c.md", "s3", "unknown")])
    merged, conflicts = merge_side_effects(frame, default)
    assert not bool(merged.iloc[0].band_conflict) and conflicts == []


def test_serious_if_any_source_says_so(default: Precedence) -> None:
    frame = pd.DataFrame(
        [mention("a.md", "s1", "rare", serious=True), mention("b.md", "s2", "rare")]
    )
    merged, conflicts = merge_side_effects(frame, default)
    assert bool(merged.iloc[0].serious) and conflicts[0]["field"] == "side_effect.serious"


def test_policies_come_from_yaml(tmp_path: Path) -> None:
    text = (
        Path(load_precedence.__defaults__[0])
        .read_text()
        .replace("frequency_band: numbers_then_most_frequent", "frequency_band: source_trust")
        .replace("source_trust: []", "source_trust: [s2, s1]")
    )
    path = tmp_path / "precedence.yaml"
    path.write_text(text)
    policy = load_precedence(path)
    frame = pd.DataFrame([mention("a.md", "s1", "very_common", 10), mention("b.md", "s2", "rare")])
    merged, _ = merge_side_effects(frame, policy)
    assert merged.iloc[0].frequency_band == "rare"
    path.write_text(text.replace("serious: any", "serious: sometimes"))
    with pytest.raises(ValueError, match="side_effect.serious"):
        load_precedence(path)


def test_indication_status_conflict(default: Precedence) -> None:
    frame = pd.DataFrame(
        [
            {
                "drug_id": "d",
                "page_id": "a.md",
                "source": "s1",
                "condition_name": "migraine",
                "condition_id": "G43",
                "status": "indicated",
                "population": None,
                "raw_text": "",
            },
            {
                "drug_id": "d",
                "page_id": "b.md",
                "source": "s2",
                "condition_name": "migraine",
                "condition_id": "G43",
                "status": "not_indicated",
                "population": None,
                "raw_text": "",
            },
        ]
    )
    merged, conflicts = merge_indications(frame, default)
    assert merged.iloc[0].status == "not_indicated" and bool(merged.iloc[0].status_conflict)
    assert conflicts[0]["field"] == "indication.status"


def indication(page: str, source: str, name: str, status: str, code: str = "E11", population=None):
    return {
        "drug_id": "d",
        "page_id": page,
        "source": source,
        "condition_name": name,
        "condition_id": code,
        "status": status,
        "population": population,
        "raw_text": "",
    }


def test_a_page_excluding_a_narrower_case_keeps_the_concept_indicated(default: Precedence) -> None:
    # One page: used for type 2 diabetes, not for type 1 (one ICD category); the other
    # page agrees. No source disagrees, so no conflict, and the row is not named after
    # the excluded case.
    frame = pd.DataFrame(
        [
            indication("a.md", "s1", "type 2 diabetes mellitus", "indicated"),
            indication("a.md", "s1", "type 1 diabetes", "not_indicated"),
            indication("b.md", "s2", "type 2 diabetes mellitus", "indicated"),
        ]
    )
    merged, conflicts = merge_indications(frame, default)
    row = merged.iloc[0]
    assert (row.status, row.condition_name, bool(row.status_conflict)) == (
        "indicated",
        "type 2 diabetes mellitus",
        False,
    )
    assert row.name_variants == ["type 1 diabetes", "type 2 diabetes mellitus"]
    assert conflicts == []


def test_status_conflict_lists_one_value_per_page(default: Precedence) -> None:
    frame = pd.DataFrame(
        [
            indication("a.md", "s1", "asthma", "indicated", "J45"),
            indication("a.md", "s1", "acute asthma attacks", "not_indicated", "J45"),
            indication("b.md", "s2", "asthma", "not_indicated", "J45", "pediatric"),
        ]
    )
    merged, conflicts = merge_indications(frame, default)
    row = merged.iloc[0]
    # Page a's own exclusion (acute attacks) gives neither the name nor the population.
    assert (row.status, row.condition_name, row.population) == (
        "not_indicated",
        "asthma",
        "pediatric",
    )
    assert conflicts[0]["values"] == ["a.md=indicated", "b.md=not_indicated"]
    indicated, _ = merge_indications(
        frame, Precedence(policies={**default.policies, ("indication", "status"): "indicated_wins"})
    )
    assert indicated.iloc[0].status == "indicated"


def rule(page: str, dose_max: float, rule_type: str = "maximum", dose_min=None, condition=None):
    return {
        "drug_id": "d",
        "page_id": page,
        "source": page[0],
        "population": "adult",
        "indication": None,
        "rule_type": rule_type,
        "condition": condition,
        "condition_detail": None,
        "crcl_min_ml_min": None,
        "crcl_max_ml_min": None,
        "dose_min": dose_min,
        "dose_max": dose_max,
        "dose_period": "day",
        "dose_unit": "mg",
        "doses_per_day": None,
        "duration_days": None,
        "interval_days": None,
        "route": "oral",
        "raw_text": f"max {dose_max}",
    }


def test_strictest_maximum_and_initial_conflicts(default: Precedence) -> None:
    frame = pd.DataFrame(
        [
            rule("a.md", 200),
            rule("b.md", 150),
            rule("a.md", 25, "initial", 25),
            rule("b.md", 50, "initial", 50),
        ]
    )
    limits, conflicts = merge_dose_limits(frame, default)
    assert limits.iloc[0].max_dose == 150 and bool(limits.iloc[0].max_conflict)
    assert limits.iloc[0].page_ids == ["a.md", "b.md"] and limits.iloc[0].raw_text == "max 150"
    fields = sorted(c["field"] for c in conflicts)
    assert fields == ["dosage.initial", "dosage.maximum"]


def test_each_route_is_its_own_limit(default: Precedence) -> None:
    # A topical and an oral product merged into one drug: 500 mg a day on the skin is
    # not the tablets' limit.
    topical = {**rule("t.md", 500), "route": "topical"}
    frame = pd.DataFrame([rule("a.md", 3200), topical, rule("b.md", 1200)])
    limits, conflicts = merge_dose_limits(frame, default)
    by_route = dict(zip(limits["route"], limits["max_dose"], strict=True))
    assert by_route == {"oral": 1200, "topical": 500}
    assert [c["key"] for c in conflicts] == ["adult/standard/oral/mg/day"]
    assert conflicts[0]["values"] == ["a.md=3200 mg", "b.md=1200 mg"]


def test_initial_doses_compare_in_one_unit_and_per_page(default: Precedence) -> None:
    mcg = {**rule("b.md", 110, "initial", 110), "dose_unit": "mcg"}
    frame = pd.DataFrame([rule("a.md", 160, "initial", 60), mcg])
    _, conflicts = merge_dose_limits(frame, default)
    # 110 mcg is the lower starting dose, not 60 mg.
    assert conflicts[0]["resolution"] == "110 mcg: policy lowest"
    same = {**rule("b.md", 0.1, "initial", 0.1), "dose_unit": "g"}
    two = [rule("a.md", 100, "initial", 100), rule("a.md", 50, "initial", 50)]
    _, conflicts = merge_dose_limits(
        pd.DataFrame([*two, same, rule("b.md", 50, "initial", 50)]), default
    )
    assert conflicts == []  # both pages state 50 mg and 100 mg (0.1 g)
    _, conflicts = merge_dose_limits(pd.DataFrame(two), default)
    assert conflicts == []  # one page's two starting doses are no conflict between sources


def test_drugs_table() -> None:
    pages = pd.DataFrame(
        [
            {
                "page_id": "b.md",
                "source": "s2",
                "title": "Levo-milnacipran",
                "drug_id": "levomilnacipran",
                "status": "ok",
                "generic_name_field": "Levomilnacipran",
            },
            {
                "page_id": "a.md",
                "source": "s1",
                "title": "Levomilnacipran",
                "drug_id": "levomilnacipran",
                "status": "ok",
                "generic_name_field": None,
            },
            {
                "page_id": "c.md",
                "source": "s1",
                "title": None,
                "drug_id": None,
                "status": "quarantined",
                "generic_name_field": None,
            },
        ]
    )
    drugs = merge_drugs(pages)
    assert len(drugs) == 1
    row = drugs.iloc[0]
    assert row.name_variants == ["Levo-milnacipran", "Levomilnacipran"] and row.n_sources == 2
    assert row.page_ids == ["a.md", "b.md"] and row.components == ["levomilnacipran"]
