"""A run's story in a few small markdown tables, for the Dagster UI's metadata.

Pure functions of the tables (tested without Dagster): pages per source and status,
effects per band with the unmapped share, rules per type, and the pages that are not ok.
"""

from __future__ import annotations

import pandas as pd

from pipeline.contract.vocabularies import BANDS, PAGE_STATUSES, RULE_TYPES, PageStatus


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def pages_by_source(pages: pd.DataFrame) -> str:
    """Pages per source (rows) and status (columns), with totals."""
    rows = []
    for source, group in pages.groupby("source", sort=True):
        counts = group["status"].value_counts()
        rows.append([source, *(int(counts.get(s, 0)) for s in PAGE_STATUSES), len(group)])
    counts = pages["status"].value_counts()
    rows.append(["**all**", *(int(counts.get(s, 0)) for s in PAGE_STATUSES), len(pages)])
    return markdown_table(["source", *PAGE_STATUSES, "pages"], rows)


def effects_by_band(mentions: pd.DataFrame) -> str:
    """Side-effect mentions per frequency band, and how many are mapped to HPO."""
    rows = []
    for band in BANDS:
        group = mentions[mentions["frequency_band"] == band]
        mapped = int(group["effect_id"].str.startswith("HP:").sum()) if len(group) else 0
        rows.append([band, len(group), mapped])
    return markdown_table(["band", "mentions", "mapped to HPO"], rows)


def unmapped_share(mentions: pd.DataFrame) -> float:
    """Share of mentions whose phrase the vocabulary did not map."""
    if not len(mentions):
        return 0.0
    return float((mentions["match_source"] == "unmapped").mean())


def rules_by_type(rules: pd.DataFrame) -> str:
    counts = rules["rule_type"].value_counts()
    return markdown_table(["rule type", "rules"], [[t, int(counts.get(t, 0))] for t in RULE_TYPES])


def problem_pages(pages: pd.DataFrame, limit: int = 20) -> str:
    """The first ``limit`` pages that are not ok, with their reasons."""
    bad = pages[pages["status"] != PageStatus.OK].sort_values("page_id")
    if bad.empty:
        return "every page is ok"
    rows = [[r.page_id, r.source, r.status, r.error] for r in bad.head(limit).itertuples()]
    text = markdown_table(["page", "source", "status", "reason"], rows)
    if len(bad) > limit:
        text += f"\n\n{len(bad) - limit} more in the page_problems table"
    return text


def run_summary(tables: dict[str, pd.DataFrame]) -> str:
    """Everything above on one page, for the published files."""
    mentions = tables["side_effect_mentions"]
    parts = [
        "**Pages per source and status**",
        pages_by_source(tables["pages"]),
        "**Side-effect mentions per band**",
        effects_by_band(mentions),
        f"Unmapped share: {unmapped_share(mentions):.1%} of {len(mentions)} mentions",
        "**Dosage rules per type**",
        rules_by_type(tables["dosage_rules"]),
        "**Rows per table**",
        markdown_table(["table", "rows"], [[n, len(f)] for n, f in sorted(tables.items())]),
    ]
    return "\n\n".join(parts)
