"""Dosage rules and quantities: each rule type, unit and frequency form."""

from __future__ import annotations

import pytest

from pipeline.extract.dosage import extract_dosage_rules
from pipeline.extract.quantities import (
    crcl_bounds,
    doses_per_day,
    duration_days,
    find_amounts,
    interval_days,
)
from tests.conftest import page_from


def rules(body: str) -> list[dict[str, object]]:
    page = page_from(
        f"---\ntitle: Testamine\n---\n# Testamine\n### Dosage\n{body}\n### FAQs\n* **Q: Max?** A: Never more than 900 mg.\n"
    )
    return [
        {k: v for k, v in r.__dict__.items() if v is not None} for r in extract_dosage_rules(page)
    ]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "per_day"),
    [
        ("20 mg", 20, 20, "mg", False),
        ("20 to 40 mg", 20, 40, "mg", False),
        ("20-40mg", 20, 40, "mg", False),
        ("1 g", 1, 1, "g", False),
        ("250 micrograms", 250, 250, "mcg", False),
        ("250 µg", 250, 250, "mcg", False),
        ("25 mg/kg/day", 25, 25, "mg/kg", True),
        ("150 mg/day", 150, 150, "mg", True),
        ("5 mg/m2", 5, 5, "mg/m2", False),
        ("10,000 units", 10000, 10000, "units", False),
        ("5 mL", 5, 5, "mL", False),
    ],
)
def test_amounts(text: str, low: float, high: float, unit: str, per_day: bool) -> None:
    amount = find_amounts(text)[0]
    assert (amount.low, amount.high, amount.unit, amount.per_day) == (low, high, unit, per_day)


@pytest.mark.parametrize(
    ("text", "per_day"),
    [
        ("once daily", 1),
        ("once a day", 1),
        ("twice daily", 2),
        ("BID", 2),
        ("three times a day", 3),
        ("every 8 hours", 3),
        ("every 12 hours", 2),
        ("every other day", 0.5),
        ("in 2 divided doses", 2),
        ("every 4 to 6 hours", None),
        ("every 18 hours", None),
    ],
)
def test_frequencies(text: str, per_day: float | None) -> None:
    assert doses_per_day(text) == per_day


def test_durations_and_intervals() -> None:
    assert duration_days("20 mg once daily for two days") == 2
    assert duration_days("for 1 week") == 7
    assert interval_days("at intervals of two or more days") == 2
    assert interval_days("after at least one week") == 7
    assert interval_days("no more often than once a week") == 7
    assert interval_days("every 3 days") == 3


def test_crcl() -> None:
    assert crcl_bounds("creatinine clearance ≥60 mL/min") == (60, None)
    assert crcl_bounds("creatinine clearance 30–59 mL/min") == (30, 59)
    assert crcl_bounds("CrCl less than 30 mL/min") == (None, 30)
    assert crcl_bounds("eGFR 30-59") == (None, None)


def test_initial_titration_maximum_maintenance() -> None:
    found = rules(
        "The usual starting dose is 20 mg once daily for two days, then increased to 40 mg once daily. "
        "The dose may be increased in increments of 20 or 40 mg at intervals of two or more days, "
        "up to a maximum of 120 mg once daily. The maintenance dose ranges from 40 mg to 120 mg once daily."
    )
    kinds = [(r["rule_type"], r.get("dose_min"), r.get("dose_max")) for r in found]
    assert kinds == [
        ("initial", 20, 20),
        ("titration", 40, 40),
        ("titration", 20, 40),
        ("maximum", 120, 120),  # a single amount fills both bounds
        ("maintenance", 40, 120),
    ]
    assert found[0]["duration_days"] == 2 and found[0]["doses_per_day"] == 1
    assert found[2]["interval_days"] == 2
    assert all(r["population"] == "adult" for r in found)  # FAQ doses are not rules


def test_per_day_amounts_and_divided_doses() -> None:
    found = rules(
        "* **Children:** 25 mg/kg/day in 2 divided doses.\n* Adults: 150 mg/day in 2 divided doses."
    )
    child = next(r for r in found if r["population"] == "pediatric")
    adult = next(r for r in found if r["population"] == "adult")
    assert (child["dose_unit"], child["dose_period"], child["doses_per_day"]) == ("mg/kg", "day", 2)
    assert (adult["dose_max"], adult["dose_period"]) == (150, "day")


def test_renal_hepatic_interaction_washout_rules() -> None:
    found = rules(
        "* **Renal Impairment:** For mild impairment (creatinine clearance ≥60 mL/min), no adjustment is required. "
        "Moderate impairment (creatinine clearance 30–59 mL/min) may necessitate a maximum dose of 80 mg daily. "
        "It is not recommended in end-stage renal disease (ESRD). Patients on hemodialysis: 20 mg after each session.\n"
        "* **Hepatic Impairment:** No dose adjustment is needed in mild liver impairment; reduce the dose in severe impairment.\n"
        "* **CYP3A4 Inhibitors:** With strong inhibitors of CYP3A4, do not exceed 80 mg daily.\n"
        "* **MAOIs:** At least 14 days should elapse after stopping an MAOI before starting Testamine."
    )
    by = {(r["rule_type"], r.get("condition"), r.get("condition_detail")): r for r in found}
    assert by[("no_adjustment", "renal_impairment", "mild")]["crcl_min_ml_min"] == 60
    moderate = by[("maximum", "renal_impairment", "moderate")]
    assert (
        moderate["crcl_min_ml_min"],
        moderate["crcl_max_ml_min"],
        moderate["dose_max"],
        moderate["dose_period"],
    ) == (30, 59, 80, "day")
    assert ("not_recommended", "renal_impairment", "end-stage renal disease") in by
    assert ("no_adjustment", "hepatic_impairment", "mild") in by
    assert ("adjustment", "hepatic_impairment", "severe") in by
    assert by[("maximum", "drug_interaction", "strong CYP3A4 inhibitors")]["dose_max"] == 80
    washout = next(r for r in found if r["rule_type"] == "washout")
    assert washout["interval_days"] == 14 and "MAOI" in washout["condition_detail"]


def test_children_not_established_and_discontinuation() -> None:
    found = rules(
        "**Children:** Safety and effectiveness have not been established in children.\n\n"
        "**Stopping:** Reduce the dose gradually over at least 1 week."
    )
    assert {"population": "pediatric", "rule_type": "not_recommended"}.items() <= found[0].items()
    stop = next(r for r in found if r["rule_type"] == "adjustment")
    assert stop["condition"] == "discontinuation" and stop["duration_days"] == 7


def test_fixed_course_is_maintenance() -> None:
    found = rules("Take 500 mg every 8 hours for 7 days.")
    assert found == [found[0]] and found[0]["rule_type"] == "maintenance"
    assert (found[0]["doses_per_day"], found[0]["duration_days"]) == (3, 7)


def test_several_frequencies_leave_doses_per_day_empty() -> None:
    assert doses_per_day("BID or TID") is None
    assert doses_per_day("twice daily, in 2 divided doses") == 2


def test_renal_dosing_table() -> None:
    found = rules(
        "| Creatinine clearance (mL/min) | Total daily dose | Dosing regimen |\n|---|---|---|\n"
        "| ≥60 | 150 to 600 mg/day | BID or TID |\n| <15 | 25 to 75 mg/day | once daily |\n"
    )
    assert [
        (r["rule_type"], r.get("crcl_min_ml_min"), r.get("crcl_max_ml_min"), r["dose_max"])
        for r in found
    ] == [
        ("adjustment", 60, None, 600),
        ("adjustment", None, 15, 75),
    ]
    assert "doses_per_day" not in found[0] and found[1]["doses_per_day"] == 1


def test_step_schedule_and_then() -> None:
    found = rules(
        "1. Weeks 1 and 2: 25 mg once daily.\n2. Weeks 3 and 4: 50 mg once daily.\n\n"
        "**Older adults:** 10 mg once daily for the first week, then 20 mg once daily."
    )
    kinds = [
        (r["rule_type"], r["population"], r["dose_max"], r.get("duration_days")) for r in found
    ]
    assert kinds == [
        ("initial", "adult", 25, 14),
        ("titration", "adult", 50, 14),
        ("initial", "geriatric", 10, 7),  # "for the first week" is the step's duration
        ("titration", "geriatric", 20, None),
    ]


def test_amounts_in_two_units_are_not_a_range() -> None:
    found = find_amounts("doses above 1.4 mg/kg or 100 mg a day")
    assert [(a.low, a.high, a.unit) for a in found] == [(1.4, 1.4, "mg/kg"), (100, 100, "mg")]


def test_unstudied_doses_and_thresholds_are_not_rules() -> None:
    found = rules(
        "Start with 20 mg once daily. Doses above 80 mg a day should be divided and taken twice "
        "a day. Doses above 120 mg have not been studied."
    )
    assert [(r["rule_type"], r["dose_max"]) for r in found] == [("initial", 20)]


def test_duration_column_of_a_dosage_table() -> None:
    found = rules(
        "| Condition | Adult dose | Duration |\n|---|---|---|\n"
        "| Duodenal ulcer | 20 mg once daily | 4 weeks |\n"
    )
    assert [(r["rule_type"], r["dose_max"], r.get("duration_days")) for r in found] == [
        ("maintenance", 20, 28)
    ]


def test_bold_sentence_and_dosing_sub_topics_stay_in_the_dosage_section() -> None:
    found = rules(
        "Take 250 mg every 12 hours.\n\n**Do not exceed 1,500 mg per day in adults.**\n\n"
        "**Discontinuation:** reduce the dose gradually over at least 2 weeks.\n\n"
        "**MAOIs:** allow at least 14 days after stopping an MAOI before starting it."
    )
    kinds = {(r["rule_type"], r.get("condition")) for r in found}
    assert ("maximum", None) in kinds
    taper = next(r for r in found if r.get("condition") == "discontinuation")
    assert taper["rule_type"] == "adjustment" and taper["duration_days"] == 14
    washout = next(r for r in found if r["rule_type"] == "washout")
    assert washout["interval_days"] == 14


def test_amount_in_a_dosage_form_keeps_its_unit() -> None:
    found = find_amounts("one 4 mg chewable tablet or a 4 mg sachet of granules")
    assert [(a.low, a.unit) for a in found] == [(4, "mg"), (4, "mg")]
    assert len(rules("Children 2 to 5 years: one 4 mg tablet or a 4 mg sachet once a day.")) == 1


def test_week_by_week_schedule_table() -> None:
    found = rules(
        "| Week | Morning dose | Evening dose |\n|---|---|---|\n"
        "| 1 | 25 mg | 25 mg |\n| 2 | 50 mg | 50 mg |\n| 3 | 50 mg | 100 mg |\n"
    )
    assert [
        (
            r["rule_type"],
            r["dose_max"],
            r.get("dose_period"),
            r.get("doses_per_day"),
            r.get("duration_days"),
        )
        for r in found
    ] == [
        ("initial", 25, "dose", 2, 7),
        ("titration", 50, "dose", 2, 7),
        ("titration", 150, "day", 2, 7),
    ]


def test_first_week_half_dose_gradual_lowering_and_split_groups() -> None:
    found = rules(
        "- **Migraine:** 25 mg once daily at night for the first week; then increase by 25 mg "
        "each week.\n- **Kidney problems:** if creatinine clearance is less than 70 mL/min, use "
        "half the usual dose; do not use if it is below 30 mL/min.\n"
        "- **Stopping:** the dose should be lowered gradually.\n\n"
        "No dose adjustment is needed in older people or in people with kidney problems. "
        "Avoid taking omeprazole or esomeprazole with testamine. Take it with food."
    )
    got = {
        (
            r["rule_type"],
            r["population"],
            r.get("condition"),
            r.get("crcl_max_ml_min"),
            r.get("duration_days"),
        )
        for r in found
    }
    assert ("initial", "adult", None, None, 7) in got
    assert ("adjustment", "adult", "renal_impairment", 70, None) in got
    assert ("not_recommended", "adult", "renal_impairment", 30, None) in got
    assert ("adjustment", "adult", "discontinuation", None, None) in got
    assert ("no_adjustment", "geriatric", None, None, None) in got
    assert ("no_adjustment", "adult", "renal_impairment", None, None) in got
    assert ("not_recommended", "adult", "drug_interaction", None, None) in got
    assert not any(
        r.get("condition") == "drug_interaction" and "food" in r["raw_text"] for r in found
    )


def test_juvenile_is_pediatric_and_dialysis_heading_is_the_detail() -> None:
    found = rules(
        "- **Juvenile idiopathic arthritis:** 10 mg/m2 once weekly.\n\n"
        "**Hemodialysis:** a supplemental dose may be required."
    )
    assert (found[0]["population"], found[0]["dose_unit"]) == ("pediatric", "mg/m2")
    assert (found[1]["condition"], found[1]["condition_detail"]) == (
        "renal_impairment",
        "hemodialysis",
    )


def test_followed_by_adjusted_no_longer_and_not_more_than() -> None:
    found = rules(
        "10 mg twice daily for 7 days, followed by 5 mg twice daily. The dose can be adjusted at "
        "intervals of at least 4 weeks. The 80 mg dose is no longer recommended. Do not take more "
        "than 10 mg a day if you also take verapamil. Do not start it within 14 days of stopping "
        "an MAOI. Use 2.5 mg twice daily if serum creatinine is 1.5 mg/dL or more."
    )
    got = [
        (
            r["rule_type"],
            r.get("dose_max"),
            r.get("duration_days"),
            r.get("interval_days"),
            r.get("condition"),
        )
        for r in found
    ]
    assert ("initial", 10, 7, None, None) in got
    assert ("maintenance", 5, None, None, None) in got
    assert ("titration", None, None, 28, None) in got
    assert ("not_recommended", None, None, None, None) in got
    assert not any(r["rule_type"] != "not_recommended" and r.get("dose_max") == 80 for r in found)
    assert ("maximum", 10, None, None, "drug_interaction") in got
    assert ("washout", None, None, 14, "drug_interaction") in got
    assert not any(r.get("dose_max") == 1.5 for r in found)  # a lab value, not a dose


def test_stated_ages_over_65_are_geriatric_and_not_above_is_a_maximum() -> None:
    found = rules(
        "- People over 75 years: no more than 300 mg a day.\n"
        "- Children: 2 mg/kg once, but not above 6 mg/kg per dose.\n"
        "- CrCl above 80 mL/min: no adjustment."
    )
    got = {(r["rule_type"], r["population"], r.get("dose_max"), r.get("dose_unit")) for r in found}
    assert ("maximum", "geriatric", 300, "mg") in got
    assert ("maximum", "pediatric", 6, "mg/kg") in got
    assert ("no_adjustment", "adult", None, None) in got  # a clearance is not an age
