"""Dosing tables: schedule tables (one row a step) and tables of groups."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.extract.dosage.headings import scope_from_heading
from pipeline.extract.dosage.model import PageContext, Scope, Unit
from pipeline.extract.quantities import (
    find_amounts,
)
from pipeline.ingest.document import Table

_STEP_COLUMN = re.compile(r"^(weeks?|days?|months?|steps?)$", re.I)


_TIME_OF_DAY = re.compile(
    r"morning|evening|night|bedtime|noon|midday|afternoon|\bam\b|\bpm\b", re.I
)


def _schedule_table_into(table: Table, scope: Scope, out: list[Unit]) -> bool:
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
        out.append(Unit(text, row_scope, " | ".join(row)))
    return True


def table_into(table: Table, scope: Scope, out: list[Unit]) -> None:
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
                row_scope = scope_from_heading(
                    cell
                    if not re.search(r"crcl|clearance", header, re.I)
                    else f"creatinine clearance {cell}",
                    row_scope,
                    PageContext({}, ()),
                )
            if re.search(r"duration|how long|length of (?:treatment|course)", header, re.I) and (
                re.match(r"\s*\d", cell)
            ):
                # A Duration column: "4 weeks" is how long the row's regimen lasts.
                cells = [c.replace(f"{header}: {cell}", f"for {cell}") for c in cells]
        out.append(Unit(" | ".join(cells), row_scope, " | ".join(row)))
