"""Rule triggers: the words that start a rule (TRIGGER tags), and words that make a clause no rule."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.contract.vocabularies import RuleType
from pipeline.extract.quantities import (
    find_amounts,
)

# A statement that the dose may need changing, with no amount: "Dosage adjustments may be
# necessary for people with kidney or liver problems", "those with liver disease may require a
# dose adjustment", "dosages may need to be adjusted based on kidney function".  It states an
# adjustment rule for the condition it names (contract: adjustment, no numbers needed).
VAGUE_ADJUSTMENT = re.compile(
    r"\b(?:dose|dosage|dosing)\s+(?:adjustments?|modifications?|reductions?|changes?)\s+"
    r"(?:is\s+|are\s+|may\s+be\s+|might\s+be\s+|could\s+be\s+|can\s+be\s+|will\s+be\s+)?"
    r"(?:often\s+|usually\s+|generally\s+|sometimes\s+|also\s+|typically\s+)?"
    r"(?:needed|required|necessary|warranted|advised)\b"
    r"|\b(?:may|might|could|can|will|often)\s+(?:also\s+)?(?:need|require)\s+(?:a\s+)?"
    r"(?:lower\s+)?(?:dose|dosage|dosing)\s+(?:adjustments?|modifications?|reductions?|changes?)\b"
    r"|\b(?:may|might|could|can|will|often)\s+(?:also\s+)?(?:need|require)\s+(?:a\s+)?"
    r"(?:lower|reduced|smaller)\s+(?:starting\s+)?(?:doses?|dosages?)\b"
    r"|\b(?:doses?|dosages?)\s+(?:may|might|could|will|often)\s+(?:need|have)\s+to\s+be\s+"
    r"(?:adjusted|reduced|lowered|modified)\b",
    re.I,
)


# Trigger regexes, in priority order at equal positions.
_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    (
        RuleType.NO_ADJUSTMENT,
        re.compile(
            r"\bno (?:dose |dosage |dosing )?(?:adjustments?|changes?|reductions?)\b"
            r"|\b(?:does|do|did) not (?:need|require)(?: a)? (?:dose |dosage )?(?:adjustments?|changes?|reductions?)\b"
            r"|\b(?:dose |dosage )?adjustments? (?:is|are) not (?:usually |generally |typically )?(?:needed|required|necessary)\b"
            # "No specific dosage adjustments are typically needed for ...": no adjustment.
            r"|\bno (?:specific |particular |special )(?:dose |dosage |dosing )?adjustments? (?:is |are )?"
            r"(?:usually |generally |typically |normally )?(?:needed|required|necessary)\b",
            re.I,
        ),
    ),
    (
        RuleType.NOT_RECOMMENDED,
        re.compile(
            r"\bnot (?:been )?(?:recommended|established|approved for use|approved in|approved for children)\b"
            r"|\bshould not be (?:used|given|taken)\b|\bmust not be (?:used|given|taken)\b|\bdo not use\b(?! more than)"
            r"|\bno longer recommended\b"
            # "not typically prescribed for children": advice against use in a population
            r"|\bnot (?:typically|usually|generally|normally|commonly|routinely) (?:recommended|prescribed"
            r"|used|given|indicated)(?= (?:for|in)(?: use in)? (?:children|infants|neonates|adolescents"
            r"|pediatric|paediatric|elderly|older adults|pregnan))"
            # "generally not prescribed for children", "not indicated for use in children"
            r"|\b(?:(?:typically|usually|generally|normally|commonly|routinely) )?not (?:prescribed"
            r"|used|given|indicated)(?= (?:for|in)(?: use in)? (?:children|infants|neonates|adolescents"
            r"|pediatric|paediatric|elderly|older adults|pregnan))"
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
            r"|\bstart(?:s|ing|ed)? (?:with|at|on)\b|\bbegin(?:ning)? (?:with|at)\b|\binitially\b"
            r"|\bto start\b|\bat first\b|\bbegins (?:with|at)\b"
            r"|\b(?:induction|loading) (?:phase|regimen|therapy)\b",
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
            r"\b(?:then )?(?:be )?(?:increased?|increasing|raised?|titrated?|uptitrated?|stepped up)(?: gradually)?(?: to| by)?\b"
            r"|\bin (?:increments|steps) of\b|\b(?:dose|further) increases?\b|\bincreas(?:e|ing) the dose\b"
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
            r"|\b(?:effective|target) dose\b|\ba target (?:dose )?of\b|\bmost patients need\b"
            r"|\bfollowed by\b(?=\s+\d)|\bmaintenance phase\b"
            # "2 mg/kg at weeks 0 and 4, then every 8 weeks": the regimen that goes on.
            r"|\bthen\b(?=\s+every\s+\S+\s+(?:weeks?|days?|months?)\b)",
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
            r"|\b(?:dose|dosage)\s+(?:should|must|may|will|can)\s+be\s+(?:lowered|reduced|decreased|tapered)\b"
            + "|"
            + VAGUE_ADJUSTMENT.pattern,
            re.I,
        ),
    ),
]


CLAUSE_SPLIT = re.compile(
    r";\s+|,\s+(?:while|whereas|but|however)\s+|,\s+and (?=at least)|\.\s+(?=[A-Z])|,\s+plus\s+"
    r"|,\s+or\s+(?=for\b|in\b)"
    # "no adjustment in older people or in people with kidney problems": two groups
    r"|\s+or\s+(?=in\s+(?:people|patients|those)\b)"
)


# Statements of what a product contains, not rules: "It comes as 25 mg and 50 mg tablets."
FORM_LIST = re.compile(
    r"\b(?:as|in)\s+(?:capsules?|tablets?|suspensions?|solutions?|syrups?|granules|sachets?|oral (?:suspension|solution))\b"
    r"|^\s*(?:tablets?|capsules?|strengths?|oral suspension|oral solution|available)\s*:|\b(?:tablets?|capsules?)\s*\(",
    re.I,
)


STRENGTHS = re.compile(
    r"\b(comes? as|comes? in|available as|available in|strengths?|contains?|each (?:tablet|capsule))\b",
    re.I,
)


def has_trigger(text: str) -> bool:
    return any(p.search(text) for _, p in _TRIGGERS)


# Reports of use, not rules: "doses up to 3,600 mg/day have been used".
REPORTED_USE = re.compile(
    r"\b(?:ha(?:ve|s) (?:not )?been (?:used|given|studied|reported)|were (?:not )?(?:used|studied))\b"
    # "if more than three days have passed, restart at 0.6 mg": re-starting after a break
    r"|\brestart(?:ed|ing)?\b"
    # "Check serum potassium 1 week after increasing the dose": monitoring, not a dose step
    r"|^\s*(?:check|monitor|measure|test)\b",
    re.I,
)


# "doses above 80 mg a day should be divided": a threshold for advice, not a dose to give.
THRESHOLD = re.compile(
    r"\b(?:doses?|amounts?)\s+(?:above|over|exceeding|greater than|higher than|of more than"
    r"|in excess of)\s+\d",
    re.I,
)


# "in steps of no more than 10 mg": an upper bound on each titration step, not a maximum dose.
STEP_BOUND = re.compile(
    r"\b(?:(?:steps?|increments?|increases?)\s+of|increased?\s+by|increments?)\s+"
    r"(?:no more than|not more than|up to|at most)\s*$",
    re.I,
)


def find_triggers(clause: str) -> list[tuple[int, int, str]]:
    """Trigger spans (start, end, rule type) of a clause, in reading order.

    Kept per clause: the tagger and the clause view both ask for the same clause, and
    eight patterns run over it each time (a fifth of dosage reading).  The answer is
    a fresh list, so a caller may change it without changing the kept one.
    """
    return list(_triggers(clause))


@lru_cache(maxsize=65536)
def _triggers(clause: str) -> tuple[tuple[int, int, str], ...]:
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
            and STEP_BOUND.search(clause[:end])
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
    return tuple(merged)
