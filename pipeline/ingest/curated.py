"""Reading the curated data files (reviewed words) that sit beside each stage.

In the lowest stage so that every stage reads its CSVs the same way: lines
starting with ``#`` are comments (what a row means), values are stripped,
and a row with too many fields is an error rather than a silent shift.
"""

from __future__ import annotations

import csv
from functools import cache
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


@cache
def curated_column(path: Path, column: str) -> tuple[str, ...]:
    """One column of a curated file, in file order, read once per process.

    Order is kept because some lists are tried in order (spelling stems,
    alternatives of a pattern); duplicates are kept for the same reason.
    """
    return tuple(row[column] for row in read_csv_rows(path))


@cache
def curated_pairs(path: Path, key: str, value: str) -> tuple[tuple[str, str], ...]:
    """Two columns of a curated file as (key, value) pairs, in file order, read once."""
    return tuple((row[key], row[value]) for row in read_csv_rows(path))


def alternation(patterns: tuple[str, ...] | list[str]) -> str:
    """Curated word patterns -> one regex alternation, in file order (``a|b|c``)."""
    return "|".join(patterns)
