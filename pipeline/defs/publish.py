"""Publish: every table written as outputs/<table>.parquet and outputs/csv/<table>.csv.

One asset per published file (key ``published/<table>``) so the UI shows
lineage down to the files; all are written by one step, after the blocking
checks of every table have passed.
"""

import dagster as dg
import pandas as pd

from pipeline.contract.tables import ALL_TABLES
from pipeline.defs.assets import PUBLISH
from pipeline.defs.resources import PipelineConfig
from pipeline.publish.writer import markdown_preview, to_arrow, write_table
from pipeline.vocabulary.lexicon import Lexicon

PUBLISHED = sorted(ALL_TABLES)


def published_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["published", table])


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
    """Write each table atomically (temp file + rename) and deterministically (sorted by key)."""
    out_dir = settings.output_path
    extra = {"hpo_data_version": hpo_lexicon.data_version, "contract": "output-contract.md"}
    for table in PUBLISHED:
        spec = ALL_TABLES[table]
        arrow = to_arrow(tables[table], spec, extra)
        written = write_table(arrow, table, out_dir)
        context.log.info(f"wrote {written.parquet_path} ({written.rows} rows)")
        yield dg.MaterializeResult(
            asset_key=published_key(table),
            metadata={
                "dagster/row_count": written.rows,
                "parquet": dg.MetadataValue.path(str(written.parquet_path)),
                "csv": dg.MetadataValue.path(str(written.csv_path)),
                "sha256": written.parquet_sha256,
                "preview": dg.MetadataValue.md(markdown_preview(arrow)),
            },
        )
