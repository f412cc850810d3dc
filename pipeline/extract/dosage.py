"""Dosage rules of one page (output contract, 'dosage_rules').

Only the dosage sections are read (statements in Usage, Precautions or FAQs
are not rules).  Each sentence is cut into clauses; each clause is cut at
rule triggers ("starting dose", "increase to", "maximum of", "no dose
adjustment", "not recommended", "at least 14 days ... before"); the text
from a trigger to the next one carries that rule's amounts, frequency,
duration and interval, while the whole clause carries its condition
(renal, hepatic, interaction), severity and CrCl band.  Headings and bold
labels above a sentence give population, indication and condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.contract.vocabularies import Condition, DosePeriod, Population, RuleType
from pipeline.extract.indications import normalise_condition, page_abbreviations
from pipeline.extract.populations import population_of
from pipeline.extract.quantities import (
    crcl_bounds,
    doses_per_day,
    duration_days,
    find_amounts,
    interval_days,
    taper_days,
    washout_days,
)
from pipeline.ingest.document import QA, ListBlock, Paragraph, Section, Table
from pipeline.ingest.pages import Page


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
    heading: str = ""  # the nearest heading or label, for context words


@dataclass(frozen=True)
class _PageContext:
    abbreviations: dict[str, str]
    indications: tuple[str, ...]


_DISEASE_WORD = re.compile(
    r"(disorder|disease|syndrome|infection|itis|pain|epilepsy|seizures?|hypertension|failure|depression"
    r"|diabetes|cancer|angina|neuralgia|neuropathy|ulcers?|migraine|anxiety|insomnia|asthma|fever)\b",
    re.I,
)
_STEP = re.compile(r"^(weeks?|days?|months?|step)\s*(\d+)(?:\s*(?:and|to|-|–|&)\s*(\d+))?\b", re.I)
_NEGATED_DRUG = re.compile(r"\b(?:not taking|not on|not using|without|no)\s+[\w-]+", re.I)


# Trigger regexes, in priority order at equal positions.
_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    (
        RuleType.NO_ADJUSTMENT,
        re.compile(
            r"\bno (?:dose |dosage |dosing )?(?:adjustments?|changes?|reductions?)\b"
            r"|\b(?:does|do|did) not (?:need|require)(?: a)? (?:dose |dosage )?(?:adjustments?|changes?|reductions?)\b"
            r"|\b(?:dose |dosage )?adjustments? (?:is|are) not (?:usually |generally |typically )?(?:needed|required|necessary)\b",
            re.I,
        ),
    ),
    (
        RuleType.NOT_RECOMMENDED,
        re.compile(
            r"\bnot (?:been )?(?:recommended|established|approved for use|approved in|approved for children)\b"
            r"|\bshould not be (?:used|given|taken)\b|\bmust not be (?:used|given|taken)\b|\bdo not use\b"
            r"|\bno longer recommended\b"
            r"|\bcontraindicated\b|(?<!to )(?<!help )\bavoid(?:ed|s)?(?: use| using)?\b|\bnot for use\b",
            re.I,
        ),
    ),
    (
        RuleType.WASHOUT,
        re.compile(
            rf"\b(?:at least |a minimum of )?(?:\d+|{'|'.join(['two', 'three', 'five', 'seven', 'ten', 'fourteen'])}) (?:days?|weeks?|hours?) (?:should|must|need to|have to)? ?(?:elapse|pass|be allowed|separate)\b"
            r"|\bat least \d+ (?:days?|weeks?|hours?) (?:between|apart|after stopping|before starting)\b"
            r"|\bwait(?:ing)? (?:at least )?\d+ (?:days?|weeks?|hours?)\b|\bwashout\b"
            r"|\bwithin \d+ (?:days?|weeks?|hours?) of (?:stopping|starting|taking)\b",
            re.I,
        ),
    ),
    (
        RuleType.INITIAL,
        re.compile(
            r"\b(?:usual |recommended )?(?:starting|initial|loading|first|start) (?:dose|doses|dosage)\b"
            r"|\bstart(?:ing|ed)? (?:with|at|on)\b|\bbegin(?:ning)? (?:with|at)\b|\binitially\b"
            r"|\bto start\b|\bat first\b",
            re.I,
        ),
    ),
    (
        RuleType.MAXIMUM,
        re.compile(
            r"\b(?:up to )?(?:a |the )?maximum(?: recommended)?(?: (?:total )?(?:daily )?(?:dose|dosage))?(?: is| of)?\b"
            r"|\bmax(?:imum)?\.? dose\b|\bnot (?:to )?exceed(?:ing)?\b|\bwithout exceeding\b|\bshould not exceed\b|\bno more than\b|\bmust not exceed\b"
            r"|\b(?:do|should|must) not (?:take|use|give) more than\b|\bnot more than\b"
            r"|\bnot (?:above|over)\b(?=\s+\d)"
            r"|\bat most\b|\bhighest dose\b|\bup to\b(?=\s+(?:\d|one|two|three|four|five))",
            re.I,
        ),
    ),
    (
        RuleType.TITRATION,
        re.compile(
            r"\b(?:then )?(?:be )?(?:increased?|raised?|titrated?|uptitrated?|stepped up)(?: gradually)?(?: to| by)?\b"
            r"|\bin (?:increments|steps) of\b|\bdose increases?\b|\bincreas(?:e|ing) the dose\b"
            r"|\bdose changes?\b(?=\s+(?:should|can|may|are|must))"
            r"|\bthen\b(?=\s+\d)"
            r"|\b(?:be )?adjusted\b(?=\s+(?:at intervals|every|after|no more often|gradually))",
            re.I,
        ),
    ),
    (
        RuleType.MAINTENANCE,
        re.compile(
            r"\bmaintenance (?:dose|dosage|therapy)\b|\busual (?:adult |effective |daily )?(?:dose|dosage)\b"
            r"|\b(?:dose|dosage) (?:typically |usually )?ranges? from\b|\brecommended (?:adult |daily )?dose\b|\bthe dose is\b|\bgive\b|\btake\b"
            r"|\b(?:effective|target) dose\b|\b(?:to )?a target (?:dose )?of\b|\bmost patients need\b"
            r"|\bfollowed by\b(?=\s+\d)",
            re.I,
        ),
    ),
    (
        RuleType.ADJUSTMENT,
        re.compile(
            r"\b(?:dose|dosage)\s+(?:should be\s+|may be\s+|is\s+)?reduc\w*|\breduc\w*\s+(?:in\s+)?(?:the\s+|a\s+)?(?:\w+\s+)?(?:dose|dosage)\b"
            r"|\blower(?:ed)?(?: or less frequent)?(?:\s+\w+)?\s+(?:dose|doses|starting dose)\b|\b(?:supplemental|extra|additional) dose\b"
            r"|\bless frequent (?:dose|doses|dosing)\b|\bdecrease the dose\b|\bdose (?:adjustment|reduction)s? (?:is|are|may be) (?:needed|required|necessary|recommended)\b"
            r"|\btaper(?:ed|ing)?\b|\bgradually (?:reduce|lower|decrease)\b|\bextend(?:ed)? the (?:dosing )?interval\b"
            r"|\b(?:one )?half (?:of )?the (?:usual |normal |recommended )?(?:adult )?dose\b"
            r"|\b(?:dose|dosage)\s+(?:should|must|may|will|can)\s+be\s+(?:lowered|reduced|decreased|tapered)\b",
            re.I,
        ),
    ),
]

_CLAUSE_SPLIT = re.compile(
    r";\s+|,\s+(?:while|whereas|but|however)\s+|,\s+and (?=at least)|\.\s+(?=[A-Z])|,\s+plus\s+"
    r"|,\s+or\s+(?=for\b|in\b)"
    # "no adjustment in older people or in people with kidney problems": two groups
    r"|\s+or\s+(?=in\s+(?:people|patients|those)\b)"
)

_RENAL = re.compile(
    r"\b(renal|kidney|creatinine clearance|crcl|clcr|e?gfr|glomerular filtration|dialysis|haemodialysis|hemodialysis|esrd|end[- ]stage renal)\b",
    re.I,
)
_HEPATIC = re.compile(r"\b(hepatic|liver|child[- ]pugh|cirrhosis)\b", re.I)
_INTERACTION = re.compile(
    r"\b(inhibitors?|inducers?|maois?|monoamine oxidase|concomitant(?:ly)?|co-?administ\w+|taken with"
    r"|interact\w*|valproate|warfarin|antacids?|lithium|digoxin|diuretics?"
    r"|(?:already|currently|also)\s+(?:take|takes|taking|on|using|receiving))\b"
    # "avoid taking omeprazole or esomeprazole with clopidogrel" (not "take it with food")
    r"|\b(?:taking|take|using|use|combining)\s+(?!(?:it|them|this|these|the|your|a|tablets?"
    r"|capsules?|doses?)\b)[a-z][\w-]+(?:\s+(?:or|and)\s+[a-z][\w-]+)?\s+(?:with|together with"
    r"|at the same time as|alongside)\s+(?!(?:food|meals?|water|milk|or without|juice)\b)",
    re.I,
)
_DISCONTINUATION = re.compile(
    r"\b(stop(?:ping)?|discontinu\w+|withdraw\w*|taper\w*|coming off|gradual(?:ly)?)\b", re.I
)
# Statements of what a product contains, not rules: "It comes as 25 mg and 50 mg tablets."
_FORM_LIST = re.compile(
    r"\b(?:as|in)\s+(?:capsules?|tablets?|suspensions?|solutions?|syrups?|granules|sachets?|oral (?:suspension|solution))\b"
    r"|^\s*(?:tablets?|capsules?|strengths?|oral suspension|oral solution|available)\s*:|\b(?:tablets?|capsules?)\s*\(",
    re.I,
)
_STRENGTHS = re.compile(
    r"\b(comes? as|comes? in|available as|available in|strengths?|contains?|each (?:tablet|capsule))\b",
    re.I,
)
_SEVERITY = re.compile(
    r"\b(mild(?:\s+(?:to|or)\s+moderate)?|moderate(?:\s+(?:to|or)\s+severe)?|severe|end[- ]stage(?: renal disease)?|esrd"
    r"|child[- ]pugh (?:class )?[abc]|on (?:haemo|hemo)?dialysis|(?:haemo|hemo)dialysis|dialysis)\b",
    re.I,
)
_ROUTES = [
    ("intravenous", re.compile(r"\b(intravenous(?:ly)?|iv infusion|by infusion|i\.v\.)", re.I)),
    ("intramuscular", re.compile(r"\b(intramuscular(?:ly)?|i\.m\.)", re.I)),
    ("subcutaneous", re.compile(r"\b(subcutaneous(?:ly)?|under the skin)", re.I)),
    (
        "oral",
        re.compile(r"\b(orally|by mouth|oral(?! concentrate)|tablets?|capsules?|swallow)", re.I),
    ),
    ("topical", re.compile(r"\b(topical(?:ly)?|apply to the skin)", re.I)),
    ("inhaled", re.compile(r"\b(inhal\w+)", re.I)),
]


def _ages(text: str) -> tuple[float | None, float | None]:
    m = re.search(r"\b(?:ages?|aged)\s*(\d+)\s*(?:-|–|to)\s*(\d+)", text, re.I) or re.search(
        r"\b(\d+)\s*(?:-|–|to)\s*(\d+)\s*years", text, re.I
    )
    if m:
        return float(m.group(1)), float(m.group(2))
    m = re.search(r"\b(\d+)\s*years?(?: of age)? (?:and|or) (?:older|over|above)\b", text, re.I)
    if m:
        return float(m.group(1)), None
    m = re.search(r"\b(?:under|younger than|below|less than)\s*(\d+)\s*years?\b", text, re.I)
    if m:
        return None, float(m.group(1))
    m = re.search(
        r"\b(\d+)\s*months?\s*(?:of age\s*)?(?:to|-|–)\s*(?:under\s*)?(\d+)\s*years?\b", text, re.I
    )
    if m:
        return round(float(m.group(1)) / 12, 3), float(m.group(2))
    return None, None


def _weights(text: str) -> tuple[float | None, float | None]:
    m = re.search(r"\bweigh(?:ing|s)?\s*(\d+)\s*kg\s*(?:or more|and over|or above)", text, re.I)
    if m:
        return float(m.group(1)), None
    m = re.search(r"\bweigh(?:ing|s)?\s*(?:less than|under|below)\s*(\d+)\s*kg", text, re.I)
    if m:
        return None, float(m.group(1))
    return None, None


def _condition_of(text: str) -> str | None:
    if _RENAL.search(text):
        return Condition.RENAL_IMPAIRMENT
    if _HEPATIC.search(text):
        return Condition.HEPATIC_IMPAIRMENT
    if _INTERACTION.search(_NEGATED_DRUG.sub(" ", text)):
        return Condition.DRUG_INTERACTION
    return None


def _interaction_detail(text: str) -> str | None:
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


def _severity(text: str) -> str | None:
    found = [m.group(1).lower() for m in _SEVERITY.finditer(text)]
    if not found:
        return None
    first = found[0]
    if first == "esrd":
        first = "end-stage renal disease"
    return first


def _route(text: str) -> str | None:
    for name, pattern in _ROUTES:
        if pattern.search(text):
            return name
    return None


@dataclass
class _Unit:
    """A sentence with the scope it sits under."""

    text: str
    scope: Scope
    raw: str


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
    page_ctx = _PageContext(page_abbreviations(page.root.text()), tuple(indications or ()))
    drug_words = {w.lower() for w in re.findall(r"[A-Za-z]+", page.title or "")}
    units: list[_Unit] = []
    for section in sections:
        _collect(section, Scope(), units, page_ctx, top=True)
    default_route = _default_route([s.text() for s in sections])
    rules: list[DosageRule] = []
    for unit in units:
        for rule in _rules_from_sentence(unit, drug_words):
            if rule.route is None:
                rule.route = default_route
            rules.append(rule)
    return _dedupe(rules)


def _default_route(texts: list[str]) -> str | None:
    found = {name for text in texts for name, p in _ROUTES if p.search(text)}
    if len(found) == 1:
        return found.pop()
    if "oral" in found:
        return "oral"
    return None


def _indication_from(candidate: str, page_ctx: _PageContext) -> str | None:
    name = normalise_condition(candidate, page_ctx.abbreviations)
    if not name or name in ("impairment", "disease"):
        return None
    if not page_ctx.indications:
        return name if _DISEASE_WORD.search(name) else None
    if name in page_ctx.indications:
        return name
    words = {w for w in re.findall(r"[a-z]{4,}", name)}
    for known in page_ctx.indications:
        if words & set(re.findall(r"[a-z]{4,}", known)):
            return known
    return None


def _scope_from_heading(title: str, scope: Scope, page_ctx: _PageContext) -> Scope:
    population = population_of(title) or scope.population
    condition = _condition_of(title) or scope.condition
    if re.search(r"\b(stopping|discontinu\w+|withdrawal|tapering|coming off)\b", title, re.I):
        condition = Condition.DISCONTINUATION
    detail = scope.detail
    if (
        condition == Condition.DRUG_INTERACTION
        and _condition_of(title) == Condition.DRUG_INTERACTION
    ):
        detail = _interaction_detail(title) or detail
    elif condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT) and _condition_of(
        title
    ):
        # "**Hemodialysis:** a supplemental dose ...": the heading names the kind.
        detail = _severity(title) or detail
    indication = scope.indication
    if not _condition_of(title):
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
    age_min, age_max = _ages(title)
    weight_min, weight_max = _weights(title)
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
        heading=title,
    )


def _collect(
    section: Section,
    scope: Scope,
    out: list[_Unit],
    page_ctx: _PageContext,
    top: bool = False,
) -> None:
    if not top:
        scope = _scope_from_heading(section.title, scope, page_ctx)
    for child in section.children:
        if isinstance(child, Section):
            _collect(child, scope, out, page_ctx)
        elif isinstance(child, Paragraph):
            _sentences_into(child.text, scope, out)
        elif isinstance(child, ListBlock):
            _list_into(child, scope, out, page_ctx)
        elif isinstance(child, Table):
            _table_into(child, scope, out)
        elif isinstance(child, QA):
            continue  # FAQ-style questions inside a dosage section are not rules


def _list_into(block: ListBlock, scope: Scope, out: list[_Unit], page_ctx: _PageContext) -> None:
    first_step = True
    for item in block.items:
        item_scope = scope
        text = item.text
        step = _STEP.match(item.label or item.text)
        if step:
            # A dated schedule: the first step starts, later ones titrate.
            start = float(step.group(2))
            end = float(step.group(3) or step.group(2))
            unit = step.group(1).lower()
            per = 7 if unit.startswith("week") else 30 if unit.startswith("month") else 1
            days = (end - start + 1) * per if not unit.startswith("step") else None
            item_scope = replace(scope, step="first" if first_step else "next", step_days=days)
            first_step = False
            text = item.text if item.label else re.sub(r"^[^:]*:\s*", "", item.text)
            _sentences_into(text, item_scope, out, raw=item.full_text)
            continue
        scopes = [scope]
        if item.label:
            scopes = [
                _scope_from_heading(part, scope, page_ctx) for part in _label_parts(item.label)
            ]
            # The label may itself carry a rule ("Maximum dose: 10/40 mg once daily").
            text = f"{item.label}: {item.text}" if _has_trigger(item.label) else item.text
        else:
            head = re.match(r"^([^:]{2,60}):\s+(.+)$", text)
            if head and not _has_trigger(head.group(1)):
                scopes = [
                    _scope_from_heading(part, scope, page_ctx)
                    for part in _label_parts(head.group(1))
                ]
                text = head.group(2)
        for item_scope in scopes:
            _sentences_into(text, item_scope, out, raw=item.full_text)
            for child in item.children:
                _list_into(child, item_scope, out, page_ctx)


def _label_parts(label: str) -> list[str]:
    """'Older adults (65 years and older) and people with liver problems': two groups, each
    with the same advice."""
    parts = re.split(
        r"\s+and\s+(?=(?:people|patients|those|adults|children)\s+(?:with|who)\b)",
        label,
        maxsplit=1,
    )
    return [p for p in parts if p.strip()]


_STEP_COLUMN = re.compile(r"^(weeks?|days?|months?|steps?)$", re.I)
_TIME_OF_DAY = re.compile(
    r"morning|evening|night|bedtime|noon|midday|afternoon|\bam\b|\bpm\b", re.I
)


def _schedule_table_into(table: Table, scope: Scope, out: list[_Unit]) -> bool:
    """'Week | Morning dose | Evening dose': each row is a step of a titration schedule.

    The first row starts, later rows titrate; equal doses at several times of day are
    that dose so many times a day, unequal ones a daily total in that many doses.
    """
    header = [h.strip() for h in table.header]
    if not header or not _STEP_COLUMN.match(header[0]):
        return False
    unit_word = header[0].lower()
    per = 7 if unit_word.startswith("week") else 30 if unit_word.startswith("month") else 1
    times = [i for i, h in enumerate(header) if i and _TIME_OF_DAY.search(h)]
    first = True
    for row in table.rows:
        step = re.match(r"\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?", row[0] if row else "")
        if not step:
            continue
        days = None
        if not unit_word.startswith("step"):
            days = (float(step.group(2) or step.group(1)) - float(step.group(1)) + 1) * per
        row_scope = replace(scope, step="first" if first else "next", step_days=days)
        first = False
        if times:
            amounts = [find_amounts(row[i]) for i in times if i < len(row)]
            given = [a[0] for a in amounts if a]
            if not given:
                continue
            if len({(a.low, a.unit) for a in given}) == 1:
                words = {1: "once daily", 2: "twice daily", 3: "three times daily"}
                amount = given[0]
                text = f"{amount.low:g} {amount.unit} {words.get(len(given), '')}".strip()
            else:
                total = sum(a.low for a in given)
                text = f"{total:g} {given[0].unit} per day in {len(given)} divided doses"
        else:
            text = " | ".join(row[1:])
        out.append(_Unit(text, row_scope, " | ".join(row)))
    return True


def _table_into(table: Table, scope: Scope, out: list[_Unit]) -> None:
    if _schedule_table_into(table, scope, out):
        return
    for row in table.rows:
        cells = [f"{h}: {c}" if h else c for h, c in zip(table.header, row, strict=False)]
        row_scope = scope
        for header, cell in zip(table.header, row, strict=False):
            if re.search(
                r"population|patient|age|group|crcl|clearance|renal|kidney|liver|hepatic|condition|indication",
                header,
                re.I,
            ):
                row_scope = _scope_from_heading(
                    cell
                    if not re.search(r"crcl|clearance", header, re.I)
                    else f"creatinine clearance {cell}",
                    row_scope,
                    _PageContext({}, ()),
                )
            if re.search(r"duration|how long|length of (?:treatment|course)", header, re.I) and (
                re.match(r"\s*\d", cell)
            ):
                # A Duration column: "4 weeks" is how long the row's regimen lasts.
                cells = [c.replace(f"{header}: {cell}", f"for {cell}") for c in cells]
        out.append(_Unit(" | ".join(cells), row_scope, " | ".join(row)))


def _has_trigger(text: str) -> bool:
    return any(p.search(text) for _, p in _TRIGGERS)


def _sentences_into(text: str, scope: Scope, out: list[_Unit], raw: str | None = None) -> None:
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text):
        sentence = sentence.strip()
        if sentence:
            out.append(_Unit(sentence, scope, sentence))


_COMBINATION_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?\s*(?:mg|mcg|g)\b", re.I)

# Reports of use, not rules: "doses up to 3,600 mg/day have been used".
_REPORTED_USE = re.compile(
    r"\b(?:ha(?:ve|s) (?:not )?been (?:used|given|studied|reported)|were (?:not )?(?:used|studied))\b",
    re.I,
)
# "doses above 80 mg a day should be divided": a threshold for advice, not a dose to give.
_THRESHOLD = re.compile(
    r"\b(?:doses?|amounts?)\s+(?:above|over|exceeding|greater than|higher than|of more than"
    r"|in excess of)\s+\d",
    re.I,
)
# "in steps of no more than 10 mg": an upper bound on each titration step, not a maximum dose.
_STEP_BOUND = re.compile(
    r"\b(?:steps?|increments?)\s+of\s+(?:no more than|not more than|up to|at most)\s*$", re.I
)
# A clause that goes on with the previous clause's rule: "; 40 mg once daily for people who ...",
# ", or for children whose GFR is below 30".
_CONTINUATION = re.compile(r"^\s*(?:and\s+|or\s+)?(?:for\b|in\b|\d)", re.I)


def _rules_from_sentence(unit: _Unit, drug_words: set[str]) -> list[DosageRule]:
    rules: list[DosageRule] = []
    carried: str | None = None
    for clause in (c for c in _CLAUSE_SPLIT.split(unit.text) if c and c.strip()):
        if _REPORTED_USE.search(clause):
            continue
        found = _rules_from_clause(clause, unit, drug_words, carried)
        rules.extend(found)
        carried = found[-1].rule_type if found else None
    return rules


def _triggers(clause: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for rule_type, pattern in _TRIGGERS:
        for m in pattern.finditer(clause):
            if any(s <= m.start() < e for s, e, _ in found):
                continue
            found.append((m.start(), m.end(), rule_type))
    found.sort()
    # "increase in steps of no more than 10 mg": the bound belongs to the titration.
    merged: list[tuple[int, int, str]] = []
    for start, end, rule_type in found:
        if (
            rule_type == RuleType.MAXIMUM
            and merged
            and merged[-1][2] == RuleType.TITRATION
            and _STEP_BOUND.search(clause[:end])
        ):
            continue
        if (
            rule_type == RuleType.TITRATION
            and merged
            and merged[-1][2] == RuleType.TITRATION
            and not find_amounts(clause[merged[-1][1] : start])
        ):
            # "may be increased in increments of 20 mg": one step rule, not two.
            merged[-1] = (merged[-1][0], end, RuleType.TITRATION)
            continue
        merged.append((start, end, rule_type))
    return merged


def _implicit_trigger(
    clause: str, scope: Scope, condition: str | None, carried: str | None
) -> str | None:
    """The rule type of a clause without a trigger word, if it states one."""
    amounts = find_amounts(clause)
    if scope.step and amounts:
        return RuleType.INITIAL if scope.step == "first" else RuleType.TITRATION
    if carried in (
        RuleType.INITIAL,
        RuleType.MAXIMUM,
        RuleType.MAINTENANCE,
        RuleType.NOT_RECOMMENDED,
        RuleType.ADJUSTMENT,
        RuleType.NO_ADJUSTMENT,
    ) and _CONTINUATION.match(clause):
        if carried not in (RuleType.NOT_RECOMMENDED, RuleType.NO_ADJUSTMENT) and not amounts:
            return None
        return carried
    if amounts and re.search(r"\bfor the first\b|\bto begin with\b", clause, re.I):
        return RuleType.INITIAL  # "25 mg at night for the first week; then ..."
    if amounts and not _STRENGTHS.search(clause) and not _FORM_LIST.search(clause):
        # A bare regimen is the standard dose, or an adjusted one under a renal/hepatic heading.
        return (
            RuleType.ADJUSTMENT
            if condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT)
            else RuleType.MAINTENANCE
        )
    if condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT) and doses_per_day(
        clause
    ):
        # "Kidney impairment (CrCl < 10 mL/min): give every 8 hours" changes the schedule.
        return RuleType.ADJUSTMENT
    return None


def _clause_condition(clause: str, scope: Scope) -> str | None:
    clause_condition = _condition_of(clause)
    condition = scope.condition
    if clause_condition and (
        condition in (None, Condition.DRUG_INTERACTION)
        or clause_condition != Condition.DRUG_INTERACTION
    ):
        return clause_condition
    return condition


@dataclass(frozen=True)
class _AmountGroup:
    low: float
    high: float
    unit: str
    per_day: bool
    text: str  # the words from this amount to the next group


def _amount_groups(text: str) -> list[_AmountGroup]:
    """Amounts in a rule's text, one group per separately qualified amount.

    "500 mg twice daily or 850 mg once daily" is two regimens; "10 mg or 20 mg
    once daily" is one range.
    """
    amounts = find_amounts(text)
    groups: list[_AmountGroup] = []
    for index, amount in enumerate(amounts):
        stop = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        own = text[amount.start : stop]
        if groups:
            between = text[amounts[index - 1].end : amount.start]
            previous = groups[-1]
            bare = re.fullmatch(r"\s*(?:or|to|-|–|,)\s*", between) is not None
            if bare and previous.unit == amount.unit:
                groups[-1] = _AmountGroup(
                    min(previous.low, amount.low),
                    max(previous.high, amount.high),
                    amount.unit,
                    amount.per_day or previous.per_day,
                    previous.text + own,
                )
                continue
            if re.match(r"\s*\(", between) or not re.search(r"\b(?:or|and)\b|;", between):
                continue  # "1,500 mg twice daily (3,000 mg/day)": the same amount restated
            if (amount.low, amount.high, amount.unit) == (
                previous.low,
                previous.high,
                previous.unit,
            ):
                continue  # "one 4 mg tablet or a 4 mg sachet": one amount in two forms
        groups.append(_AmountGroup(amount.low, amount.high, amount.unit, amount.per_day, own))
    return groups


def _period(group: _AmountGroup, freq: float | None) -> str:
    if group.per_day:
        return DosePeriod.DAY
    head = group.text[:60]
    # "20 mg once a day" is per administration; "150 mg a day in 2 doses" is a daily total.
    once = re.search(r"\b(?:once|twice|times)\s+(?:a|per|each)\s+day\b", head, re.I)
    if not once and re.search(
        r"\b(?:per day|a day|/day|daily dose|in 24 hours|total daily|divided)\b", head, re.I
    ):
        return DosePeriod.DAY
    if (
        freq is None
        and re.search(r"\bdaily\b", head, re.I)
        and not re.search(r"\b(once|twice|times)\b", head, re.I)
    ):
        return DosePeriod.DAY
    return DosePeriod.DOSE


def _rules_from_clause(
    clause: str, unit: _Unit, drug_words: set[str], carried: str | None
) -> list[DosageRule]:
    scope = unit.scope
    condition = _clause_condition(clause, scope)
    triggers = _triggers(clause)
    if _THRESHOLD.search(clause) and not any(t == RuleType.MAXIMUM for _, _, t in triggers):
        return []  # "doses above 80 mg a day should be divided": advice above a threshold
    if scope.step and all(
        t in (RuleType.MAINTENANCE, RuleType.INITIAL, RuleType.TITRATION) for _, _, t in triggers
    ):
        triggers = []
    if not triggers:
        implicit = _implicit_trigger(clause, scope, condition, carried)
        triggers = [(0, 0, implicit)] if implicit else []
    elif (
        triggers[0][2] == RuleType.TITRATION
        and _amount_groups(clause[: triggers[0][0]])
        and not _FORM_LIST.search(clause)
    ):
        # "10 mg once daily for the first week, then 20 mg once daily": the first step starts.
        triggers = [(0, 0, RuleType.INITIAL), *triggers]
    elif (
        triggers[0][2] == RuleType.MAINTENANCE
        and clause[triggers[0][0] : triggers[0][1]].lower().startswith("followed by")
        and _amount_groups(clause[: triggers[0][0]])
    ):
        # "10 mg twice daily for 7 days, followed by 5 mg twice daily": a start, then the
        # regimen that continues.
        triggers = [(0, 0, RuleType.INITIAL), *triggers]
    elif (
        triggers[0][2] == RuleType.MAXIMUM
        and _amount_groups(clause[: triggers[0][0]])
        and not _STRENGTHS.search(clause)
        and not _FORM_LIST.search(clause)
    ):
        # "500 mg to 1 g every 4 to 6 hours, no more than 4 g in 24 hours": a regimen, then its cap.
        triggers = [(0, 0, RuleType.MAINTENANCE), *triggers]
    base = _base_rule(clause, unit, condition)
    has_maximum = any(t == RuleType.MAXIMUM for _, _, t in triggers)
    rules: list[DosageRule] = []
    for index, (start, end, rule_type) in enumerate(triggers):
        stop = triggers[index + 1][0] if index + 1 < len(triggers) else len(clause)
        before = clause[triggers[index - 1][1] if index else 0 : start]
        after = clause[end:stop]
        rules.extend(
            _rules_for_trigger(
                rule_type, base, clause, before, after, scope, has_maximum, drug_words, index == 0
            )
        )
    for rule in rules:
        if rule.rule_type == RuleType.MAINTENANCE and rule.condition in (
            Condition.RENAL_IMPAIRMENT,
            Condition.HEPATIC_IMPAIRMENT,
        ):
            rule.rule_type = RuleType.ADJUSTMENT
    return rules


def _base_rule(clause: str, unit: _Unit, condition: str | None) -> DosageRule:
    scope = unit.scope
    crcl_min, crcl_max = crcl_bounds(clause)
    if crcl_min is None and crcl_max is None:
        crcl_min, crcl_max = scope.crcl_min, scope.crcl_max
    age_min, age_max = _ages(clause)
    weight_min, weight_max = _weights(clause)
    rule = DosageRule(
        population=population_of(clause) or scope.population or Population.ADULT,
        rule_type="",
        raw_text=unit.raw,
        indication=scope.indication,
        condition=condition,
        route=_route(clause),
        age_min_years=age_min if age_min is not None else scope.age_min,
        age_max_years=age_max if age_max is not None else scope.age_max,
        weight_min_kg=weight_min if weight_min is not None else scope.weight_min,
        weight_max_kg=weight_max if weight_max is not None else scope.weight_max,
    )
    if condition == Condition.RENAL_IMPAIRMENT:
        rule.crcl_min_ml_min, rule.crcl_max_ml_min = crcl_min, crcl_max
    if condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT):
        rule.condition_detail = _severity(clause) or (
            scope.detail if condition == scope.condition else None
        )
    elif condition == Condition.DRUG_INTERACTION:
        rule.condition_detail = _interaction_detail(clause) or scope.detail
    elif condition == scope.condition:
        rule.condition_detail = scope.detail
    return rule


def _rules_for_trigger(
    rule_type: str,
    base: DosageRule,
    clause: str,
    before: str,
    after: str,
    scope: Scope,
    has_maximum: bool,
    drug_words: set[str],
    first: bool = True,
) -> list[DosageRule]:
    rule = replace(base, rule_type=rule_type)
    segment = before + after
    if rule_type in (RuleType.INITIAL, RuleType.TITRATION, RuleType.MAINTENANCE, RuleType.MAXIMUM):
        groups = _amount_groups(after)
        if not groups and rule_type not in (RuleType.TITRATION, RuleType.MAXIMUM) and first:
            # "20 mg is the usual starting dose": the amount may come before the only trigger.
            groups = _amount_groups(before)
        if rule_type == RuleType.MAXIMUM:
            groups = groups[:1] if len(groups) < 2 or not re.search(r"\bfor\b", after) else groups
        interval = (
            (
                interval_days(segment)
                or (interval_days(clause) if not _amount_groups(after) else None)
            )
            if rule_type == RuleType.TITRATION
            else None
        )
        if not groups:
            bounded = rule_type == RuleType.TITRATION and (
                interval is not None or re.search(r"\b(?:increments?|steps?)\b", segment, re.I)
            )
            if _COMBINATION_DOSE.search(segment) and rule_type != RuleType.TITRATION:
                # "2.5/10 mg once daily": a fixed-combination strength; the contract has no
                # per-component columns, so the rule keeps its schedule without amounts.
                rule.doses_per_day = doses_per_day(segment)
                return [rule]
            if not bounded:
                return []
            rule.interval_days = interval
            return [rule]
        out = []
        for group in groups:
            item = replace(rule)
            freq = doses_per_day(group.text) or (doses_per_day(after) if len(groups) == 1 else None)
            item.dose_min = None if rule_type == RuleType.MAXIMUM else group.low
            item.dose_max = group.high
            item.dose_unit = group.unit
            item.doses_per_day = freq
            item.dose_period = _period(group, freq)
            if rule_type == RuleType.TITRATION and _STEP_BOUND.search(
                before + after[: after.find(group.text[:5])] if group.text[:5] in after else before
            ):
                item.dose_min = None
            if scope.step:
                item.duration_days = scope.step_days
            elif rule_type == RuleType.TITRATION:
                item.interval_days = interval_days(group.text) or interval
            else:
                item.duration_days = duration_days(group.text) or (
                    duration_days(after) if len(groups) == 1 else None
                )
            out.append(item)
        return out
    if rule_type == RuleType.WASHOUT:
        if not re.search(
            r"\b(stop\w*|start\w*|switch\w*|discontinu\w*|initiat\w*|maois?|before taking|after taking)\b",
            f"{clause} {base.raw_text} {scope.heading}",
            re.I,
        ):
            return []  # "no more than 12 hours between doses" is a schedule, not a washout
        days = interval_days(clause) or washout_days(clause)
        if days is None:
            return []
        rule.interval_days = days
        if rule.condition in (None, Condition.DRUG_INTERACTION):
            rule.condition = Condition.DRUG_INTERACTION
        rule.condition_detail = _washout_detail(clause, drug_words) or rule.condition_detail
        return [rule]
    if rule_type == RuleType.ADJUSTMENT:
        if has_maximum:
            return []
        groups = _amount_groups(after) or _amount_groups(before)
        own_condition = _condition_of(clause)
        if (_DISCONTINUATION.search(clause) and own_condition is None) or (
            scope.condition == Condition.DISCONTINUATION
            and rule.condition in (None, Condition.DISCONTINUATION)
        ):
            rule.condition = Condition.DISCONTINUATION
            rule.duration_days = duration_days(clause) or taper_days(clause)
        elif not groups and (
            rule.condition is None
            or (
                rule.condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT)
                and rule.condition_detail is None
                and rule.crcl_min_ml_min is None
                and rule.crcl_max_ml_min is None
                and doses_per_day(clause) is None
            )
        ):
            return []
        _fill_amount(rule, groups, clause)
        return [rule]
    if rule_type == RuleType.NO_ADJUSTMENT:
        if rule.condition is None:
            rule.condition = _condition_of(clause) or scope.condition
        _fill_amount(rule, _amount_groups(clause), clause)
        return [rule]
    if rule_type == RuleType.NOT_RECOMMENDED and rule.condition is None:
        rule.condition_detail = population_of(clause) or rule.condition_detail
    return [rule]


def _fill_amount(rule: DosageRule, groups: list[_AmountGroup], clause: str) -> None:
    if groups:
        group = groups[0]
        rule.dose_min, rule.dose_max, rule.dose_unit = group.low, group.high, group.unit
        rule.dose_period = _period(group, doses_per_day(clause))
    rule.doses_per_day = doses_per_day(clause)


def _washout_detail(clause: str, drug_words: set[str]) -> str | None:
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
