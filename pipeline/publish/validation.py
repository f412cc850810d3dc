"""Pandera schemas of the published tables, built from the contract.

Each table's schema is made from ``contract.tables`` (columns, Arrow types, nullability,
key, column descriptions) and ``contract.vocabularies`` (closed value sets), plus the
rules a reader relies on that no type expresses: bounds in order, every ok page has a
drug, every merged row has sources, no effect named after a frequency label. The
column descriptions double as the data dictionary (``schema.columns[c].description``).

Frames are validated as published: first conformed to the Arrow schema (``to_arrow``),
so a column that cannot be cast is reported as such and the dtypes checked are the
ones analysts load.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow

from pipeline.contract.ids import is_effect_id
from pipeline.contract.tables import ALL_TABLES, TableSpec
from pipeline.contract.vocabularies import BANDS, VOCABULARIES, PageStatus
from pipeline.publish.writer import to_arrow

# Words that name a frequency, never an effect: an effect called "common" or "rare" is a
# heading or a band word read as a side effect.
FREQUENCY_LABELS = frozenset(
    {"common", "less common", "uncommon", "rare", "very rare", "very common", "frequent",
     "infrequent", "more common", "most common", "note", "notes", "incidence not known",
     "frequency not known", "not known", "unknown", "other", "others", "side effects"}
    | {band.replace("_", " ") for band in BANDS}
)  # fmt: skip

MERGED_TABLES = ("drugs", "side_effects", "drug_indications", "dose_limits")
# Pairs of columns whose first must not exceed the second, where both are stated.
ORDERED_BOUNDS = (
    ("freq_min_pct", "freq_max_pct"),
    ("dose_min", "dose_max"),
    ("crcl_min_ml_min", "crcl_max_ml_min"),
    ("age_min_years", "age_max_years"),
    ("weight_min_kg", "weight_max_kg"),
)


def _dtype(field: arrow.Field) -> str | None:
    """The pandas dtype a published column loads as; None where pandas says only 'object'.

    A nullable integer or boolean column loads as float or object once it holds a null, so
    only its Arrow cast (``to_arrow``) checks its type.
    """
    if arrow.types.is_floating(field.type):
        return "float64"
    if arrow.types.is_int32(field.type) and not field.nullable:
        return "int32"
    if arrow.types.is_boolean(field.type) and not field.nullable:
        return "bool"
    return None


def _element_type(dtype: arrow.DataType) -> pa.Check | None:
    if arrow.types.is_string(dtype):
        return pa.Check(lambda v: isinstance(v, str), element_wise=True, name="is a string")
    if arrow.types.is_list(dtype):
        return pa.Check(
            lambda v: isinstance(v, list | np.ndarray), element_wise=True, name="is a list"
        )
    return None


def _ordered(low: str, high: str) -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series:
        both = frame[low].notna() & frame[high].notna()
        return ~both | (frame[low] <= frame[high])

    return pa.Check(check, name=f"{low} <= {high}")


def _table_checks(spec: TableSpec) -> list[pa.Check]:
    columns = set(spec.columns)
    checks = [_ordered(low, high) for low, high in ORDERED_BOUNDS if {low, high} <= columns]
    if spec.name == "pages":
        checks.append(
            pa.Check(
                lambda f: (f["status"] != PageStatus.OK) | f["drug_id"].notna(),
                name="every ok page has a drug",
            )
        )
    if spec.name in MERGED_TABLES:
        checks.append(
            pa.Check(
                lambda f: (f["n_sources"] >= 1) & (f["page_ids"].map(len) >= 1),
                name="every merged row has sources",
            )
        )
    return checks


def _column_checks(spec: TableSpec, column: str) -> list[pa.Check]:
    checks: list[pa.Check] = []
    element = _element_type(spec.schema.field(column).type)
    if element is not None:
        checks.append(element)
    allowed = VOCABULARIES.get(spec.name, {}).get(column)
    if allowed:
        checks.append(pa.Check.isin(list(allowed), name=f"in the contract's {column} values"))
    if column == "effect_id":
        checks.append(pa.Check(is_effect_id, element_wise=True, name="is an effect id"))
    if column == "effect_name":
        checks.append(
            pa.Check(
                lambda v: v.strip().lower() not in FREQUENCY_LABELS,
                element_wise=True,
                name="not a frequency label",
            )
        )
    if column == "n_sources":
        checks.append(pa.Check.ge(1, name="at least one source"))
    return checks


def pandera_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The table's schema: contract columns, in order, nothing more."""
    descriptions = spec.column_descriptions
    columns = {
        name: pa.Column(
            _dtype(spec.schema.field(name)),
            checks=_column_checks(spec, name),
            nullable=spec.schema.field(name).nullable,
            description=descriptions[name],
            title=name,
        )
        for name in spec.columns
    }
    return pa.DataFrameSchema(
        columns,
        checks=_table_checks(spec),
        unique=list(spec.key),
        report_duplicates="all",
        strict=True,
        ordered=True,
        name=spec.name,
        description=spec.description,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {name: pandera_schema(s) for name, s in ALL_TABLES.items()}


@dataclass(frozen=True)
class Validation:
    """What validation found: one line per failed check, and the failing rows' examples."""

    problems: list[str]
    failure_cases: pd.DataFrame

    @property
    def passed(self) -> bool:
        return not self.problems


def validate(frame: pd.DataFrame, spec: TableSpec) -> Validation:
    """Validate ``frame`` as it would be published (pure: no Dagster, for tests)."""
    try:
        conformed = to_arrow(frame, spec).to_pandas()
    except Exception as exc:  # a column missing or of a type that cannot be cast
        message = f"does not fit the contract schema: {' '.join(str(exc).split())[:300]}"
        return Validation([message], pd.DataFrame())
    try:
        SCHEMAS[spec.name].validate(conformed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.copy()
        key = f"key ({', '.join(spec.key)}) unique"
        cases["check"] = cases["check"].astype(str).replace("multiple_fields_uniqueness", key)
        return Validation(_summarize(cases), cases)
    return Validation([], pd.DataFrame())


def _summarize(cases: pd.DataFrame) -> list[str]:
    """One line per failed check: how many rows, and a few failing values."""
    problems = []
    for check, group in cases.groupby(cases["check"].astype(str), sort=True):
        columns = sorted(group["column"].dropna().astype(str).unique())
        rows = group["index"].nunique() if group["index"].notna().any() else len(group)
        where = columns[0] if len(columns) == 1 else "rows"
        line = f"{where}: {check}: {rows} failing"
        if len(columns) <= 1:
            examples = sorted({str(v)[:60] for v in group["failure_case"].head(50)})[:3]
            line += f" (e.g. {', '.join(examples)})"
        problems.append(line)
    return problems
