"""A page's dosage sections -> its dosage rules (the package's entry point)."""

from __future__ import annotations

import re

from pipeline.contract.vocabularies import RuleType
from pipeline.extract.dosage.amounts import default_route_of
from pipeline.extract.dosage.clauses import rules_from_sentence
from pipeline.extract.dosage.model import DosageRule, PageContext, Scope, Unit
from pipeline.extract.dosage.sections import collect_units
from pipeline.extract.indications import page_abbreviations
from pipeline.ingest.pages import Page


def extract_dosage_rules(page: Page, indications: list[str] | None = None) -> list[DosageRule]:
    """Rules of the page's dosage sections.

    ``indications`` are the conditions the page's usage section names: a
    dosing heading such as "Panic disorder, PTSD" is taken as the rule's
    indication when it names one of them (so "Weeks 1 and 2" is not).
    """
    if page.root is None:
        return []
    sections = page.root.find("dosage")
    if not sections:
        return []
    page_ctx = PageContext(page_abbreviations(page.root.text()), tuple(indications or ()))
    drug_words = {w.lower() for w in re.findall(r"[A-Za-z]+", page.title or "")}
    units: list[Unit] = []
    for section in sections:
        collect_units(section, Scope(), units, page_ctx, top=True)
    default_route = default_route_of([s.text() for s in sections])
    rules: list[DosageRule] = []
    for unit in units:
        for rule in rules_from_sentence(unit, drug_words):
            if rule.route is None:
                rule.route = default_route
            rules.append(rule)
    return _drop_summaries(_dedupe([ordered_bounds(rule) for rule in rules]))


def _bare(rule: DosageRule) -> bool:
    return rule.rule_type == RuleType.ADJUSTMENT and all(
        getattr(rule, f) is None
        for f in (
            "condition_detail",
            "dose_max",
            "doses_per_day",
            "crcl_min_ml_min",
            "crcl_max_ml_min",
        )
    )


def _drop_summaries(rules: list[DosageRule]) -> list[DosageRule]:
    """'Dosage adjustments are necessary in renal impairment.' before the renal bands is their
    lead-in, not one more rule: a bare adjustment goes where the page states the same
    condition's rules in detail."""
    detailed = {(r.condition, r.population) for r in rules if r.condition and not _bare(r)}
    return [r for r in rules if not (_bare(r) and (r.condition, r.population) in detailed)]


BOUND_PAIRS = (
    ("crcl_min_ml_min", "crcl_max_ml_min"),
    ("age_min_years", "age_max_years"),
    ("weight_min_kg", "weight_max_kg"),
    ("dose_min", "dose_max"),
)


def ordered_bounds(rule: DosageRule) -> DosageRule:
    """A band the page writes high to low ("CrCl 50-10 mL/min") is the same band low to high.

    The contract's bounds are a minimum and a maximum; reading them in the page's order
    would publish a band no value can fall in.
    """
    for low, high in BOUND_PAIRS:
        a, b = getattr(rule, low), getattr(rule, high)
        if a is not None and b is not None and a > b:
            setattr(rule, low, b)
            setattr(rule, high, a)
    return rule


def _dedupe(rules: list[DosageRule]) -> list[DosageRule]:
    seen: set[tuple[object, ...]] = set()
    out: list[DosageRule] = []
    for rule in rules:
        key = (
            rule.population,
            rule.indication,
            rule.rule_type,
            rule.condition,
            rule.crcl_min_ml_min,
            rule.crcl_max_ml_min,
            rule.dose_min,
            rule.dose_max,
            rule.dose_unit,
            rule.doses_per_day,
            rule.duration_days,
            rule.interval_days,
            rule.age_min_years,
            rule.age_max_years,
            rule.weight_min_kg,
            rule.weight_max_kg,
            # Rules without numbers are told apart by their sentence (two eGFR bands that are
            # each "not recommended"); restatements of one sentence collapse.
            rule.raw_text if rule.dose_max is None and rule.interval_days is None else None,
            rule.condition_detail
            if rule.rule_type
            in (
                RuleType.WASHOUT,
                RuleType.ADJUSTMENT,
                RuleType.NO_ADJUSTMENT,
                RuleType.NOT_RECOMMENDED,
                RuleType.MAXIMUM,
            )
            and rule.condition
            else None,
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(rule)
    return out
