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

    @property
    def failed(self) -> list[tuple[str, str]]:
        """(page_id, error) of every failed page, in page order."""
        return sorted(pair for shard in self.shards for pair in shard.failed)

    @property
    def read(self) -> int:
        return sum(shard.read for shard in self.shards)
