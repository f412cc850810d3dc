"""Reading the curated data files (reviewed words) that sit beside each stage.

In the lowest stage so that every stage reads its CSVs the same way: lines
starting with ``#`` are comments (what a row means), values are stripped,
and a row with too many fields is an error rather than a silent shift.
"""

from __future__ import annotations

import csv
from pathlib import Path


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in reader:
            if None in row:
                raise ValueError(
                    f"{path.name}: too many fields in {row} (quote values with commas)"
                )
            rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows
