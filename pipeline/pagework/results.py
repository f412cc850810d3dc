"""The value of ``page_extractions``: where every shard's per-page tables are."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.pagework.shards import ShardResult


@dataclass(frozen=True)
class PageResults:
    shards: tuple[ShardResult, ...]

    @property
    def locations(self) -> list[str]:
        return [shard.location for shard in self.shards]

    @property
    def pages(self) -> int:
        return sum(shard.pages for shard in self.shards)

    @property
    def extracted(self) -> int:
        return sum(shard.extracted for shard in self.shards)

    @property
    def reused(self) -> int:
        return sum(shard.reused for shard in self.shards)
