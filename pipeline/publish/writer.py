"""Write tables as Parquet (zstd) and CSV, atomically and deterministically.

Atomic: each file is written to a temporary name in the same directory and
moved into place with ``os.replace``, so a run that dies mid-write leaves the
previous file whole.  Deterministic: rows sorted by the table key, no
timestamps or library-version-dependent pandas metadata in the files.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.contract.tables import TableSpec


@dataclass(frozen=True)
class WrittenTable:
    name: str
    parquet_path: Path
    csv_path: Path
    rows: int
    parquet_sha256: str


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


@contextmanager
def _atomic_path(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600; published files are for everyone who can read the folder.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def csv_text(table: pa.Table) -> str:
    """CSV with list columns as JSON arrays, floats in shortest round-trip form."""
    lines = [",".join(_csv_cell(n) for n in table.column_names)]
    columns = [
        [_csv_cell(_csv_value(v)) for v in table.column(i).to_pylist()]
        for i in range(table.num_columns)
    ]
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


_NEEDS_QUOTES = re.compile(r'[,"\n\r]|^\s|\s$')


def _csv_cell(text: str) -> str:
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_table(table: pa.Table, name: str, out_dir: Path) -> WrittenTable:
    parquet_path = out_dir / f"{name}.parquet"
    csv_path = out_dir / "csv" / f"{name}.csv"
    with _atomic_path(parquet_path) as tmp:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    with _atomic_path(csv_path) as tmp:
        tmp.write_text(csv_text(table), encoding="utf-8")
    digest = hashlib.sha256(parquet_path.read_bytes()).hexdigest()
    return WrittenTable(name, parquet_path, csv_path, table.num_rows, digest)


def markdown_preview(table: pa.Table, rows: int = 5) -> str:
    """A short markdown table for the Dagster UI."""
    head = table.slice(0, rows).to_pylist()
    columns = table.column_names
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in head:
        cells = [_csv_value(record[c]).replace("|", "\\|")[:60] for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
