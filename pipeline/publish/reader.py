"""Reading published tables back: one run's tables, or one line saying why not."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.publish.release import published_root


class TablesUnavailable(Exception):
    """Published tables are missing or unreadable; the message is one line."""


def load_published(out_dir: Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The named tables of the run readers see (``current`` resolved once).

    Raises ``TablesUnavailable`` naming the missing tables, or the first
    unreadable one, instead of a traceback from deep inside pyarrow.
    """
    if not out_dir.is_dir():
        raise TablesUnavailable(f"no published tables in {out_dir}: run `pipeline run` first")
    root = published_root(out_dir)
    names = list(names)
    missing = [n for n in names if not (root / f"{n}.parquet").is_file()]
    if len(missing) == len(names):
        raise TablesUnavailable(f"no published tables in {out_dir}: run `pipeline run` first")
    if missing:
        raise TablesUnavailable(
            f"published tables missing in {out_dir}: {', '.join(missing)}; run `pipeline run` again"
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        try:
            tables[name] = pd.read_parquet(root / f"{name}.parquet")
        except Exception as exc:  # pyarrow raises many kinds for a damaged file
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise TablesUnavailable(
                f"published table {out_dir / (name + '.parquet')} cannot be read: {reason}"
            ) from None
    return tables
