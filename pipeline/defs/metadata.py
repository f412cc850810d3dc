"""Materialization metadata shared by the table assets: row count, schema, preview."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandas as pd

from pipeline.contract.tables import TableSpec
from pipeline.publish.writer import markdown_preview, to_arrow


def column_schema(spec: TableSpec) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=f.name,
                type=str(f.type),
                constraints=dg.TableColumnConstraints(
                    nullable=f.nullable, unique=spec.key == (f.name,)
                ),
            )
            for f in spec.schema
        ]
    )


def table_metadata(
    frame: pd.DataFrame, spec: TableSpec, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    table = to_arrow(frame.head(5), spec)  # the preview only; the check validates all rows
    metadata: dict[str, Any] = {
        "dagster/row_count": len(frame),
        "dagster/column_schema": column_schema(spec),
        "preview": dg.MetadataValue.md(markdown_preview(table)),
    }
    metadata.update(extra or {})
    return metadata
