"""Kinds of dosage wording met on real pages, each read through the whole grammar
(tags, then the rules over them), on small pages written for the test."""

from __future__ import annotations

import pytest

from pipeline.extract.dosage.conditions import joint_impairments
from pipeline.extract.dosage.tags import tag_increments, tag_intervals, tag_strengths
from pipeline.extract.quantities import find_amounts, interval_days
from tests.extract.test_dosage import rules


def _pick(found, **want):  # type: ignore[no-untyped-def]
    return [r for r in found if all(r.get(k) == v for k, v in want.items())]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("one or two sprays", "spray"),
        ("one inhalation", "inhalation"),
        ("2 puffs", "puff"),
        ("one tablet", "tablet"),
    ],
)
def test_counted_units_are_amounts(text: str, unit: str) -> None:
    assert [a.unit for a in find_amounts(text)] == [unit]


def test_one_unit_daily_is_one_administration_a_day() -> None:
    found = rules("**Adults:** The usual adult dosage is one tablet daily, with or without food.")
    assert _pick(found, rule_type="maintenance", dose_unit="tablet", doses_per_day=1.0)
    assert _pick(found, dose_period="dose")
    # milligrams "daily" stay a daily total of unstated schedule
    found = rules("The usual dose is 20 mg daily.")
    assert _pick(found, dose_period="day") and not _pick(found, doses_per_day=1.0)


def test_the_drug_a_counted_unit_holds_is_the_dose() -> None:
    found = rules("One spray (500 mcg) in one nostril once weekly.")
    assert _pick(found, rule_type="maintenance", dose_min=500.0, dose_unit="mcg")
    # a combination's contents are no single dose
    found = rules("One tablet (cetirizine 5 mg/pseudoephedrine 120 mg) twice daily.")
    assert not _pick(found, dose_min=5.0)


def test_a_label_naming_the_maximum_types_its_regimen() -> None:
    found = rules("**Adults:** 0.4 mg once daily.\n\n**Maximum dose:** 0.8 mg per day.\n")
    assert _pick(found, rule_type="maximum", dose_max=0.8, dose_period="day")
    assert _pick(found, rule_type="maintenance", dose_max=0.4)
    assert not _pick(found, rule_type="maintenance", dose_max=0.8)


def test_a_cap_named_as_a_maintenance_dose_is_a_maximum() -> None:
    found = rules(
        "In moderate hepatic impairment, the maximum daily maintenance dose is 1 tablet twice daily."
    )
    assert _pick(found, rule_type="maximum", condition="hepatic_impairment", doses_per_day=2.0)
    assert not _pick(found, rule_type="adjustment")


def test_adults_and_children_alike_is_population_all() -> None:
    found = rules(
        "For adults and children aged 10 years and older, the initial dose is 0.6 mg once daily."
    )
    assert _pick(found, rule_type="initial", population="all", dose_max=0.6)


def test_not_usually_given_to_a_population_is_not_recommended() -> None:
    found = rules(
        "* **Children:** It is not typically prescribed for children, as the disease is rare in them."
    )
    assert _pick(found, rule_type="not_recommended", population="pediatric")
    # without a population it states no rule
    assert not rules("It is not usually given intravenously.")


def test_stopping_as_the_alternative_to_a_reduction_is_no_taper() -> None:
    found = rules(
        "If hyperkalemia develops, reduce the dose to 25 mg every other day or stop treatment."
    )
    assert not _pick(found, condition="discontinuation")
    found = rules("When stopping, reduce the dose gradually over 2 weeks.")
    assert _pick(found, rule_type="adjustment", condition="discontinuation")


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("The capsules are modified-release 0.4 mg.", ["0.4 mg"]),
        ("Each tablet contains 5 mg of drug.", ["5 mg"]),
        ("The tablets are taken as 10 mg once daily.", []),
    ],
)
def test_what_a_form_holds_is_a_strength(text: str, strength: list[str]) -> None:
    assert [t.text for t in tag_strengths(text)] == strength


def test_intervals_of_no_less_than() -> None:
    text = "increased in increments of 1-2 mg per day at intervals of no less than one month"
    assert interval_days(text) == 30
    assert [t.value for t in tag_intervals(text)] == [30]


def test_a_rule_for_two_impairments_holds_for_each() -> None:
    found = rules(
        "**Dosage Adjustments:** It is contraindicated in patients with hepatic impairment"
        " or severe renal impairment (CrCl below 30 mL/min)."
    )
    hepatic = _pick(found, rule_type="not_recommended", condition="hepatic_impairment")
    renal = _pick(found, rule_type="not_recommended", condition="renal_impairment")
    assert len(hepatic) == 1 and len(renal) == 1
    assert renal[0]["condition_detail"] == "severe" and renal[0]["crcl_max_ml_min"] == 30
    assert "condition_detail" not in hepatic[0] and "crcl_max_ml_min" not in hepatic[0]


def test_a_lead_in_gives_its_schedule_to_the_listed_regimens() -> None:
    found = rules(
        "The dose is weight-based and given once daily for three days. It depends on weight:\n\n"
        "* **Patients weighing 20 to 45 kg:** 360 mg\n"
        "* **Patients weighing 45 kg or more:** 540 mg twice daily\n"
    )
    assert _pick(
        found, rule_type="maintenance", dose_max=360.0, doses_per_day=1.0, duration_days=3.0
    )
    # an item's own schedule wins
    assert _pick(found, rule_type="maintenance", dose_max=540.0, doses_per_day=2.0)


def test_a_paragraph_that_is_no_lead_in_gives_nothing() -> None:
    found = rules("Take it once daily.\n\n* **Adults:** 20 mg\n")
    assert _pick(found, rule_type="maintenance", dose_max=20.0)
    assert not _pick(found, dose_max=20.0, doses_per_day=1.0)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "severe hepatic or renal impairment",
            [("hepatic_impairment", "severe"), ("renal_impairment", "severe")],
        ),
        (
            "hepatic (liver) or renal (kidney) impairment",
            [("hepatic_impairment", None), ("renal_impairment", None)],
        ),
        (
            "mild hepatic or severe renal impairment",
            [("hepatic_impairment", "mild"), ("renal_impairment", "severe")],
        ),
        ("severe renal impairment", []),
    ],
)
def test_joint_impairments_share_a_leading_severity(text: str, want: list) -> None:  # type: ignore[type-arg]
    assert joint_impairments(text) == want


def test_what_a_unit_contains_is_no_dose() -> None:
    found = rules("The usual dose is two inhalations once daily (each containing 2.5 mcg of drug).")
    assert _pick(found, rule_type="maintenance", dose_max=2.0, dose_unit="inhalation")
    assert not _pick(found, dose_unit="mcg")


def test_a_sentence_opening_on_a_population_carries_it_through_its_paragraph() -> None:
    found = rules(
        "For children aged 12 to 17 years, the initial dose is 0.6 mg daily. "
        "After the first week, the dose is increased to 1.2 mg daily. "
        "For adults, the initial dose is 1 mg daily. The dose is increased to 2 mg daily."
    )
    assert _pick(
        found, rule_type="titration", population="pediatric", dose_max=1.2, interval_days=7.0
    )
    assert _pick(found, rule_type="titration", population="adult", dose_max=2.0)
    # a population named only in passing opens no passage
    found = rules("It is not recommended in children. The usual dose is 20 mg daily.")
    assert _pick(found, rule_type="maintenance", population="adult", dose_max=20.0)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("After the first week, the dose is increased to 1.2 mg", 7),
        ("after the first two weeks", 14),
        ("further adjustments can be made monthly", 30),
        ("in 0.6 mg weekly increments", 7),
    ],
)
def test_more_interval_wordings(text: str, days: float) -> None:
    assert interval_days(text) == days


def test_monitoring_after_a_dose_increase_is_no_rule() -> None:
    assert not rules("Check serum potassium 1 week after increasing the dose, then monthly.")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "titrated to a maximum of 3 mg daily in 0.6 mg weekly increments",
            ["in 0.6 mg weekly increments"],
        ),
        ("increase in steps of 5 mg", ["in steps of 5 mg"]),
        ("increase to 20 mg once daily", []),
    ],
)
def test_increments_are_tagged(text: str, found: list[str]) -> None:
    assert [t.text for t in tag_increments(text)] == found


def test_the_increment_a_clause_names_is_its_titration_step() -> None:
    found = rules(
        "For children, the initial dose is 0.6 mg daily, and it's titrated upward to a maximum"
        " of 3 mg daily in 0.6 mg weekly increments."
    )
    assert _pick(found, rule_type="titration", dose_max=0.6, interval_days=7.0)
    assert _pick(found, rule_type="maximum", dose_max=3.0)


def test_treatment_that_starts_with_a_dose_starts() -> None:
    found = rules(
        "Treatment typically starts with a low dose (25 mg/day) at bedtime, up to a maximum of 250 mg/day."
    )
    assert _pick(found, rule_type="initial", dose_max=25.0, dose_period="day")
    assert _pick(found, rule_type="maximum", dose_max=250.0)


def test_every_amount_a_device_is_containing_is_a_strength() -> None:
    found = rules(
        "The usual dose is two inhalations once daily via an inhaler"
        " (containing 2.5 mcg tiotropium and 2.5 mcg olodaterol per actuation)."
    )
    assert not _pick(found, dose_unit="mcg")


@pytest.mark.parametrize(
    "text",
    [
        "Dose adjustments may be necessary for people with kidney or liver disease.",
        "Patients with liver or kidney problems might require a dosage adjustment.",
        "Doses may need to be adjusted based on liver and kidney function.",
        "People with kidney or liver disease may need a lower dose.",
    ],
)
def test_a_dose_change_needed_for_an_impairment_is_an_adjustment(text: str) -> None:
    found = rules(text)
    assert _pick(found, rule_type="adjustment", condition="renal_impairment")
    assert _pick(found, rule_type="adjustment", condition="hepatic_impairment")


def test_a_vague_dose_change_names_its_condition_or_is_no_rule() -> None:
    assert not rules("Dose adjustments may be needed depending on the response.")
    found = rules(
        "Dose adjustments may be needed for those taking other medicines or with liver disease."
    )
    assert {r["condition"] for r in found} == {"hepatic_impairment", "drug_interaction"}


def test_no_specific_adjustment_needed_is_no_adjustment() -> None:
    found = rules("No specific dose adjustments are usually needed in kidney or liver impairment.")
    assert {(r["rule_type"], r["condition"]) for r in found} == {
        ("no_adjustment", "renal_impairment"),
        ("no_adjustment", "hepatic_impairment"),
    }


def test_children_named_beside_an_impairment_are_their_own_group() -> None:
    found = rules("Children and people with severe kidney disease may need dose adjustments.")
    assert _pick(found, rule_type="adjustment", population="pediatric")
    renal = _pick(found, condition="renal_impairment")
    assert renal and all(r["population"] == "adult" for r in renal)


def test_an_organ_among_side_effect_examples_is_no_impairment() -> None:
    found = rules("If serious side effects occur (such as liver injury), the dose may be reduced.")
    assert not _pick(found, condition="hepatic_impairment")


def test_an_important_note_inside_the_dosage_section_is_read() -> None:
    found = rules(
        "**Important Note:** Doses are given by weight.\n\n"
        "* **Adults:** 5 mg/kg once daily.\n\n"
        "**Important Note:** People with kidney disease may need a lower dose.\n"
    )
    assert _pick(found, rule_type="maintenance", dose_min=5.0, dose_unit="mg/kg")
    assert _pick(found, rule_type="adjustment", condition="renal_impairment")


@pytest.mark.parametrize(
    "text",
    [
        "This text is for general knowledge and should not be taken as medical advice.",
        "Avoid contact with the eyes and mouth.",
        "The product should not be used for self-treatment.",
    ],
)
def test_advice_against_nothing_a_rule_holds_is_no_rule(text: str) -> None:
    assert not _pick(rules(text), rule_type="not_recommended")


@pytest.mark.parametrize(
    "text",
    [
        "It is generally not prescribed for children.",
        "This medicine is not typically used in children.",
        "It is not indicated for use in children.",
    ],
)
def test_not_used_in_children_is_not_recommended_for_them(text: str) -> None:
    assert _pick(rules(text), rule_type="not_recommended", population="pediatric")


def test_advice_against_use_with_a_condition_or_route_stays_a_rule() -> None:
    assert _pick(rules("Do not use in severe kidney disease."), condition="renal_impairment")
    assert _pick(rules("It should not be given intravenously."), rule_type="not_recommended")


def test_every_n_weeks_on_a_regimen_is_one_dose_in_n_weeks() -> None:
    found = rules("The usual dose is 40 mg every 2 weeks.")
    assert _pick(found, rule_type="maintenance", dose_max=40.0, doses_per_day=1 / 14)
    # on an increase the same words are its interval, not a schedule
    found = rules("Increase by 10 mg every 2 weeks.")
    assert _pick(found, rule_type="titration", interval_days=14.0)
    assert not any("doses_per_day" in r for r in found)


def test_a_week_zero_schedule_then_every_n_weeks_carries_its_amount() -> None:
    found = rules("Give 4 mg/kg at weeks 0 and 2, then every 6 weeks.")
    assert _pick(found, rule_type="initial", dose_max=4.0, dose_unit="mg/kg")
    assert _pick(found, rule_type="maintenance", dose_max=4.0, doses_per_day=1 / 42)


def test_induction_and_maintenance_phases_are_start_and_regimen() -> None:
    found = rules(
        "Induction phase (300 mg at week 0), followed by a maintenance phase (150 mg every 4 weeks)."
    )
    assert _pick(found, rule_type="initial", dose_max=300.0)
    assert _pick(found, rule_type="maintenance", dose_max=150.0, doses_per_day=1 / 28)


def test_a_dated_day_by_day_start_is_a_start_then_steps_up() -> None:
    found = rules(
        "Start with 1 mg once daily on days 1 and 2, increasing to 2 mg on day 3, "
        "3 mg on day 4, and finally 4 mg on day 5."
    )
    assert _pick(found, rule_type="initial", dose_max=1.0, duration_days=2.0)
    assert [r["dose_max"] for r in _pick(found, rule_type="titration")] == [2.0, 3.0, 4.0]
    found = rules("Start with 1 mg on days 1 to 3, 2 mg on day 4, and 3 mg on day 5.")
    assert _pick(found, rule_type="initial", dose_max=1.0, duration_days=3.0)
    assert [r["dose_max"] for r in _pick(found, rule_type="titration")] == [2.0, 3.0]


def test_starting_lower_and_increasing_gradually_is_a_start_not_a_taper() -> None:
    found = rules("Your doctor may start with a lower dose (10 mg) and gradually increase it.")
    assert _pick(found, rule_type="initial", dose_max=10.0)
    assert not _pick(found, condition="discontinuation")
    found = rules("When stopping, lower the dose gradually over 2 weeks.")
    assert _pick(found, rule_type="adjustment", condition="discontinuation")


def test_a_combination_strength_keeps_the_schedule_after_it() -> None:
    found = rules("400 mg/57 mg every 12 hours or 200 mg/28.5 mg every 8 hours.")
    assert _pick(found, rule_type="maintenance", dose_max=400.0, doses_per_day=2.0)
    assert _pick(found, rule_type="maintenance", dose_max=200.0, doses_per_day=3.0)
    assert not _pick(found, dose_max=57.0)
