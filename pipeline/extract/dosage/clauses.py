"""Sentences -> rules: each clause cut at its triggers, each trigger's text read for amounts."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.contract.vocabularies import Condition, Population, RuleType
from pipeline.extract.dosage.amounts import (
    COMBINATION_DOSE,
    amount_groups,
    fill_amount,
    one_unit_daily,
    period_of,
    route_of,
)
from pipeline.extract.dosage.conditions import (
    DISCONTINUATION,
    condition_of,
    condition_of_clause,
    interaction_detail,
    joint_impairments,
    severity_of,
    washout_detail,
)
from pipeline.extract.dosage.grammar import clause_steps, view_of
from pipeline.extract.dosage.model import DosageRule, Scope, Unit
from pipeline.extract.dosage.patients import ages_of, population_in, weights_of
from pipeline.extract.dosage.tags import tag_increments
from pipeline.extract.dosage.triggers import (
    CLAUSE_SPLIT,
    REPORTED_USE,
    STEP_BOUND,
    VAGUE_ADJUSTMENT,
)
from pipeline.extract.populations import population_of
from pipeline.extract.quantities import (
    crcl_bounds,
    doses_per_day,
    duration_days,
    interval_days,
    taper_days,
    washout_days,
    weeks_apart_per_day,
)

_DATED_DAY = re.compile(r"\bon days?\s+\d", re.I)

THEN_EVERY = re.compile(r"\s*every\s+\S+\s+(?:weeks?|days?|months?)\b", re.I)

OTHER_MEDICINES = re.compile(
    r"\b(?:taking|take|on|using|receiving)\s+(?:certain\s+|any\s+)?other\s+(?:medications|medicines|drugs)\b"
    r"|\bother\s+(?:medications|medicines|drugs)\s+(?:being\s+)?(?:taken|used)\b",
    re.I,
)


def rules_from_sentence(unit: Unit, drug_words: set[str]) -> list[DosageRule]:
    rules: list[DosageRule] = []
    carried: str | None = None
    for clause in (c for c in CLAUSE_SPLIT.split(unit.text) if c and c.strip()):
        if REPORTED_USE.search(clause):
            continue
        found = _rules_from_clause(clause, unit, drug_words, carried)
        rules.extend(found)
        carried = found[-1].rule_type if found else None
    return rules


# "Children and people with kidney problems may need dose adjustments": two groups, each with
# the advice; the impairment is not the children's.
_GROUP_AND_CONDITION = re.compile(
    r"\b(?P<group>children|infants|adolescents|the elderly|elderly(?: patients| people)?"
    r"|older (?:adults|people|patients))\s*,?\s+(?:and|or|as well as)\s+(?:in\s+)?"
    r"(?:individuals|people|patients|persons|those|adults)\s+(?:with|who)\b",
    re.I,
)


def _rules_from_clause(
    clause: str, unit: Unit, drug_words: set[str], carried: str | None
) -> list[DosageRule]:
    rules = _rules_by_condition(clause, unit, drug_words, carried)
    group = _GROUP_AND_CONDITION.search(clause)
    if not group or not any(r.condition for r in rules):
        return rules
    own = population_of(group.group("group"))
    split: list[DosageRule] = []
    for rule in rules:
        if rule.condition and rule.population == own:
            rule.population = unit.scope.population or Population.ADULT
            if not split or split[-1].rule_type != rule.rule_type or split[-1].condition:
                split.append(replace(rule, population=own, condition=None, condition_detail=None))
        split.append(rule)
    return sorted(split, key=lambda r: r.condition is not None)


def _rules_by_condition(
    clause: str, unit: Unit, drug_words: set[str], carried: str | None
) -> list[DosageRule]:
    scope = unit.scope
    joint = joint_impairments(clause)
    if VAGUE_ADJUSTMENT.search(clause) and OTHER_MEDICINES.search(clause):
        # "adjustments may be needed for kidney or liver problems, or those taking other
        # medications": the interaction is one more condition the statement names.
        own = joint or [(condition_of_clause(clause, scope), severity_of(clause))]
        joint = [c for c in own if c[0]] + [(Condition.DRUG_INTERACTION, None)]
    if (
        joint
        and (len(joint) > 1 or OTHER_MEDICINES.search(clause))
        and scope.condition
        in (
            None,
            *(c for c, _ in joint),
        )
    ):
        # "in hepatic or severe renal impairment": the rule holds for each impairment named.
        rules: list[DosageRule] = []
        for condition, severity in joint:
            for rule in _rules_for_condition(clause, unit, drug_words, carried, condition):
                rule.condition_detail = severity
                if condition != Condition.RENAL_IMPAIRMENT:
                    rule.crcl_min_ml_min = rule.crcl_max_ml_min = None
                rules.append(rule)
        return rules
    return _rules_for_condition(
        clause, unit, drug_words, carried, condition_of_clause(clause, scope)
    )


def _rules_for_condition(
    clause: str, unit: Unit, drug_words: set[str], carried: str | None, condition: str | None
) -> list[DosageRule]:
    scope = unit.scope
    triggers = clause_steps(view_of(clause, scope, condition, carried))
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


def _base_rule(clause: str, unit: Unit, condition: str | None) -> DosageRule:
    scope = unit.scope
    crcl_min, crcl_max = crcl_bounds(clause)
    if crcl_min is None and crcl_max is None:
        crcl_min, crcl_max = scope.crcl_min, scope.crcl_max
    age_min, age_max = ages_of(clause)
    weight_min, weight_max = weights_of(clause)
    rule = DosageRule(
        population=population_in(clause) or scope.population or Population.ADULT,
        rule_type="",
        raw_text=unit.raw,
        indication=scope.indication,
        condition=condition,
        route=route_of(clause),
        age_min_years=age_min if age_min is not None else scope.age_min,
        age_max_years=age_max if age_max is not None else scope.age_max,
        weight_min_kg=weight_min if weight_min is not None else scope.weight_min,
        weight_max_kg=weight_max if weight_max is not None else scope.weight_max,
    )
    if condition == Condition.RENAL_IMPAIRMENT:
        rule.crcl_min_ml_min, rule.crcl_max_ml_min = crcl_min, crcl_max
    if condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT):
        rule.condition_detail = severity_of(clause) or (
            scope.detail if condition == scope.condition else None
        )
    elif condition == Condition.DRUG_INTERACTION:
        rule.condition_detail = interaction_detail(clause) or scope.detail
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
        groups = amount_groups(after)
        if not groups and rule_type not in (RuleType.TITRATION, RuleType.MAXIMUM) and first:
            # "20 mg is the usual starting dose": the amount may come before the only trigger.
            groups = amount_groups(before)
        elif not groups and rule_type == RuleType.MAINTENANCE and THEN_EVERY.match(after):
            # "2 mg/kg at weeks 0 and 4, then every 8 weeks": the same amount, on a new schedule.
            groups = amount_groups(before)[-1:]
        if rule_type == RuleType.MAXIMUM:
            groups = groups[:1] if len(groups) < 2 or not re.search(r"\bfor\b", after) else groups
        interval = (
            (
                interval_days(segment)
                or (interval_days(clause) if not amount_groups(after) else None)
            )
            if rule_type == RuleType.TITRATION
            else None
        )
        if not groups and rule_type == RuleType.TITRATION:
            # "titrated upward to a maximum of 3 mg daily in 0.6 mg weekly increments": the
            # step's amount is the increment the clause names.
            groups = [g for t in tag_increments(clause) for g in amount_groups(t.text)][:1]
        if not groups:
            bounded = rule_type == RuleType.TITRATION and (
                interval is not None or re.search(r"\b(?:increments?|steps?)\b", segment, re.I)
            )
            if COMBINATION_DOSE.search(segment) and rule_type != RuleType.TITRATION:
                # "2.5/10 mg once daily": a fixed-combination strength; the contract has no
                # per-component columns, so the rule keeps its schedule without amounts.
                rule.doses_per_day = doses_per_day(segment)
                return [rule]
            if not bounded:
                return []
            rule.interval_days = interval
            return [rule]
        out = []
        for number, group in enumerate(groups):
            item = replace(rule)
            if rule_type == RuleType.INITIAL and number and _DATED_DAY.search(group.text):
                # "starting with 0.25 mg on days 1 and 2, 0.5 mg on day 3": a later day's
                # amount is the next step up.
                item.rule_type = RuleType.TITRATION
            freq = (
                doses_per_day(group.text)
                or (doses_per_day(after) if len(groups) == 1 else None)
                or one_unit_daily(group)
                or (scope.lead_per_day if rule_type == RuleType.MAINTENANCE else None)
                or (
                    weeks_apart_per_day(group.text if len(groups) > 1 else after)
                    if rule_type != RuleType.TITRATION
                    else None
                )
            )
            item.dose_min = group.low  # a single amount fills both bounds (contract)
            item.dose_max = group.high
            item.dose_unit = group.unit
            item.doses_per_day = freq
            at = clause.find(group.text)
            item.dose_period = period_of(group, freq, clause[:at] if at > 0 else "")
            if rule_type == RuleType.TITRATION and STEP_BOUND.search(
                before + after[: after.find(group.text[:5])] if group.text[:5] in after else before
            ):
                item.dose_min = None
            if scope.step:
                item.duration_days = scope.step_days
            elif rule_type == RuleType.TITRATION:
                item.interval_days = interval_days(group.text) or interval
            else:
                item.duration_days = (
                    duration_days(group.text)
                    or (duration_days(after) if len(groups) == 1 else None)
                    or (scope.lead_days if rule_type == RuleType.MAINTENANCE else None)
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
        rule.condition_detail = washout_detail(clause, drug_words) or rule.condition_detail
        return [rule]
    if rule_type == RuleType.ADJUSTMENT:
        if has_maximum:
            return []
        groups = amount_groups(after) or amount_groups(before)
        own_condition = condition_of(clause)
        if (DISCONTINUATION.search(clause) and own_condition is None) or (
            scope.condition == Condition.DISCONTINUATION
            and rule.condition in (None, Condition.DISCONTINUATION)
        ):
            rule.condition = Condition.DISCONTINUATION
            rule.duration_days = duration_days(clause) or taper_days(clause)
        elif (
            not groups
            and not (rule.condition and VAGUE_ADJUSTMENT.search(clause))
            and (
                rule.condition is None
                or (
                    rule.condition in (Condition.RENAL_IMPAIRMENT, Condition.HEPATIC_IMPAIRMENT)
                    and rule.condition_detail is None
                    and rule.crcl_min_ml_min is None
                    and rule.crcl_max_ml_min is None
                    and doses_per_day(clause) is None
                )
            )
        ):
            return []
        fill_amount(rule, groups, clause)
        return [rule]
    if rule_type == RuleType.NO_ADJUSTMENT:
        if rule.condition is None:
            rule.condition = condition_of(clause) or scope.condition
        fill_amount(rule, amount_groups(clause), clause)
        return [rule]
    if rule_type == RuleType.NOT_RECOMMENDED and rule.condition is None:
        if (
            rule.population in (Population.ADULT, Population.ALL)
            and not route_of(clause)
            and not amount_groups(clause)
        ):
            # "should not be taken as medical advice", "avoid contact with the eyes": advice
            # against nothing a rule can hold (no group, condition, route or dose) is no rule.
            return []
        rule.condition_detail = population_of(clause) or rule.condition_detail
    return [rule]
