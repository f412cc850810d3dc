"""Each tagger of the dosage grammar on its own (pipeline.extract.dosage.tags)."""

from __future__ import annotations

import pytest

from pipeline.extract.dosage.amounts import amount_groups
from pipeline.extract.dosage.tags import (
    TagKind,
    dose_amounts,
    tag_amounts,
    tag_conditions,
    tag_durations,
    tag_frequencies,
    tag_indications,
    tag_intervals,
    tag_negations,
    tag_populations,
    tag_routes,
    tag_sentence,
    tag_strengths,
    tag_triggers,
)


def _values(tags):  # type: ignore[no-untyped-def]
    return [(t.text, t.value) for t in tags]


def test_amounts_single_range_and_weight_based() -> None:
    tags = tag_amounts("500 mg to 1 g, or 25 mg/kg/day")
    got = [(t.value.low, t.value.high, t.value.unit, t.value.per_day) for t in tags]
    assert got == [(0.5, 1.0, "g", False), (25.0, 25.0, "mg/kg", True)]


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("taken as 10 mg tablets or as 1 mg/mL solution", ["10 mg tablets", "1 mg/mL"]),
        (
            "It is available as 250 mg and 500 mg tablets.",
            ["It is available as 250 mg and 500 mg tablets"],
        ),
        ("Take 5 mg, which comes in 25, 50 and 100 mg capsules", ["25, 50 and 100 mg capsules"]),
        ("an oral suspension of 250 mg/5 mL", ["250 mg/5 mL"]),
    ],
)
def test_strengths_of_a_form(text: str, strength: list[str]) -> None:
    assert [t.text for t in tag_strengths(text)] == strength


@pytest.mark.parametrize(
    "text",
    [
        "Take 10 mg once daily.",
        "Take the dose as 2 tablets twice daily.",
        "500 mg every 8 hours in 2 divided doses",
    ],
)
def test_doses_are_not_strengths(text: str) -> None:
    assert tag_strengths(text) == []


def test_dose_amounts_drop_the_strength_of_a_form() -> None:
    text = "Usual dose 10 mg once daily, taken as 10 mg tablets or as 1 mg/mL solution"
    assert [(a.low, a.unit) for a in dose_amounts(text)] == [(10.0, "mg")]
    assert len(amount_groups(text)) == 1


def test_frequencies() -> None:
    assert _values(tag_frequencies("twice daily, then every 8 hours or every 4 to 6 hours")) == [
        ("twice daily", 2.0),
        ("every 8 hours", 3.0),
        ("every 4 to 6 hours", None),
    ]
    assert [t.value for t in tag_frequencies("once weekly")] == [1 / 7]
    assert [t.value for t in tag_frequencies("every other day")] == [0.5]


def test_intervals_and_durations_are_told_apart() -> None:
    text = "25 mg for 7 days, then increase by 25 mg after at least one week"
    assert _values(tag_durations(text)) == [("for 7 days", 7.0)]
    assert _values(tag_intervals(text)) == [("after at least one week", 7.0)]
    assert [t.value for t in tag_intervals("every 2 weeks")] == [14.0]
    assert [t.value for t in tag_durations("for the first week")] == [7.0]


def test_routes() -> None:
    assert [t.value for t in tag_routes("given intravenously")] == ["intravenous"]
    assert [t.value for t in tag_routes("by mouth")] == ["oral"]


def test_populations_with_ages_and_weights() -> None:
    tags = tag_populations("Children aged 6 to 12 years weighing less than 30 kg; elderly")
    assert [t.text for t in tags] == [
        "Children aged 6 to 12 years",
        "weighing less than 30 kg",
        "elderly",
    ]
    assert [t.value for t in tags] == ["pediatric", None, "geriatric"]


def test_conditions_carry_the_clearance_band() -> None:
    tags = tag_conditions(
        "CrCl 30-59 mL/min; moderate hepatic impairment; strong CYP3A4 inhibitors"
    )
    assert tags[0].value == ("renal_impairment", (30.0, 59.0))
    assert [t.value for t in tags[1:]] == ["hepatic_impairment", "drug_interaction"]
    assert [t.value[0] for t in tag_conditions("patients on haemodialysis")] == ["renal_impairment"]


def test_indications_from_the_page_list() -> None:
    tags = tag_indications("For major depressive disorder: 10 mg", ["major depressive disorder"])
    assert _values(tags) == [("major depressive disorder", "major depressive disorder")]
    assert tag_indications("For pain: 10 mg", ["major depressive disorder"]) == []


def test_triggers_give_rule_types() -> None:
    text = "Start with 25 mg, increase to 50 mg; do not exceed 200 mg a day"
    assert [t.value for t in tag_triggers(text)] == ["initial", "titration", "maximum"]


def test_negations() -> None:
    assert [t.text for t in tag_negations("No dose adjustment is needed; do not crush")] == [
        "No",
        "not",
    ]


def test_sentence_tags_in_reading_order_without_strength_amounts() -> None:
    tags = tag_sentence("Take 10 mg once daily, available as 10 mg tablets.")
    kinds = [t.kind for t in tags]
    assert kinds[:3] == [TagKind.TRIGGER, TagKind.AMOUNT, TagKind.FREQUENCY]
    assert kinds.count(TagKind.AMOUNT) == 1
    assert TagKind.STRENGTH in kinds
    assert [t.start for t in tags] == sorted(t.start for t in tags)


@pytest.mark.parametrize(
    ("text", "doses"),
    [
        (
            "It is supplied as 10 mg and 20 mg tablets and as a solution containing 5 mg in 5 mL.",
            [],
        ),
        (
            "It is supplied in prefilled syringes of 30 mg, 40 mg and 60 mg. Give 40 mg daily.",
            [40.0],
        ),
        ("The cream is supplied in 15 g and 30 g tubes.", []),
        ("Take 2.5 mg once daily; 5 mg tablets are also available.", [2.5]),
    ],
)
def test_a_clause_about_supply_lists_strengths(text: str, doses: list[float]) -> None:
    assert [a.low for a in dose_amounts(text)] == doses


@pytest.mark.parametrize(
    ("text", "types"),
    [
        # a bound on each step is the titration's, not a maximum dose
        ("the dose may be increased by up to 75 mg/day at intervals of 4 days", ["titration"]),
        ("further increases of up to 75 mg/day can be made", ["titration"]),
        # a target reached by titration is the maintenance dose
        (
            "followed by a gradual increase to a target dose of 3 mg daily",
            ["titration", "maintenance"],
        ),
        ("Do not use more than one drop twice a day.", ["maximum"]),
        ("Do not use in children.", ["not_recommended"]),
    ],
)
def test_trigger_grammar(text: str, types: list[str]) -> None:
    assert [t.value for t in tag_triggers(text)] == types
