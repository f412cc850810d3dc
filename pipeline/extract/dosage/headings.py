"""Headings and labels -> the scope (population, indication, condition) they give."""

from __future__ import annotations

import re

from pipeline.contract.vocabularies import Condition, RuleType
from pipeline.extract.conditions import anchor_condition
from pipeline.extract.dosage.conditions import condition_of, interaction_detail, severity_of
from pipeline.extract.dosage.model import PageContext, Scope
from pipeline.extract.dosage.patients import ages_of, weights_of
from pipeline.extract.indications import HEADING_DISEASE_WORDS, normalise_condition
from pipeline.extract.populations import population_of
from pipeline.extract.quantities import (
    crcl_bounds,
)
from pipeline.vocabulary.conditions import default_condition_vocabulary


def _indication_from(candidate: str, page_ctx: PageContext) -> str | None:
    name = normalise_condition(candidate, page_ctx.abbreviations)
    if not name or name in ("impairment", "disease"):
        return None
    if name in page_ctx.indications:
        return name
    words = {w for w in re.findall(r"[a-z]{4,}", name)}
    for known in page_ctx.indications:
        if words & set(re.findall(r"[a-z]{4,}", known)):
            return known
    # "* **Motion sickness:** 50-100 mg ...": a label that is, whole, a condition of the
    # vocabulary names the indication of the rules under it, listed in Usage or not.
    anchored = anchor_condition(name, default_condition_vocabulary())
    if anchored is not None and anchored.name == name:
        return name
    if not page_ctx.indications:
        return name if HEADING_DISEASE_WORDS.search(name) else None
    return None


# A label that names a step of the regimen: "Maximum dose:", "Starting dose:", "Maintenance:".
_STEP_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        RuleType.INITIAL,
        re.compile(
            r"^(?:usual |recommended |typical )?(?:starting|initial|loading|first|test) (?:dose|dosage|doses)$",
            re.I,
        ),
    ),
    (
        RuleType.MAINTENANCE,
        re.compile(
            r"^(?:usual |recommended |typical |target )*maintenance(?: dose| dosage| doses| therapy)?$",
            re.I,
        ),
    ),
    (
        RuleType.MAXIMUM,
        re.compile(
            r"^(?:the )?max(?:imum|\.)?(?: recommended| total| daily)*(?: dose| dosage| doses| intake)?$",
            re.I,
        ),
    ),
    (RuleType.TITRATION, re.compile(r"^(?:dose )?(?:titration|increases?|escalation)$", re.I)),
]


def step_label_of(title: str) -> str | None:
    """The rule type a label names ("Maximum dose" -> maximum), or None."""
    bare = re.sub(r"\s*\([^)]*\)", "", title).strip(" :.*")
    for rule_type, pattern in _STEP_LABELS:
        if pattern.match(bare):
            return rule_type
    return None


def scope_from_heading(title: str, scope: Scope, page_ctx: PageContext) -> Scope:
    population = population_of(title) or scope.population
    condition = condition_of(title) or scope.condition
    if re.search(r"\b(stopping|discontinu\w+|withdrawal|tapering|coming off)\b", title, re.I):
        condition = Condition.DISCONTINUATION
    detail = scope.detail
    if (
        condition == Condition.DRUG_INTERACTION
        and condition_of(title) == Condition.DRUG_INTERACTION
    ):
        detail = interaction_detail(title) or detail
    elif condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT) and condition_of(
        title
    ):
        # "**Hemodialysis:** a supplemental dose ...": the heading names the kind.
        detail = severity_of(title) or detail
    indication = scope.indication
    if not condition_of(title):
        inner = re.findall(r"\(([^)]*)\)", title)
        candidates = inner + [re.sub(r"\([^)]*\)", "", title)]
        for candidate in candidates:
            cleaned = re.sub(
                r"\b(adults?|children|child|adolescents?|and|older|years?|aged?|\d+|to|under|over|patients?|people"
                r"|weighing|kg|or more|less than|dosage|dose|doses|dosing|usual|the|with|from|in|of|for|months?|infants?"
                r"|younger|than|more|up|treatment|typical|standard|regimen|adjustments?|[–-])\b",
                " ",
                candidate,
                flags=re.I,
            )
            cleaned = re.sub(r"[^A-Za-z' -]", " ", cleaned)
            cleaned = re.sub(r"\s+", " ", cleaned).strip(" -")
            if cleaned and len(cleaned.split()) <= 6:
                name = _indication_from(cleaned, page_ctx)
                if name:
                    indication = name
                    break
    age_min, age_max = ages_of(title)
    weight_min, weight_max = weights_of(title)
    crcl_min, crcl_max = crcl_bounds(title)
    return Scope(
        population=population,
        indication=indication,
        condition=condition,
        detail=detail,
        age_min=age_min if age_min is not None else scope.age_min,
        age_max=age_max if age_max is not None else scope.age_max,
        weight_min=weight_min if weight_min is not None else scope.weight_min,
        weight_max=weight_max if weight_max is not None else scope.weight_max,
        crcl_min=crcl_min if crcl_min is not None else scope.crcl_min,
        crcl_max=crcl_max if crcl_max is not None else scope.crcl_max,
        step_label=step_label_of(title),
        lead_per_day=scope.lead_per_day,
        lead_days=scope.lead_days,
        heading=title,
    )
