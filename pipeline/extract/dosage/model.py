"""The rule model: one dosage rule, and what headings above a sentence say about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DosageRule:
    population: str
    rule_type: str
    raw_text: str
    indication: str | None = None
    condition: str | None = None
    condition_detail: str | None = None
    crcl_min_ml_min: float | None = None
    crcl_max_ml_min: float | None = None
    dose_min: float | None = None
    dose_max: float | None = None
    dose_period: str | None = None
    dose_unit: str | None = None
    doses_per_day: float | None = None
    duration_days: float | None = None
    interval_days: float | None = None
    route: str | None = None
    age_min_years: float | None = None
    age_max_years: float | None = None
    weight_min_kg: float | None = None
    weight_max_kg: float | None = None


@dataclass(frozen=True)
class Scope:
    """What headings and labels above a sentence say about it."""

    population: str | None = None
    indication: str | None = None
    condition: str | None = None
    detail: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    weight_min: float | None = None
    weight_max: float | None = None
    crcl_min: float | None = None
    crcl_max: float | None = None
    step: str | None = None  # "first" or "next" in a dated schedule ("Weeks 1 and 2: ...")
    step_days: float | None = None
    # A label naming a step ("Maximum dose:", "Starting dose:"): the rule type of a bare
    # regimen under it.
    step_label: str | None = None
    # A lead-in before a list ("... once daily for three days. The dose depends on weight:"):
    # the schedule and course length of the regimens listed under it.
    lead_per_day: float | None = None
    lead_days: float | None = None
    heading: str = ""  # the nearest heading or label, for context words


@dataclass(frozen=True)
class PageContext:
    abbreviations: dict[str, str]
    indications: tuple[str, ...]


@dataclass
class Unit:
    """A sentence with the scope it sits under."""

    text: str
    scope: Scope
    raw: str
