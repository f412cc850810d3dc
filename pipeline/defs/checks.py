"""Data-quality checks beside every table asset.

``matches_contract`` (blocking, one per table) validates the table's pandera schema,
built from the contract (``publish/validation.py``): types, nullability, unique keys,
vocabularies, bounds in order, every ok page has a drug, every merged row has sources,
no effect named after a frequency label. A failure stops the run before
``publish_tables``, so analysts never get a file that breaks the contract.

Every check is declared on the asset step that makes its table (``check_specs``) and
runs there, on the frame in memory: no step of its own, no process, no reload.

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
MATCHES_CONTRACT = "matches_contract"
ROW_COUNT_DRIFT = "row_count_drift"


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


def _contract_result(table: str, frame: pd.DataFrame) -> dg.AssetCheckResult:
    result = validate(frame, ALL_TABLES[table])
    return dg.AssetCheckResult(
        asset_key=table,
        check_name=MATCHES_CONTRACT,
        passed=result.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": len(frame),
            "failed_checks": len(result.problems),
            "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in result.problems) or "none"),
            "failure_cases": dg.MetadataValue.md(_markdown_cases(result.failure_cases)),
        },
    )


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


def _row_count_result(
    context: dg.AssetExecutionContext, table: str, frame: pd.DataFrame, settings: PipelineConfig
) -> dg.AssetCheckResult:
    previous = previous_metadata(context.instance, dg.AssetKey(table), context.run.run_id) or {}
    before = previous.get("dagster/row_count")
    drop = row_drop(before, len(frame))
    return dg.AssetCheckResult(
        asset_key=table,
        check_name=ROW_COUNT_DRIFT,
        passed=drop <= settings.max_row_drop,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": len(frame),
            "previous_rows": int(before) if before is not None else -1,
            "row_drop_share": round(drop, 4),
            "max_row_drop": settings.max_row_drop,
        },
    )


def mapped_share(frame: pd.DataFrame) -> float:
    """Share of side-effect mentions mapped to an HPO term."""
    return float(frame["effect_id"].str.startswith("HP:").mean()) if len(frame) else 0.0


def _mapped_share_result(
    context: dg.AssetExecutionContext, frame: pd.DataFrame, settings: PipelineConfig
) -> dg.AssetCheckResult:
    previous = previous_metadata(
        context.instance, dg.AssetKey("side_effect_mentions"), context.run.run_id
    )
    share = mapped_share(frame)
    before = (previous or {}).get("mapped_share_hpo")
    fall = max(0.0, float(before) - share) if before is not None else 0.0
    return dg.AssetCheckResult(
        asset_key="side_effect_mentions",
        check_name="mapped_share_drift",
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


def _page_problems_result(
    context: dg.AssetExecutionContext, frame: pd.DataFrame, settings: PipelineConfig
) -> dg.AssetCheckResult:
    counts = problem_counts(frame)
    share = (counts["quarantined"] + counts["failed"]) / counts["pages"] if len(frame) else 0.0
    previous = previous_metadata(context.instance, dg.AssetKey("pages"), context.run.run_id)
    before = (previous or {}).get("problem_share")
    rise = max(0.0, share - float(before)) if before is not None else 0.0
    return dg.AssetCheckResult(
        asset_key="pages",
        check_name="page_problems_drift",
        passed=rise <= settings.max_problem_share_rise,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **counts,
            "problem_share": round(share, 4),
            "previous_problem_share": round(float(before), 4) if before is not None else -1.0,
            "problem_share_rise": round(rise, 4),
        },
    )


# Checks beyond the two every table has: (asset, name) -> (description, evaluation).
_EXTRA_CHECKS = {
    ("side_effect_mentions", "mapped_share_drift"): (
        "Warns when the share of mentions mapped to HPO fell by more than"
        " PipelineConfig.max_mapped_share_drop since the previous run.",
        _mapped_share_result,
    ),
    ("pages", "page_problems_drift"): (
        "Warns when the share of pages quarantined or failed rose by more than"
        " PipelineConfig.max_problem_share_rise since the previous run (see page_problems).",
        _page_problems_result,
    ),
}


def check_specs(tables: list[str]) -> list[dg.AssetCheckSpec]:
    """The checks of these tables, declared on the asset step that makes them.

    Run inside that step (no step, process or reload of the table of their own), they
    still show in the UI beside their asset, each with its own history and plots.
    """
    specs: list[dg.AssetCheckSpec] = []
    for table in tables:
        specs.append(
            dg.AssetCheckSpec(
                MATCHES_CONTRACT,
                asset=table,
                blocking=True,
                description=(
                    f"Blocking: {table} fits its pandera schema (contract columns and types,"
                    " key unique, vocabularies, bounds in order, ...); a failure stops"
                    " publishing."
                ),
            )
        )
        specs.append(
            dg.AssetCheckSpec(
                ROW_COUNT_DRIFT,
                asset=table,
                blocking=False,
                description=(
                    f"Warns when {table} lost more than PipelineConfig.max_row_drop of its"
                    " rows since the previous run."
                ),
            )
        )
        for (asset, name), (description, _) in sorted(_EXTRA_CHECKS.items()):
            if asset == table:
                specs.append(
                    dg.AssetCheckSpec(name, asset=table, blocking=False, description=description)
                )
    return specs


def check_results(
    context: dg.AssetExecutionContext,
    table: str,
    frame: pd.DataFrame,
    settings: PipelineConfig,
) -> list[dg.AssetCheckResult]:
    """Every check of ``table`` on the frame the step just made (see ``check_specs``)."""
    results = [
        _contract_result(table, frame),
        _row_count_result(context, table, frame, settings),
    ]
    for (asset, _), (_, evaluate) in sorted(_EXTRA_CHECKS.items()):
        if asset == table:
            results.append(evaluate(context, frame, settings))
    return results
