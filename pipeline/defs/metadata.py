"""Metadata shared by the table assets.

Declared on the definitions (shown before anything is materialized): the column schema
with each column's description from the contract, kinds, tags and owners. Per run: row
count, the column schema again, a preview.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandas as pd

from pipeline.contract.tables import TableSpec
from pipeline.publish.writer import markdown_preview, to_arrow

OWNERS = ["team:data-engineering"]


def column_schema(spec: TableSpec) -> dg.TableSchema:
    """The contract's columns, Arrow types, nullability and descriptions, for the UI."""
    descriptions = spec.column_descriptions
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=f.name,
                type=str(f.type),
                description=descriptions[f.name] or None,
                constraints=dg.TableColumnConstraints(
                    nullable=f.nullable, unique=spec.key == (f.name,)
                ),
            )
            for f in spec.schema
        ]
    )


def definition_metadata(spec: TableSpec) -> dict[str, Any]:
    return {
        "dagster/column_schema": column_schema(spec),
        "key": ", ".join(spec.key),
        "contract": "output-contract.md",
    }


def table_asset(spec: TableSpec, stage: str) -> dict[str, Any]:
    """Keyword arguments of a table asset's definition (``@asset`` or ``AssetOut``)."""
    return {
        "description": spec.description,
        "metadata": definition_metadata(spec),
        "kinds": {"pandas"},
        "owners": OWNERS,
        "tags": {"stage": stage, "table": "published"},
    }


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
