"""Write tables as Parquet (zstd) and CSV, atomically and deterministically.

Files are written into a run's private directory and flushed; ``release``
switches a whole run in at once, so a run that dies mid-write leaves the
previous files whole.  Deterministic: rows sorted by the table key, no timestamps or
library-version-dependent pandas metadata in the files.  Spreadsheet-safe: a
CSV text cell a spreadsheet would read as a formula gets a leading apostrophe;
the Parquet files keep the exact text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.contract.tables import TableSpec


def to_arrow(
    frame: pd.DataFrame, spec: TableSpec, metadata: dict[str, str] | None = None
) -> pa.Table:
    """Conform a DataFrame to the contract schema, sorted by key."""
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {spec.name!r} lacks contract columns {missing}")
    frame = frame[spec.columns]
    if len(frame):
        frame = frame.sort_values(list(spec.key), kind="stable", na_position="first")
    records = {name: _column(frame[name], spec.schema.field(name).type) for name in spec.columns}
    table = pa.table(records, schema=spec.schema)
    meta = {"table": spec.name, "key": ",".join(spec.key), "description": spec.description}
    meta.update(metadata or {})
    return table.replace_schema_metadata({k: str(v) for k, v in sorted(meta.items())})


def _column(series: pd.Series, dtype: pa.DataType) -> pa.Array | list[Any]:
    if not pa.types.is_list(dtype):
        try:
            # Vectorised: NaN and None become nulls; a type mismatch falls back to the loop.
            return pa.Array.from_pandas(series.to_numpy(dtype=object), type=dtype)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            pass
    values = series.tolist()
    out: list[Any] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out.append(None)
        elif pa.types.is_list(dtype):
            out.append(
                [
                    None
                    if v is None
                    else (float(v) if pa.types.is_floating(dtype.value_type) else str(v))
                    for v in value
                ]
            )
        elif pa.types.is_floating(dtype):
            out.append(float(value))
        elif pa.types.is_integer(dtype):
            out.append(int(value))
        elif pa.types.is_boolean(dtype):
            out.append(bool(value))
        else:
            out.append(str(value))
    return out


def csv_text(table: pa.Table) -> str:
    """CSV with list columns as JSON arrays, floats in shortest round-trip form.

    Text cells (string columns only: a negative number stays a number) that a
    spreadsheet would run as a formula are neutralised, see ``spreadsheet_safe``.
    """
    lines = [",".join(_csv_cell(n) for n in table.column_names)]
    columns = []
    for i in range(table.num_columns):
        text_column = pa.types.is_string(table.schema.field(i).type) or pa.types.is_large_string(
            table.schema.field(i).type
        )
        values = [_csv_value(v) for v in table.column(i).to_pylist()]
        if text_column:
            values = [spreadsheet_safe(v) for v in values]
        columns.append([_csv_cell(v) for v in values])
    lines.extend(",".join(row) for row in zip(*columns, strict=True))
    return "\n".join(lines) + "\n"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# OWASP "CSV injection": a cell starting with one of these is a formula (or becomes one
# once a spreadsheet strips the tab or carriage return) in Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Prefix a leading apostrophe to a text cell a spreadsheet would evaluate.

    List cells are JSON arrays (they start with ``[``) and empty cells are nulls, so
    neither is touched; the apostrophe shows in a spreadsheet as a plain-text marker.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_NEEDS_QUOTES = re.compile(r'[,"\n\r]|^\s|\s$')


def _csv_cell(text: str) -> str:
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def markdown_preview(table: pa.Table, rows: int = 5) -> str:
    """A short markdown table for the Dagster UI."""
    head = table.slice(0, rows).to_pylist()
    columns = table.column_names
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in head:
        cells = [_csv_value(record[c]).replace("|", "\\|")[:60] for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fsync_file(path: Path) -> None:
    """Flush a written file to disk, so a switched-in run survives a power cut."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class TableFiles:
    """One table as written into a run directory, with the digests a manifest records."""

    name: str
    rows: int
    parquet: str  # path relative to the run directory
    csv: str
    parquet_sha256: str
    csv_sha256: str


def write_table_files(
    table: pa.Table, name: str, run_dir: Path, previous: TableFiles | None = None
) -> TableFiles:
    """Write ``<name>.parquet`` and ``csv/<name>.csv`` into a private run directory, flushed.

    No temporary names: nobody reads a run directory before it is complete and
    switched in, and an unfinished one is removed by the next run.

    ``previous``: the same table in the run published before, its paths absolute. When
    the new Parquet file has its bytes (the same rows, types and metadata), its CSV is
    hard-linked (or copied) from there instead of being rendered again, once its bytes
    are checked against the digest that run recorded; rendering CSV cell by cell was
    most of the cost of publishing, and a run after a few changed pages leaves most
    tables as they were.
    """
    parquet_rel, csv_rel = f"{name}.parquet", f"csv/{name}.csv"
    (run_dir / "csv").mkdir(parents=True, exist_ok=True)
    pq.write_table(table, run_dir / parquet_rel, compression="zstd", write_statistics=True)
    fsync_file(run_dir / parquet_rel)
    parquet_sha = sha256_file(run_dir / parquet_rel)
    if previous is not None and previous.parquet_sha256 == parquet_sha:
        csv_sha = _reuse(Path(previous.csv), previous.csv_sha256, run_dir / csv_rel)
        if csv_sha is not None:
            return TableFiles(name, table.num_rows, parquet_rel, csv_rel, parquet_sha, csv_sha)
    with open(run_dir / csv_rel, "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(table))
        handle.flush()
        os.fsync(handle.fileno())
    return TableFiles(
        name, table.num_rows, parquet_rel, csv_rel, parquet_sha, sha256_file(run_dir / csv_rel)
    )


def _reuse(source: Path, digest: str, target: Path) -> str | None:
    """Link (or copy) a previous run's file whose bytes still have ``digest``; None if not."""
    try:
        if sha256_file(source) != digest:
            return None
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
            fsync_file(target)
        return digest
    except OSError:
        with contextlib.suppress(OSError):
            target.unlink()
        return None
