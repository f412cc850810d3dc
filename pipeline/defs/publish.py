"""Publish: every table of a run switched in at once under outputs/ (see ``publish.release``).

One asset per published file (key ``published/<table>``) so the UI shows
lineage down to the files; all are written by one step, after the blocking
checks of every table have passed.  The step is thin: it converts the tables
and calls ``publish_run``, which writes a fresh run directory, flushes it and
switches ``outputs/current`` to it with one rename, under a lock.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipeline.contract.tables import ALL_TABLES
from pipeline.defs.assets import PUBLISH
from pipeline.defs.resources import PipelineConfig
from pipeline.publish.manifest import page_counts, run_manifest
from pipeline.publish.release import publish_run, utc_now
from pipeline.publish.writer import markdown_preview, to_arrow
from pipeline.vocabulary.lexicon import Lexicon

PUBLISHED = sorted(ALL_TABLES)


def published_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["published", table])


def _run_started_at(context: dg.AssetExecutionContext) -> str:
    record = context.instance.get_run_record_by_id(context.run.run_id)
    start = record.start_time if record else None
    if start is None:
        return utc_now()
    when = datetime.fromtimestamp(start, UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dg.multi_asset(
    name="publish_tables",
    group_name=PUBLISH,
    ins={table: dg.AssetIn(key=table) for table in PUBLISHED}
    | {"hpo_lexicon": dg.AssetIn(key="hpo_lexicon")},
    specs=[
        dg.AssetSpec(
            published_key(table),
            deps=[table, "hpo_lexicon"],
            description=f"outputs/{table}.parquet and outputs/csv/{table}.csv: {ALL_TABLES[table].description}",
            kinds={"parquet", "csv"},
            group_name=PUBLISH,
        )
        for table in PUBLISHED
    ],
)
def publish_tables(
    context: dg.AssetExecutionContext,
    settings: PipelineConfig,
    hpo_lexicon: Lexicon,
    **tables: pd.DataFrame,
):
    """Publish every table of this run at once (all-or-nothing), deterministic, with a manifest."""
    out_dir = settings.output_path
    extra = {"hpo_data_version": hpo_lexicon.data_version, "contract": "output-contract.md"}
    pages = to_arrow(tables["pages"], ALL_TABLES["pages"], extra)
    manifest = run_manifest(
        run_id=context.run.run_id,
        started_at=_run_started_at(context),
        raw_dir=settings.raw_path,
        pages=page_counts(pages),
        hpo_data_version=hpo_lexicon.data_version,
    )
    previews: dict[str, str] = {}

    def arrow_tables() -> Iterator[tuple[str, pa.Table]]:
        # One table converted at a time: the run's frames are in memory already.
        for table in PUBLISHED:
            arrow = pages if table == "pages" else to_arrow(tables[table], ALL_TABLES[table], extra)
            previews[table] = markdown_preview(arrow)
            yield table, arrow

    run = publish_run(
        arrow_tables(),
        out_dir,
        manifest,
        lock_timeout=settings.publish_lock_timeout,
        log=context.log.info,
        warn=context.log.warning,
    )
    for table in PUBLISHED:
        files = run.tables[table]
        parquet, csv = run.reader_paths(table)
        yield dg.MaterializeResult(
            asset_key=published_key(table),
            metadata={
                "dagster/row_count": files.rows,
                "parquet": dg.MetadataValue.path(str(parquet)),
                "csv": dg.MetadataValue.path(str(csv)),
                "sha256": files.parquet_sha256,
                "run_dir": dg.MetadataValue.path(str(run.run_dir)),
                "preview": dg.MetadataValue.md(previews[table]),
            },
        )
