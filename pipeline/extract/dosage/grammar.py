"""Rules over tags: which dosage rules a clause states, read from its tag sequence.

The tagging layer (``tags``) turns a clause into typed tags; this module holds
the small, explicit set of rules that reads the sequence of TRIGGER and AMOUNT
tags (and the scope the clause sits under) and decides the rules the clause
states, as *steps*: ``(start, end, rule_type)`` spans, each owning the text
from its trigger to the next one.  ``clauses`` then fills each step's numbers
from the tags in its span.

Each rule is a pure function ``ClauseView -> list[Step] | None``; the first
rule that answers decides (``None`` passes to the next rule).  The order is
the grammar:

1. ``advice_above_threshold``: "doses above 80 mg should be divided" states
   no rule (unless a maximum is stated too).
2. ``dated_step``: under "Week 2:" the step's date, not its words, says
   whether a regimen starts or titrates.
3. ``cap_names_regimen``: "the maximum daily maintenance dose is 1 tablet" is
   one maximum; the regimen word after the cap word is part of its name.
4. ``regimen_before_titration``: "10 mg for the first week, then 20 mg": an
   amount before the first titration starts.
5. ``regimen_before_followed_by``: "10 mg for 7 days, followed by 5 mg": a
   start, then the regimen that continues.
6. ``regimen_at_week_zero``: "2 mg/kg at weeks 0 and 4, then every 8 weeks": the
   doses from week 0 start the regimen.
6. ``regimen_before_cap``: "500 mg every 6 hours, no more than 4 g a day": a
   regimen, then its cap.
7. ``labelled_step``: a regimen with no trigger under a label naming a step
   ("**Maximum dose:** 0.8 mg per day") is that step.
8. ``implicit_step``: a regimen with no trigger is the standard regimen (or
   an adjustment under a renal/hepatic scope); a clause continuing the
   previous clause's rule ("; 40 mg for people who ...") is that rule.
9. ``stated_triggers``: otherwise the triggers themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.contract.vocabularies import Condition, RuleType
from pipeline.extract.dosage.model import Scope
from pipeline.extract.dosage.tags import Tag, TagKind, tag_sentence
from pipeline.extract.dosage.triggers import FORM_LIST, STRENGTHS, THRESHOLD, find_triggers
from pipeline.extract.quantities import doses_per_day

Step = tuple[int, int, str]  # (trigger start, trigger end, rule_type); (0, 0, t) when implicit

_REGIMEN_STEPS = (RuleType.INITIAL, RuleType.TITRATION, RuleType.MAINTENANCE)


@dataclass(frozen=True)
class ClauseView:
    """A clause as the rules see it: its text, tags and triggers, and where it sits."""

    text: str
    tags: tuple[Tag, ...]
    triggers: tuple[Step, ...]
    scope: Scope
    condition: str | None
    carried: str | None  # the rule type of the previous clause of the sentence

    def amounts(self, start: int = 0, end: int | None = None) -> list[Tag]:
        stop = len(self.text) if end is None else end
        return [t for t in self.tags if t.kind == TagKind.AMOUNT and start <= t.start < stop]

    @property
    def lists_forms(self) -> bool:
        return FORM_LIST.search(self.text) is not None

    @property
    def names_strengths(self) -> bool:
        return STRENGTHS.search(self.text) is not None


def view_of(
    clause: str, scope: Scope, condition: str | None = None, carried: str | None = None
) -> ClauseView:
    tags = tuple(tag_sentence(clause))
    return ClauseView(clause, tags, tuple(find_triggers(clause)), scope, condition, carried)


Rule = Callable[[ClauseView], "list[Step] | None"]


def advice_above_threshold(view: ClauseView) -> list[Step] | None:
    if THRESHOLD.search(view.text) and not any(t == RuleType.MAXIMUM for *_, t in view.triggers):
        return []
    return None


def dated_step(view: ClauseView) -> list[Step] | None:
    if not view.scope.step or not view.amounts():
        return None
    if all(t in _REGIMEN_STEPS for *_, t in view.triggers):
        kind = RuleType.INITIAL if view.scope.step == "first" else RuleType.TITRATION
        return [(0, 0, kind)]
    return None


def dated_step_without_amount(view: ClauseView) -> list[Step] | None:
    """Under a dated step, regimen words without an amount state no step of their own."""
    if view.scope.step and view.triggers and all(t in _REGIMEN_STEPS for *_, t in view.triggers):
        return implicit_step(replace(view, triggers=()))
    return None


_CAP_NAME = re.compile(r"^[\s,]*(?:(?:total|daily|recommended|usual|adult|the)\s+)*$", re.I)


_FILLER = re.compile(
    r"^\s*(?:(?:then|gradually|usually|typically|can|may|should|be|is)\s+)*$", re.I
)


_ARTICLE = re.compile(r"^\s*(?:(?:a|an|the)\s+)?$", re.I)


def cap_names_regimen(view: ClauseView) -> list[Step] | None:
    """A cap word followed, with no amount between, by a regimen word is one maximum
    ("the maximum daily maintenance dose is"); a regimen word followed by a step word is
    that step ("the dose is increased to", "the dose can be increased to"); a start word
    followed by a lower dose is that start ("start with a lower dose of 5 mg")."""
    merged: list[Step] = []
    changed = False
    for step in view.triggers:
        if (
            merged
            and merged[-1][2] == RuleType.MAXIMUM
            and step[2] in (RuleType.MAINTENANCE, RuleType.INITIAL)
            and _CAP_NAME.match(view.text[merged[-1][1] : step[0]])
        ):
            merged[-1] = (merged[-1][0], step[1], RuleType.MAXIMUM)
            changed = True
            continue
        if (
            merged
            and merged[-1][2] == RuleType.INITIAL
            and step[2] == RuleType.ADJUSTMENT
            and _ARTICLE.match(view.text[merged[-1][1] : step[0]])
        ):
            # "start with a lower dose (7.5 mcg)": the lower dose is where the regimen starts.
            merged[-1] = (merged[-1][0], step[1], RuleType.INITIAL)
            changed = True
            continue
        if (
            merged
            and merged[-1][2] == RuleType.MAINTENANCE
            and step[2] == RuleType.TITRATION
            and _FILLER.match(view.text[merged[-1][1] : step[0]])
        ):
            merged[-1] = (merged[-1][0], step[1], RuleType.TITRATION)
            changed = True
            continue
        merged.append(step)
    if not changed:
        return None
    return _chain(replace(view, triggers=tuple(merged)), after=RULES.index(cap_names_regimen) + 1)


def regimen_before_titration(view: ClauseView) -> list[Step] | None:
    first = view.triggers[0] if view.triggers else None
    if (
        first
        and first[2] == RuleType.TITRATION
        and view.amounts(0, first[0])
        and not view.lists_forms
    ):
        return [(0, 0, RuleType.INITIAL), *view.triggers]
    return None


def regimen_before_followed_by(view: ClauseView) -> list[Step] | None:
    first = view.triggers[0] if view.triggers else None
    if (
        first
        and first[2] == RuleType.MAINTENANCE
        and view.text[first[0] : first[1]].lower().startswith("followed by")
        and view.amounts(0, first[0])
    ):
        return [(0, 0, RuleType.INITIAL), *view.triggers]
    return None


_WEEK_ZERO = re.compile(r"\b(?:at|on)\s+weeks?\s+0\b", re.I)


def regimen_at_week_zero(view: ClauseView) -> list[Step] | None:
    """'2 mg/kg at weeks 0 and 4, then every 8 weeks': the doses given from week 0 start the
    regimen; what follows ('then every 8 weeks', 'followed by') goes on with it."""
    m = _WEEK_ZERO.search(view.text)
    if not m or not view.amounts(0, m.start()):
        return None
    before = [t for t in view.triggers if t[0] < m.start()]
    if any(t not in _REGIMEN_STEPS for *_, t in before):
        return None
    # "Give 4 mg/kg at weeks 0 and 2": a regimen word before week 0 names the same start.
    return [(0, 0, RuleType.INITIAL), *(t for t in view.triggers if t[0] >= m.start())]


def regimen_before_cap(view: ClauseView) -> list[Step] | None:
    first = view.triggers[0] if view.triggers else None
    if (
        first
        and first[2] == RuleType.MAXIMUM
        and view.amounts(0, first[0])
        and not view.names_strengths
        and not view.lists_forms
    ):
        return [(0, 0, RuleType.MAINTENANCE), *view.triggers]
    return None


def labelled_step(view: ClauseView) -> list[Step] | None:
    if view.triggers or not view.scope.step_label or not view.amounts():
        return None
    if view.names_strengths or view.lists_forms:
        return None
    return [(0, 0, view.scope.step_label)]


# A clause that goes on with the previous clause's rule: "; 40 mg once daily for people who ...",
# ", or for children whose GFR is below 30".
_CONTINUATION = re.compile(r"^\s*(?:and\s+|or\s+)?(?:for\b|in\b|\d)", re.I)
_CONTINUED = (
    RuleType.INITIAL,
    RuleType.MAXIMUM,
    RuleType.MAINTENANCE,
    RuleType.NOT_RECOMMENDED,
    RuleType.ADJUSTMENT,
    RuleType.NO_ADJUSTMENT,
)
_IMPAIRMENT = (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT)


def implicit_step(view: ClauseView) -> list[Step] | None:
    if view.triggers:
        return None
    kind = _implicit_kind(view)
    return [(0, 0, kind)] if kind else []


def _implicit_kind(view: ClauseView) -> str | None:
    amounts = view.amounts()
    if view.carried in _CONTINUED and _CONTINUATION.match(view.text):
        if view.carried not in (RuleType.NOT_RECOMMENDED, RuleType.NO_ADJUSTMENT) and not amounts:
            return None
        return view.carried
    if amounts and re.search(r"\bfor the first\b|\bto begin with\b", view.text, re.I):
        return RuleType.INITIAL  # "25 mg at night for the first week; then ..."
    if amounts and not view.names_strengths and not view.lists_forms:
        # A bare regimen is the standard dose, or an adjusted one under a renal/hepatic heading.
        return RuleType.ADJUSTMENT if view.condition in _IMPAIRMENT else RuleType.MAINTENANCE
    if view.condition in _IMPAIRMENT and doses_per_day(view.text):
        # "Kidney impairment (CrCl < 10 mL/min): give every 8 hours" changes the schedule.
        return RuleType.ADJUSTMENT
    return None


def stated_triggers(view: ClauseView) -> list[Step] | None:
    return list(view.triggers)


RULES: tuple[Rule, ...] = (
    advice_above_threshold,
    dated_step,
    dated_step_without_amount,
    cap_names_regimen,
    regimen_before_titration,
    regimen_before_followed_by,
    regimen_at_week_zero,
    regimen_before_cap,
    labelled_step,
    implicit_step,
    stated_triggers,
)


def _chain(view: ClauseView, after: int = 0) -> list[Step]:
    for rule in RULES[after:]:
        steps = rule(view)
        if steps is not None:
            return steps
    return []


def clause_steps(view: ClauseView) -> list[Step]:
    """The rules a clause states, as trigger spans in reading order."""
    return _chain(view)
