"""The dosage grammar's first layer: each tagger on its own, then the rules over the tags."""

from __future__ import annotations

import pytest

from pipeline.extract.dosage.tags import (
    TagKind,
    amount_is_daily,
    dose_amounts,
    tag,
    tag_amounts,
    tag_condition,
    tag_duration,
    tag_form,
    tag_frequency,
    tag_hepatic,
    tag_interval,
    tag_period,
    tag_population,
    tag_renal,
    tag_route,
    tag_trigger,
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind.value, t.text) for t in tag_amounts(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the usual dose is 20 mg once daily", [("AMOUNT", "20 mg")]),
        (
            "taken as 10 mg tablets or as 1 mg/mL oral solution",
            [("STRENGTH", "10 mg tablets"), ("STRENGTH", "1 mg")],
        ),
        ("take one 10 mg tablet twice a day", [("AMOUNT", "10 mg tablet")]),
        ("it comes in 5 mg and 10 mg strengths", [("STRENGTH", "5 mg"), ("STRENGTH", "10 mg")]),
        ("each tablet contains 500 mg", [("STRENGTH", "500 mg")]),
        ("25 mg/kg/day in two doses", [("AMOUNT", "25 mg/kg/day")]),
        ("one capsule once daily", [("AMOUNT", "one capsule")]),
    ],
)
def test_amount_or_strength(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_frequency() -> None:
    assert [t.value for t in tag_frequency("20 mg once daily, then 10 mg twice a day")] == [
        1.0,
        2.0,
    ]
    assert [t.value for t in tag_frequency("every 8 hours")] == [3.0]
    assert tag_frequency("the maximum daily dose is 4 mg") == []  # "daily dose" is a period


def test_period() -> None:
    assert [t.text for t in tag_period("the maximum daily dose is 4 mg")] == ["daily dose"]
    assert [t.text for t in tag_period("150 mg per day in 2 divided doses")] == [
        "per day",
        "in 2 divided doses",
    ]
    assert tag_period("20 mg once daily") == []


def test_interval_and_duration() -> None:
    assert [t.value for t in tag_interval("increase at intervals of two or more days")] == [2.0]
    assert [t.value for t in tag_interval("increase after at least 1 week")] == [7.0]
    assert [t.value for t in tag_duration("20 mg once daily for 2 days")] == [2.0]
    assert [t.value for t in tag_duration("for the first two weeks")] == [14.0]


def test_route_form_population() -> None:
    assert [t.value for t in tag_route("given intravenously or by mouth")] == [
        "intravenous",
        "oral",
    ]
    assert [t.value for t in tag_form("as tablets or oral solution")] == [
        "tablets",
        "oral solution",
    ]
    assert [t.text for t in tag_population("adolescents aged 12 to 17 years and adults")] == [
        "adolescents aged 12 to 17 years",
        "adults",
    ]


def test_condition_trigger_renal_hepatic() -> None:
    assert [t.value for t in tag_condition("20 mg once daily for hypertension.")] == [
        "hypertension"
    ]
    assert [t.value for t in tag_trigger("start with 10 mg, increase to 20 mg, maximum 40 mg")] == [
        "maximum",
        "initial",
        "titration",
    ] or sorted(
        t.value for t in tag_trigger("start with 10 mg, increase to 20 mg, maximum 40 mg")
    ) == [
        "initial",
        "maximum",
        "titration",
    ]
    assert [t.value for t in tag_trigger("the target dose is 100 mg")] == ["maintenance"]
    assert [t.value for t in tag_trigger("avoid in severe impairment")] == ["not_recommended"]
    renal = tag_renal("creatinine clearance 30-59 mL/min")
    assert renal[0].value == (30.0, 59.0)
    assert tag_hepatic("severe hepatic impairment (Child-Pugh C)")


def test_tags_in_reading_order() -> None:
    tags = tag("Adults: start with 20 mg once daily for 2 days.")
    assert [t.kind for t in tags] == [
        TagKind.POPULATION,
        TagKind.TRIGGER,
        TagKind.AMOUNT,
        TagKind.FREQUENCY,
        TagKind.DURATION,
    ]


def test_rules_over_tags() -> None:
    # A strength is never a dose.
    text = (
        "It is taken as 10 mg tablets or as 1 mg/mL solution; the usual dose is 20 mg once daily."
    )
    assert [(a.low, a.unit) for a in dose_amounts(text)] == [(20.0, "mg")]
    # A period next to an amount makes it a daily total, unless a frequency splits it.
    daily = "The maximum daily dose is 4 mg."
    assert amount_is_daily(daily, dose_amounts(daily)[0])
    once = "The maximum dose is 120 mg once daily."
    assert not amount_is_daily(once, dose_amounts(once)[0])
    split = "150 mg a day in 2 divided doses"
    assert amount_is_daily(split, dose_amounts(split)[0])


def test_grammar_in_the_extractor(conditions) -> None:
    """The tags' rules at work in dosage_rules: a per-indication list names each rule's
    indication (a label the condition vocabulary knows), a strength is no dose, and a
    maximum stated as a daily dose is a daily total."""
    from pipeline.extract.dosage import extract_dosage_rules
    from tests.conftest import page_from

    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Dosage\n"
        "It is taken as 10 mg tablets or as 1 mg/mL oral solution.\n\n"
        "* **Motion sickness:** 50-100 mg every 4-6 hours.\n"
        "* **Radiation sickness:** 50 mg before treatment.\n\n"
        "The maximum daily dose is 400 mg.\n"
    )
    got = extract_dosage_rules(page)
    by_indication = {(r.indication, r.rule_type, r.dose_max) for r in got}
    assert ("motion sickness", "maintenance", 100.0) in by_indication
    assert ("radiation sickness", "maintenance", 50.0) in by_indication
    assert not any(r.dose_max in (10.0, 1.0) for r in got)  # strengths are no doses
    maximum = [r for r in got if r.rule_type == "maximum"]
    assert [(r.dose_max, r.dose_period) for r in maximum] == [(400.0, "day")]
