"""Conditions of a rule: renal, hepatic, interaction, discontinuation; severity and detail."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.contract.vocabularies import Condition
from pipeline.extract.dosage.model import Scope
from pipeline.ingest.curated import alternation, curated_column

DATA = Path(__file__).parents[1] / "data"

_NEGATED_DRUG = re.compile(r"\b(?:not taking|not on|not using|without|no)\s+[\w-]+", re.I)


_RENAL = re.compile(
    r"\b(renal|kidney|creatinine clearance|crcl|clcr|e?gfr|glomerular filtration|dialysis|haemodialysis|hemodialysis|esrd|end[- ]stage renal)\b",
    re.I,
)


_HEPATIC = re.compile(r"\b(hepatic|liver|child[- ]pugh|cirrhosis)\b", re.I)


_INTERACTING = alternation(curated_column(DATA / "interacting_drugs.csv", "pattern"))
_INTERACTION = re.compile(
    rf"\b({_INTERACTING}|concomitant(?:ly)?|co-?administ\w+|taken with|interact\w*"
    r"|(?:already|currently|also)\s+(?:take|takes|taking|on|using|receiving))\b"
    # "avoid taking omeprazole or esomeprazole with clopidogrel" (not "take it with food")
    r"|\b(?:taking|take|using|use|combining)\s+(?!(?:it|them|this|these|the|your|a|tablets?"
    r"|capsules?|doses?)\b)[a-z][\w-]+(?:\s+(?:or|and)\s+[a-z][\w-]+)?\s+(?:with|together with"
    r"|at the same time as|alongside)\s+(?!(?:food|meals?|water|milk|or without|juice)\b)",
    re.I,
)


# "reduce the dose to 25 mg every other day or stop treatment": stopping offered as the
# alternative to a reduction is no taper, so "or stop" does not make a discontinuation rule.
DISCONTINUATION = re.compile(
    r"(?<!\bor )\b(stop(?:ping)?|discontinu\w+|withdraw\w*|taper\w*|coming off"
    # "gradually increase it" steps up, it does not stop
    r"|gradual(?:ly)?(?!\s+(?:increas|titrat|rais|build)))\b",
    re.I,
)


_SEVERITY = re.compile(
    r"\b(mild(?:\s+(?:to|or)\s+moderate)?|moderate(?:\s+(?:to|or)\s+severe)?|severe|end[- ]stage(?: renal disease)?|esrd"
    r"|child[- ]pugh (?:class )?[abc]|on (?:haemo|hemo)?dialysis|(?:haemo|hemo)dialysis|dialysis)\b",
    re.I,
)


def condition_of(text: str) -> str | None:
    if _RENAL.search(text):
        return Condition.RENAL_IMPAIRMENT
    if _HEPATIC.search(text):
        return Condition.HEPATIC_IMPAIRMENT
    if _INTERACTION.search(_NEGATED_DRUG.sub(" ", text)):
        return Condition.DRUG_INTERACTION
    return None


def interaction_detail(text: str) -> str | None:
    m = re.search(
        r"\b(strong|moderate|potent|weak)?\s*inhibitors? of (?:the )?(?:cytochrome )?(?:p450 )?(cyp\s*\w+|\w+\s*\d\w*)",
        text,
        re.I,
    )
    if m:
        strength = (m.group(1) or "").lower()
        enzyme = re.sub(r"\s+", "", m.group(2)).upper()
        enzyme = enzyme if enzyme.startswith("CYP") else f"CYP{enzyme}"
        return f"{strength} {enzyme} inhibitors".strip()
    m = re.search(
        r"\b((?:strong|moderate|potent|weak)\s+)?(cyp\s*\w+)\s+(inhibitors?|inducers?)\b",
        text,
        re.I,
    )
    if m:
        return f"{(m.group(1) or '').strip().lower()} {m.group(2).upper().replace(' ', '')} {m.group(3).lower()}".strip()
    if re.search(r"\bmaois?\b|monoamine oxidase", text, re.I):
        return "MAOI"
    m = re.search(
        r"\b(already|currently|also)\s+(?:take|takes|taking|on|using|receiving)\s+(?:an?\s+)?([\w-]+(?:\s+[\w-]+)?)",
        text,
        re.I,
    )
    if m:
        return f"already taking {'a ' if not m.group(2).lower().startswith(('a', 'e', 'i', 'o', 'u')) else 'an '}{m.group(2)}"
    m = re.search(
        r"\b(?:with|taking|and)\s+([a-z][\w-]+(?:\s+(?:or|and)\s+[a-z][\w-]+)?)", text, re.I
    )
    return m.group(1) if m else None


def severity_of(text: str) -> str | None:
    found = [m.group(1).lower() for m in _SEVERITY.finditer(text)]
    if not found:
        return None
    first = found[0]
    if first == "esrd":
        first = "end-stage renal disease"
    return first


_ORGAN = re.compile(
    r"\b(?:(?P<severity>mild(?:[\s-]+(?:to|or)[\s-]+moderate)?|moderate(?:[\s-]+(?:to|or)[\s-]+severe)?"
    r"|severe)\s+)?"
    r"(?P<organ>renal|kidney|hepatic|liver)\b",
    re.I,
)


_SHARED = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:or|and|and/or|,)\s*", re.I)


def joint_impairments(clause: str) -> list[tuple[str, str | None]]:
    """'in patients with hepatic or severe renal impairment': each impairment a clause names
    together with another, with its own severity; fewer than two gives []."""
    found: dict[str, str | None] = {}
    previous: re.Match[str] | None = None
    for m in _ORGAN.finditer(clause):
        organ = m.group("organ").lower()
        renal = organ in ("renal", "kidney")
        condition = Condition.RENAL_IMPAIRMENT if renal else Condition.HEPATIC_IMPAIRMENT
        severity = m.group("severity").lower() if m.group("severity") else None
        if (
            severity is None
            and previous is not None
            and previous.group("severity")
            and _SHARED.fullmatch(clause[previous.end() : m.start()])
        ):
            # "severe hepatic or renal impairment": the severity qualifies both.
            severity = previous.group("severity").lower()
        if condition not in found:
            found[condition] = severity
        previous = m
    return list(found.items()) if len(found) > 1 else []


# "If serious side effects occur (like severe liver problems ...)": the organ named among the
# examples of a side effect is an effect of the drug, not the patient's impairment.
_EFFECT_EXAMPLES = re.compile(
    r"\b(?:side effects|adverse (?:effects|reactions))\s+(?:\w+\s+)?\([^)]*\)", re.I
)


def condition_of_clause(clause: str, scope: Scope) -> str | None:
    clause_condition = condition_of(_EFFECT_EXAMPLES.sub(" ", clause))
    condition = scope.condition
    if clause_condition and (
        condition in (None, Condition.DRUG_INTERACTION)
        or clause_condition != Condition.DRUG_INTERACTION
    ):
        return clause_condition
    return condition


def washout_detail(clause: str, drug_words: set[str]) -> str | None:
    m = re.search(
        r"(?:after|between) stopping (?:an? |the )?(.+?)\s+(?:and|before)\s+(?:starting|initiating|beginning|taking)\s+(?:an? |the )?(.+?)(?:[,.;]|$)",
        clause,
        re.I,
    )
    if not m:
        return None
    first = re.sub(r"\s+for\s+.*$", "", m.group(1)).strip()
    second = re.sub(r"\s+(?:antidepressant|therapy|treatment)s?$", "", m.group(2)).strip()
    first = "MAOI" if re.search(r"maoi|monoamine", first, re.I) else first
    second = "MAOI" if re.search(r"maoi|monoamine", second, re.I) else second
    return f"{first} stopped before starting {second}"
