"""Data-quality checks beside every table asset.

``matches_contract`` (blocking, one per table) validates the table's pandera schema,
built from the contract (``publish/validation.py``): types, nullability, unique keys,
vocabularies, bounds in order, every ok page has a drug, every merged row has sources,
no effect named after a frequency label. A failure stops the run before
``publish_tables``, so analysts never get a file that breaks the contract.

The drift checks warn (severity WARN, not blocking): they compare this run with the
previous materialization of the same asset in the instance, and record their figures
as numeric metadata, which the UI plots over runs (asset -> Checks -> the check -> Plots).
"""

from typing import Any

import dagster as dg
import pandas as pd

from pipeline.contract.tables import ALL_TABLES
from pipeline.contract.vocabularies import PageStatus
from pipeline.defs.resources import PipelineConfig
from pipeline.publish.validation import validate

SHOWN_FAILURES = 10


def _markdown_cases(cases: pd.DataFrame) -> str:
    if cases.empty:
        return "none"
    shown = cases.head(SHOWN_FAILURES)
    lines = ["| column | check | failing value | row |", "|---|---|---|---|"]
    for row in shown.itertuples(index=False):
        value = str(row.failure_case).replace("|", "\\|").replace("\n", " ")[:80]
        lines.append(f"| {row.column} | {row.check} | {value} | {row.index} |")
    if len(cases) > len(shown):
        lines.append(f"\n{len(cases) - len(shown)} more")
    return "\n".join(lines)


def _contract_check(table: str) -> dg.AssetChecksDefinition:
    spec = ALL_TABLES[table]

    @dg.asset_check(
        asset=table,
        name="matches_contract",
        blocking=True,
        description=(
            f"Blocking: {table} fits its pandera schema (contract columns and types, key"
            " unique, vocabularies, bounds in order, ...); a failure stops publishing."
        ),
    )
    def _check(frame: pd.DataFrame) -> dg.AssetCheckResult:
        result = validate(frame, spec)
        return dg.AssetCheckResult(
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows": len(frame),
                "failed_checks": len(result.problems),
                "problems": dg.MetadataValue.md(
                    "\n".join(f"- {p}" for p in result.problems) or "none"
                ),
                "failure_cases": dg.MetadataValue.md(_markdown_cases(result.failure_cases)),
            },
        )

    return _check


def previous_metadata(
    instance: dg.DagsterInstance, key: dg.AssetKey, run_id: str
) -> dict[str, Any] | None:
    """Metadata values of the latest materialization of ``key`` by another run, if any."""
    records = instance.fetch_materializations(key, limit=5).records
    for record in records:
        if record.run_id != run_id and record.asset_materialization is not None:
            return {k: v.value for k, v in record.asset_materialization.metadata.items()}
    return None


def row_drop(previous: int | None, current: int) -> float:
    """Share of rows lost since the previous run (0 when it grew or there was none)."""
    if not previous:
        return 0.0
    return max(0.0, (previous - current) / previous)


def _row_count_check(table: str) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(table)

    @dg.asset_check(
        asset=table,
        name="row_count_drift",
        blocking=False,
        description=(
            f"Warns when {table} lost more than PipelineConfig.max_row_drop of its rows"
            " since the previous run."
        ),
    )
    def _check(
        context: dg.AssetCheckExecutionContext, frame: pd.DataFrame, settings: PipelineConfig
    ) -> dg.AssetCheckResult:
        previous = previous_metadata(context.instance, key, context.run.run_id) or {}
        before = previous.get("dagster/row_count")
        drop = row_drop(before, len(frame))
        return dg.AssetCheckResult(
            passed=drop <= settings.max_row_drop,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rows": len(frame),
                "previous_rows": int(before) if before is not None else -1,
                "row_drop_share": round(drop, 4),
                "max_row_drop": settings.max_row_drop,
            },
        )

    return _check


def mapped_share(frame: pd.DataFrame) -> float:
    """Share of side-effect mentions mapped to an HPO term."""
    return float(frame["effect_id"].str.startswith("HP:").mean()) if len(frame) else 0.0


@dg.asset_check(
    asset="side_effect_mentions",
    name="mapped_share_drift",
    blocking=False,
    description=(
        "Warns when the share of mentions mapped to HPO fell by more than"
        " PipelineConfig.max_mapped_share_drop since the previous run."
    ),
)
def mapped_share_drift(
    context: dg.AssetCheckExecutionContext, frame: pd.DataFrame, settings: PipelineConfig
) -> dg.AssetCheckResult:
    previous = previous_metadata(
        context.instance, dg.AssetKey("side_effect_mentions"), context.run.run_id
    )
    share = mapped_share(frame)
    before = (previous or {}).get("mapped_share_hpo")
    fall = max(0.0, float(before) - share) if before is not None else 0.0
    return dg.AssetCheckResult(
        passed=fall <= settings.max_mapped_share_drop,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "mapped_share_hpo": round(share, 4),
            "previous_mapped_share_hpo": round(float(before), 4) if before is not None else -1.0,
            "mapped_share_fall": round(fall, 4),
        },
    )


def problem_counts(frame: pd.DataFrame) -> dict[str, int]:
    status = frame["status"].value_counts()
    return {
        "pages": len(frame),
        "quarantined": int(status.get(PageStatus.QUARANTINED, 0)),
        "failed": int(status.get(PageStatus.FAILED, 0)),
    }


@dg.asset_check(
    asset="pages",
    name="page_problems_drift",
    blocking=False,
    description=(
        "Warns when the share of pages quarantined or failed rose by more than"
        " PipelineConfig.max_problem_share_rise since the previous run (see page_problems)."
    ),
)
def page_problems_drift(
    context: dg.AssetCheckExecutionContext, frame: pd.DataFrame, settings: PipelineConfig
) -> dg.AssetCheckResult:
    counts = problem_counts(frame)
    share = (counts["quarantined"] + counts["failed"]) / counts["pages"] if len(frame) else 0.0
    previous = previous_metadata(context.instance, dg.AssetKey("pages"), context.run.run_id)
    before = (previous or {}).get("problem_share")
    rise = max(0.0, share - float(before)) if before is not None else 0.0
    return dg.AssetCheckResult(
        passed=rise <= settings.max_problem_share_rise,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **counts,
            "problem_share": round(share, 4),
            "previous_problem_share": round(float(before), 4) if before is not None else -1.0,
            "problem_share_rise": round(rise, 4),
        },
    )


CONTRACT_CHECKS = [_contract_check(table) for table in sorted(ALL_TABLES)]
ROW_COUNT_CHECKS = [_row_count_check(table) for table in sorted(ALL_TABLES)]
