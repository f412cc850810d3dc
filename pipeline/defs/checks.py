"""Blocking data-quality checks beside every table asset.

A failing check stops the run before ``publish_tables``, so analysts never
get a file that breaks the contract: wrong columns or types, duplicate
keys, values outside a vocabulary.
"""

import dagster as dg
import pandas as pd

from pipeline.contract.ids import is_effect_id
from pipeline.contract.tables import ALL_TABLES, TableSpec
from pipeline.contract.vocabularies import VOCABULARIES
from pipeline.publish.writer import to_arrow


def contract_problems(frame: pd.DataFrame, spec: TableSpec) -> list[str]:
    """Everything in ``frame`` that would break the published contract (pure, for tests)."""
    problems: list[str] = []
    try:
        table = to_arrow(frame, spec)
    except Exception as exc:  # schema or type mismatch
        return [f"does not fit the contract schema: {exc}"]
    for name in spec.columns:
        column = table.column(name)
        if not spec.schema.field(name).nullable and column.null_count:
            problems.append(f"{column.null_count} nulls in non-nullable column {name}")
    if len(frame):
        duplicated = frame.duplicated(subset=list(spec.key)).sum()
        if duplicated:
            problems.append(f"{duplicated} duplicate keys on {spec.key}")
    for column, allowed in VOCABULARIES.get(spec.name, {}).items():
        values = set(frame[column].dropna().unique()) if column in frame else set()
        unknown = values - set(allowed)
        if unknown:
            problems.append(f"{column} has values outside the contract: {sorted(unknown)}")
    if spec.name in ("side_effect_mentions", "side_effects") and len(frame):
        bad = ~frame["effect_id"].map(is_effect_id).astype(bool)
        if bad.any():
            problems.append(f"{int(bad.sum())} effect_ids are neither HP:nnnnnnn nor local:<slug>")
    return problems


def _make_check(table: str) -> dg.AssetChecksDefinition:
    spec = ALL_TABLES[table]

    @dg.asset_check(
        asset=table,
        name="matches_contract",
        blocking=True,
        description=f"{table} fits its contract schema, key and vocabularies",
    )
    def _check(frame: pd.DataFrame) -> dg.AssetCheckResult:
        problems = contract_problems(frame, spec)
        return dg.AssetCheckResult(
            passed=not problems,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows": len(frame),
                "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
            },
        )

    return _check


CHECKS: list[dg.AssetChecksDefinition] = [_make_check(table) for table in sorted(ALL_TABLES)]
