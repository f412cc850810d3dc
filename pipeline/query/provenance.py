"""Provenance: every merged value of one drug next to the raw text it came from on each page."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from pipeline.contract.tables import ALL_TABLES, load_published
from pipeline.ingest.identity import drug_id_choices


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value: object) -> str:
    return "" if _blank(value) else f"{float(value):g}"


def _bounds(row: pd.Series) -> str:
    low, high = _num(row["freq_min_pct"]), _num(row["freq_max_pct"])
    return f" [{low}-{high}%]" if low or high else ""


def _quote(text: object, width: int = 110) -> str:
    text = " ".join(str(text).split())
    return f'"{text[: width - 3]}..."' if len(text) > width else f'"{text}"'


def provenance(drug: str, tables: dict[str, pd.DataFrame]) -> str:
    drugs = tables["drugs"]
    choices = drug_id_choices(drug)
    published = set(drugs["drug_id"])
    drug_id = next((d for d in choices if d in published), choices[0] if choices else None)
    match = drugs[drugs["drug_id"] == drug_id]
    if match.empty:
        return f"unknown drug {drug!r}: not in the published drugs table"
    record = match.iloc[0]
    lines = [
        f"{drug_id} ({record['generic_name']}): {record['n_sources']} source(s)",
        f"  pages: {', '.join(record['page_ids'])}",
        f"  names seen: {', '.join(record['name_variants'])}",
        "",
        "side effects (merged value, then each page's value and text):",
    ]
    mentions = tables["side_effect_mentions"]
    mentions = mentions[mentions["drug_id"] == drug_id]
    for _, merged in tables["side_effects"][
        tables["side_effects"]["drug_id"] == drug_id
    ].iterrows():
        flags = " BAND CONFLICT" if merged["band_conflict"] else ""
        serious = " serious" if merged["serious"] else ""
        lines.append(
            f"  {merged['effect_id']} {merged['effect_name']}: {merged['frequency_band']}{_bounds(merged)}{serious}{flags}"
        )
        for _, mention in (
            mentions[mentions["effect_id"] == merged["effect_id"]].sort_values("page_id").iterrows()
        ):
            cue = (
                f" from {_quote(mention['frequency_text'], 40)}"
                if not _blank(mention["frequency_text"])
                else ""
            )
            lines.append(
                f"    {mention['page_id']}: {mention['frequency_band']}{_bounds(mention)}{cue}"
                f"{' serious' if mention['serious'] else ''} <- {_quote(mention['raw_text'])}"
            )
    lines += ["", "indications:"]
    indications = tables["indications"]
    indications = indications[indications["drug_id"] == drug_id]
    for _, merged in tables["drug_indications"][
        tables["drug_indications"]["drug_id"] == drug_id
    ].iterrows():
        conflict = " STATUS CONFLICT" if merged["status_conflict"] else ""
        lines.append(f"  {merged['condition_name']}: {merged['status']}{conflict}")
        for _, row in (
            indications[indications["condition_name"] == merged["condition_name"]]
            .sort_values("page_id")
            .iterrows()
        ):
            lines.append(f"    {row['page_id']}: {row['status']} <- {_quote(row['raw_text'])}")
    lines += ["", "dose limits (strictest stated maximum):"]
    for _, limit in tables["dose_limits"][tables["dose_limits"]["drug_id"] == drug_id].iterrows():
        scope = ", ".join(
            str(v)
            for v in (
                limit["population"],
                limit["condition"],
                limit["indication"],
                limit["condition_detail"],
            )
            if not _blank(v)
        )
        conflict = " MAX CONFLICT" if limit["max_conflict"] else ""
        lines.append(
            f"  {scope}: {limit['max_dose']:g} {limit['dose_unit']} per {limit['dose_period']}{conflict}"
        )
        lines.append(f"    {', '.join(limit['page_ids'])} <- {_quote(limit['raw_text'])}")
    conflicts = tables["conflicts"][tables["conflicts"]["drug_id"] == drug_id]
    lines += ["", f"conflicts: {len(conflicts)}"]
    for _, conflict in conflicts.iterrows():
        lines.append(
            f"  {conflict['field']} {conflict['key']}: {'; '.join(conflict['values'])} -> {conflict['resolution']}"
        )
    return "\n".join(lines)


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Every published table of one run; ``TablesUnavailable`` (one line) when one is missing."""
    return load_published(out_dir, sorted(ALL_TABLES))
