"""The rules over tags (pipeline.extract.dosage.grammar), each on its own."""

from __future__ import annotations

import pytest

from pipeline.contract.vocabularies import Condition, Population, RuleType
from pipeline.extract.dosage.grammar import (
    advice_above_threshold,
    cap_names_regimen,
    clause_steps,
    dated_step,
    implicit_step,
    labelled_step,
    regimen_at_week_zero,
    regimen_before_cap,
    regimen_before_followed_by,
    regimen_before_titration,
    view_of,
)
from pipeline.extract.dosage.headings import step_label_of
from pipeline.extract.dosage.model import Scope
from pipeline.extract.dosage.patients import population_in


def _types(steps):  # type: ignore[no-untyped-def]
    return [t for *_, t in steps]


def test_advice_above_a_threshold_is_no_rule() -> None:
    assert (
        advice_above_threshold(view_of("Doses above 80 mg a day should be divided.", Scope())) == []
    )
    assert advice_above_threshold(view_of("Take 80 mg a day.", Scope())) is None


def test_a_dated_step_starts_or_titrates_by_its_date() -> None:
    first = view_of("Take 25 mg once daily.", Scope(step="first"))
    later = view_of("Increase to 50 mg once daily.", Scope(step="next"))
    assert _types(dated_step(first)) == [RuleType.INITIAL]
    assert _types(dated_step(later)) == [RuleType.TITRATION]
    assert dated_step(view_of("Take 25 mg once daily.", Scope())) is None


def test_a_cap_word_before_a_regimen_word_is_one_maximum() -> None:
    view = view_of("The maximum daily maintenance dose is 1 tablet twice daily.", Scope())
    assert _types(cap_names_regimen(view)) == [RuleType.MAXIMUM]
    # an amount between them: two rules
    assert (
        cap_names_regimen(view_of("A maximum of 40 mg; the usual dose is 20 mg.", Scope())) is None
    )


def test_an_amount_before_the_first_titration_starts() -> None:
    view = view_of("10 mg once daily for the first week, then increase to 20 mg", Scope())
    assert _types(regimen_before_titration(view)) == [RuleType.INITIAL, RuleType.TITRATION]
    assert regimen_before_titration(view_of("Increase to 20 mg after a week", Scope())) is None


def test_an_amount_before_followed_by_starts() -> None:
    view = view_of("10 mg twice daily for 7 days, followed by 5 mg twice daily", Scope())
    assert _types(regimen_before_followed_by(view)) == [RuleType.INITIAL, RuleType.MAINTENANCE]


def test_a_regimen_before_its_cap_is_the_regimen() -> None:
    view = view_of("500 mg every 6 hours, no more than 4 g in 24 hours", Scope())
    assert _types(regimen_before_cap(view)) == [RuleType.MAINTENANCE, RuleType.MAXIMUM]
    # a strength before a cap is no regimen
    assert (
        regimen_before_cap(view_of("It comes as 5 mg tablets, up to 20 mg a day", Scope())) is None
    )


def test_a_label_naming_a_step_types_a_bare_regimen() -> None:
    view = view_of("0.8 mg per day.", Scope(step_label=RuleType.MAXIMUM))
    assert _types(labelled_step(view)) == [RuleType.MAXIMUM]
    assert labelled_step(view_of("0.8 mg per day.", Scope())) is None
    # a stated trigger wins over the label
    assert labelled_step(view_of("Start with 5 mg.", Scope(step_label=RuleType.MAXIMUM))) is None


@pytest.mark.parametrize(
    ("label", "rule_type"),
    [
        ("Maximum dose", RuleType.MAXIMUM),
        ("Maximum daily dose", RuleType.MAXIMUM),
        ("Starting dose", RuleType.INITIAL),
        ("Loading Dose", RuleType.INITIAL),
        ("Maintenance dose (adults)", RuleType.MAINTENANCE),
        ("Titration", RuleType.TITRATION),
        ("Adults", None),
        ("Dosage Adjustments", None),
        ("Maximum dose for children under 12", None),
    ],
)
def test_step_labels(label: str, rule_type: str | None) -> None:
    assert step_label_of(label) == rule_type


def test_a_bare_regimen_is_the_standard_one_or_an_adjustment_under_impairment() -> None:
    assert _types(implicit_step(view_of("20 mg once daily.", Scope()))) == [RuleType.MAINTENANCE]
    renal = view_of("10 mg once daily.", Scope(), Condition.RENAL_IMPAIRMENT)
    assert _types(implicit_step(renal)) == [RuleType.ADJUSTMENT]
    assert implicit_step(view_of("Swallow it with food.", Scope())) == []
    # a continuation keeps the previous clause's rule
    cont = view_of("40 mg for people who need it", Scope(), None, RuleType.MAXIMUM)
    assert _types(implicit_step(cont)) == [RuleType.MAXIMUM]


def test_clause_steps_in_reading_order() -> None:
    steps = clause_steps(
        view_of(
            "Start with 20 mg once daily, increase to 40 mg, up to a maximum of 120 mg", Scope()
        )
    )
    assert _types(steps) == [RuleType.INITIAL, RuleType.TITRATION, RuleType.MAXIMUM]


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("For adults and children aged 10 years and older, the dose is 1 mg", Population.ALL),
        ("Children and adults: apply once daily", Population.ALL),
        ("Adults and children under 12 years", Population.PEDIATRIC),
        ("For adults, 10 mg", Population.ADULT),
        ("Older adults and children", Population.GERIATRIC),
        ("Take 10 mg", None),
    ],
)
def test_population_of_a_dosage_text(text: str, population: str | None) -> None:
    assert population_in(text) == population


def test_a_regimen_word_before_a_step_word_is_that_step() -> None:
    view = view_of("After the first week, the dose is increased to 1.2 mg daily.", Scope())
    steps = cap_names_regimen(view)
    assert _types(steps) == [RuleType.TITRATION]
    # the step now owns the words before it, where its interval is
    assert steps[0][0] == view.text.index("the dose")


def test_doses_from_week_zero_start_the_regimen() -> None:
    view = view_of("4 mg/kg at weeks 0 and 2, then every 6 weeks.", Scope())
    assert _types(regimen_at_week_zero(view)) == [RuleType.INITIAL, RuleType.MAINTENANCE]
    # no week 0: not this rule's to say
    assert regimen_at_week_zero(view_of("4 mg/kg every 6 weeks.", Scope())) is None


def test_a_start_at_a_lower_dose_is_the_start() -> None:
    view = view_of("Begin with a lower dose of 5 mg once daily.", Scope())
    assert _types(cap_names_regimen(view)) == [RuleType.INITIAL]
