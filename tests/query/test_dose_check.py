"""The dose check on rule tables built in the test: limits per dose and per day, weight-based
limits, refused input, and properties that hold for any published maximum."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.query.dose_check import (
    InputRefused,
    Prescription,
    check_dose,
    parse_dose_spec,
    rule_limits,
)

DRUG = "examplomycin"


def _rule(**values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "drug_id": DRUG,
        "page_id": f"{DRUG}.md",
        "population": "adult",
        "indication": None,
        "rule_type": "maximum",
        "condition": None,
        "condition_detail": None,
        "crcl_min_ml_min": math.nan,
        "crcl_max_ml_min": math.nan,
        "dose_min": math.nan,
        "dose_max": math.nan,
        "dose_period": None,
        "dose_unit": "mg",
        "doses_per_day": math.nan,
        "raw_text": "The maximum is stated here.",
        "rule_index": 0,
    }
    row.update(values)
    return row


def _rules(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame([dict(r, rule_index=i) for i, r in enumerate(rows)])


def test_per_dose_maximum_on_a_schedule_is_a_daily_limit_too() -> None:
    rules = _rules(_rule(dose_max=1500.0, dose_period="dose", doses_per_day=2.0))
    limits = rule_limits(rules.iloc[0])
    assert [(limit.value, limit.period) for limit in limits] == [(1500, "dose"), (3000, "day")]
    assert check_dose(Prescription(DRUG, 1500, doses_per_day=2), rules).verdict == "within"
    assert check_dose(Prescription(DRUG, 1500, doses_per_day=3), rules).verdict == "breaks"
    assert check_dose(Prescription(DRUG, 1600, doses_per_day=1), rules).verdict == "breaks"


def test_unscheduled_maximum_reads_as_daily_unless_it_names_a_single_dose() -> None:
    daily = _rules(_rule(dose_max=4000.0, raw_text="Do not exceed a maximum daily dose of 4 g."))
    assert check_dose(Prescription(DRUG, 1000, doses_per_day=6), daily).verdict == "breaks"
    single = _rules(_rule(dose_max=1000.0, raw_text="The maximum single dose is 1 g."))
    assert check_dose(Prescription(DRUG, 1000, doses_per_day=4), single).verdict == "within"
    assert check_dose(Prescription(DRUG, 1200, doses_per_day=1), single).verdict == "breaks"


def test_weight_based_limits_need_a_weight() -> None:
    rules = _rules(_rule(dose_max=30.0, dose_unit="mg/kg", dose_period="day"))
    unweighed = check_dose(Prescription(DRUG, 500, doses_per_day=2), rules)
    assert unweighed.verdict == "nothing_checked"
    assert any("--weight-kg" in f.message for f in unweighed.findings)
    # 2 x 500 mg = 1000 mg a day; at 20 kg the limit is 600 mg a day, at 40 kg 1200 mg.
    assert check_dose(Prescription(DRUG, 500, doses_per_day=2, weight_kg=20), rules).breaks
    assert (
        check_dose(Prescription(DRUG, 500, doses_per_day=2, weight_kg=40), rules).verdict
        == "within"
    )
    # A dose in mg/kg against a limit in mg/kg needs no weight.
    per_kg = check_dose(Prescription(DRUG, 20, unit="mg/kg", doses_per_day=2), rules)
    assert per_kg.breaks


def test_units_that_cannot_be_compared_are_not_checked() -> None:
    rules = _rules(_rule(dose_max=2.0, dose_unit="capsule", dose_period="dose"))
    result = check_dose(Prescription(DRUG, 100), rules)
    assert result.verdict == "nothing_checked"
    assert "NOTHING CHECKED" in result.render()


@pytest.mark.parametrize(
    "rx",
    [
        Prescription(DRUG, 0),
        Prescription(DRUG, -1),
        Prescription(DRUG, math.inf),
        Prescription(DRUG, 10, crcl=-3),
        Prescription(DRUG, 10, doses_per_day=0),
        Prescription(DRUG, 10, doses_per_day=100),
        Prescription(DRUG, 10, weight_kg=0),
        Prescription(DRUG, 10, population="infant"),
    ],
)
def test_nonsense_prescriptions_are_refused(rx: Prescription) -> None:
    with pytest.raises(InputRefused):
        check_dose(rx, _rules(_rule(dose_max=10.0)))


def test_dose_text() -> None:
    assert parse_dose_spec("25 mg/kg/day") == (25.0, "mg/kg", True)
    assert parse_dose_spec("0.5g") == (0.5, "g", False)
    for bad in ("10kg", "10 lb", "0", "-2mg", "1e400", "5 mL/min", "ten", "10 parsecs"):
        with pytest.raises(InputRefused):
            parse_dose_spec(bad)


_UNITS = {"mg": 1.0, "g": 1000.0, "mcg": 0.001}
_MAX_SENTENCES = [
    "Do not exceed {v} {u}.",
    "The maximum daily dose is {v} {u}.",
    "Up to a maximum of {v} {u} once daily.",
    "The maximum single dose is {v} {u}.",
]


@settings(max_examples=300, deadline=None)
@given(
    limit=st.floats(min_value=0.01, max_value=10_000, allow_nan=False),
    limit_unit=st.sampled_from(sorted(_UNITS)),
    period=st.sampled_from(["dose", "day", None]),
    schedule=st.sampled_from([math.nan, 0.5, 1.0, 2.0, 3.0, 4.0]),
    sentence=st.sampled_from(_MAX_SENTENCES),
    excess=st.floats(min_value=1.0001, max_value=50, allow_nan=False),
    rx_unit=st.sampled_from(sorted(_UNITS)),
    doses_per_day=st.sampled_from([None, 1.0, 2.0, 3.0, 4.0, 6.0]),
    per=st.sampled_from(["dose", "day"]),
)
def test_a_dose_above_any_published_maximum_is_never_within(
    limit: float,
    limit_unit: str,
    period: str | None,
    schedule: float,
    sentence: str,
    excess: float,
    rx_unit: str,
    doses_per_day: float | None,
    per: str,
) -> None:
    """Each dose above the maximum (or, for a daily maximum, the day's total above it) must
    never be answered "within": it breaks the rule, or the check says what it could not do."""
    rules = _rules(
        _rule(
            dose_max=limit,
            dose_unit=limit_unit,
            dose_period=period,
            doses_per_day=schedule,
            raw_text=sentence.format(v=limit, u=limit_unit),
        )
    )
    if per == "day" and doses_per_day is None:
        doses_per_day = 1.0  # a daily total in unknown doses says nothing of each dose
    limit_mg = limit * _UNITS[limit_unit]
    per_dose_mg = limit_mg * excess
    n = doses_per_day or 1.0
    amount_mg = per_dose_mg * n if per == "day" else per_dose_mg
    rx = Prescription(
        DRUG, amount_mg / _UNITS[rx_unit], unit=rx_unit, per=per, doses_per_day=doses_per_day
    )
    assert check_dose(rx, rules).verdict != "within"


@settings(max_examples=200, deadline=None)
@given(
    limit=st.floats(min_value=0.01, max_value=10_000, allow_nan=False),
    schedule=st.sampled_from([math.nan, 1.0, 2.0, 3.0]),
    excess=st.floats(min_value=1.0001, max_value=50, allow_nan=False),
    doses_per_day=st.sampled_from([1.0, 2.0, 3.0, 4.0]),
)
def test_a_daily_total_above_a_daily_maximum_is_never_within(
    limit: float, schedule: float, excess: float, doses_per_day: float
) -> None:
    """Small doses taken often enough to pass a daily maximum break it."""
    rules = _rules(
        _rule(dose_max=limit, dose_period="day", doses_per_day=schedule, raw_text="Max per day.")
    )
    per_dose = limit * excess / doses_per_day
    rx = Prescription(DRUG, per_dose, doses_per_day=doses_per_day)
    assert check_dose(rx, rules).verdict == "breaks"


@settings(max_examples=200, deadline=None)
@given(
    limit_per_kg=st.floats(min_value=0.1, max_value=100, allow_nan=False),
    weight=st.floats(min_value=1, max_value=200, allow_nan=False),
    excess=st.floats(min_value=1.0001, max_value=20, allow_nan=False),
    period=st.sampled_from(["dose", "day"]),
    with_weight=st.booleans(),
)
def test_weight_based_maximum_is_never_within_when_exceeded(
    limit_per_kg: float, weight: float, excess: float, period: str, with_weight: bool
) -> None:
    rules = _rules(_rule(dose_max=limit_per_kg, dose_unit="mg/kg", dose_period=period))
    rx = Prescription(
        DRUG, limit_per_kg * weight * excess, weight_kg=weight if with_weight else None
    )
    assert check_dose(rx, rules).verdict == ("breaks" if with_weight else "nothing_checked")
