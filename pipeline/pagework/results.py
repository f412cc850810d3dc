"""The value of ``page_extractions``: every shard's per-page rows, as compact Arrow tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from pipeline.contract.vocabularies import PageStatus
from pipeline.pagework.shards import SHARD_TABLES, ShardResult, in_page_order


@dataclass(frozen=True)
class PageResults:
    """Per-page tables of the whole corpus in page order, and what the shards did."""

    tables: dict[str, pa.Table]
    extracted: int
    reused: int
    # (page_id, error) of every failed page, in page order.
    failed: tuple[tuple[str, str], ...]
    # Pages that were read (ok or failed): the denominator of the failed share.
    read: int

    @classmethod
    def combine(cls, shards: Iterable[ShardResult]) -> PageResults:
        results = sorted(shards, key=lambda r: r.shard)
        tables = {
            name: in_page_order(
                pa.concat_tables([r.tables[name] for r in results])
                if results
                else schema.empty_table()
            )
            for name, schema in SHARD_TABLES.items()
        }
        problems = sorted(p for r in results for p in r.problems)
        quarantined = sum(1 for _, status, _ in problems if status == PageStatus.QUARANTINED)
        return cls(
            tables=tables,
            extracted=sum(r.extracted for r in results),
            reused=sum(r.reused for r in results),
            failed=tuple(
                (pid, err) for pid, status, err in problems if status == PageStatus.FAILED
            ),
            read=tables["pages"].num_rows - quarantined,
        )

    @property
    def pages(self) -> int:
        return self.tables["pages"].num_rows

    def frame(self, name: str) -> pd.DataFrame:
        """One per-page table as pandas, with the dtypes extraction builds it with."""
        # Nullable counts and flags (pages' coverage columns) stay nullable integers and booleans.
        nullable = {pa.int32(): pd.Int32Dtype(), pa.bool_(): pd.BooleanDtype()}
        mapper = nullable.get if name == "pages" else None
        return self.tables[name].to_pandas(types_mapper=mapper)
