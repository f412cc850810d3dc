"""Sections, lists and paragraphs -> sentences with the scope they sit under."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.extract.dosage.headings import scope_from_heading
from pipeline.extract.dosage.model import PageContext, Scope, Unit
from pipeline.extract.dosage.patients import population_in
from pipeline.extract.dosage.tables import table_into
from pipeline.extract.dosage.triggers import has_trigger
from pipeline.extract.quantities import doses_per_day, duration_days, find_amounts
from pipeline.ingest.document import QA, ListBlock, Paragraph, Section, Table
from pipeline.ingest.text import bounded_pieces

_STEP = re.compile(r"^(weeks?|days?|months?|step)\s*(\d+)(?:\s*(?:and|to|-|–|&)\s*(\d+))?\b", re.I)


def collect_units(
    section: Section,
    scope: Scope,
    out: list[Unit],
    page_ctx: PageContext,
    top: bool = False,
) -> None:
    if not top:
        scope = scope_from_heading(section.title, scope, page_ctx)
    previous: object = None
    for child in section.children:
        if isinstance(child, Section):
            collect_units(child, scope, out, page_ctx)
        elif isinstance(child, Paragraph):
            _sentences_into(child.text, scope, out)
        elif isinstance(child, ListBlock):
            lead = previous.text if isinstance(previous, Paragraph) else ""
            _list_into(child, lead_in(lead, scope), out, page_ctx)
        elif isinstance(child, Table):
            table_into(child, scope, out)
        elif isinstance(child, QA):
            continue  # FAQ-style questions inside a dosage section are not rules
        previous = child


def lead_in(paragraph: str, scope: Scope) -> Scope:
    """A paragraph that leads into a list (it ends with a colon) and states one schedule or
    course length gives them to the regimens listed under it that state none."""
    if not paragraph.rstrip().endswith(":"):
        return scope
    return replace(scope, lead_per_day=doses_per_day(paragraph), lead_days=duration_days(paragraph))


def _list_into(block: ListBlock, scope: Scope, out: list[Unit], page_ctx: PageContext) -> None:
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
                scope_from_heading(part, scope, page_ctx) for part in _label_parts(item.label)
            ]
            # The label may itself carry a rule ("Maximum dose: 10/40 mg once daily").
            text = f"{item.label}: {item.text}" if has_trigger(item.label) else item.text
        else:
            head = re.match(r"^([^:]{2,60}):\s+(.+)$", text)
            if head and not has_trigger(head.group(1)):
                scopes = [
                    scope_from_heading(part, scope, page_ctx)
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


# "For adults, the initial dose is ...", "In children aged 12 years and older, ...": a sentence
# that opens on its population, and doses someone.
_OPENS_ON_POPULATION = re.compile(r"^\s*(?:for|in)\s+(?P<who>[^,]{3,80}),", re.I)


def passage_population(sentence: str) -> str | None:
    """The population a sentence opens a passage for ("For adults, the initial dose is 0.6 mg"),
    which the next sentences of its paragraph keep until another is named."""
    m = _OPENS_ON_POPULATION.match(sentence)
    if not m or not find_amounts(sentence):
        return None
    return population_in(m.group("who"))


def _sentences_into(text: str, scope: Scope, out: list[Unit], raw: str | None = None) -> None:
    passage = scope
    for whole in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text):
        for sentence in bounded_pieces(whole.strip()):
            sentence = sentence.strip()
            if not sentence:
                continue
            opened = passage_population(sentence)
            if opened:
                passage = replace(scope, population=opened)
            elif population_in(sentence):
                passage = scope  # another population named: the passage ends
            out.append(Unit(sentence, passage, sentence))
