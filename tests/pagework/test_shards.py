"""Per-page work by shard: reuse of stored rows, invalidation by code version, removal, sharding."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from upath import UPath

from pipeline.extract.page_extraction import extract_page
from pipeline.ingest.pages import Page
from pipeline.pagework import shards as shard_module
from pipeline.pagework.shards import SHARD_TABLES, plan, read_tables, run_shard, shard_of
from pipeline.pagework.version import code_version
from pipeline.vocabulary.lexicon import Lexicon
from tests.conftest import DEV


class CountingExtract:
    """The real extractor, counting the pages it is called on."""

    def __init__(self) -> None:
        self.pages: list[str] = []

    def __call__(self, page: Page, lexicon: Lexicon):
        self.pages.append(page.page_id)
        return extract_page(page, lexicon)


def _corpus(target: Path, names: list[str]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(DEV / name, target / name)
    return target


NAMES = [
    "gabapentin.default.md",
    "gabapentin.minimal-medicine.md",
    "warfarin.default.md",
    "warfarin.minimal-medicine.md",
    "empty.default.md",
]


def _run(raw: Path, store: Path, lexicon: Lexicon, version: str = "v1", shards: int = 1):
    counter = CountingExtract()
    page_ids = sorted(p.name for p in raw.glob("*.md"))
    results = [
        run_shard(task, UPath(store), version, lambda: lexicon, extract=counter)
        for task in plan(page_ids, raw, shards)
    ]
    tables = {name: read_tables([r.location for r in results], name) for name in SHARD_TABLES}
    return counter, results, tables


def test_unchanged_pages_are_reused_and_changed_ones_redone(tmp_path: Path, lexicon) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    first, _, full = _run(raw, tmp_path / "store", lexicon)
    assert sorted(first.pages) == sorted(n for n in NAMES if n != "empty.default.md")

    again, results, same = _run(raw, tmp_path / "store", lexicon)
    assert again.pages == [] and sum(r.reused for r in results) == len(NAMES)
    for name in SHARD_TABLES:
        assert same[name].equals(full[name]), name

    page = raw / "warfarin.default.md"
    page.write_text(page.read_text().replace("bleeding", "bruising"))
    changed, results, incremental = _run(raw, tmp_path / "store", lexicon)
    assert changed.pages == ["warfarin.default.md"]
    assert sum(r.reused for r in results) == len(NAMES) - 1
    _, _, scratch = _run(raw, tmp_path / "fresh-store", lexicon)
    for name in SHARD_TABLES:
        assert incremental[name].equals(scratch[name]), name
    assert not incremental["side_effect_mentions"].equals(full["side_effect_mentions"])


def test_a_new_code_version_redoes_every_page(tmp_path: Path, lexicon) -> None:
    raw = _corpus(tmp_path / "raw", NAMES[:2])
    _run(raw, tmp_path / "store", lexicon, version="v1")
    redone, _, _ = _run(raw, tmp_path / "store", lexicon, version="v2")
    assert sorted(redone.pages) == NAMES[:2]


def test_removed_pages_leave_every_table(tmp_path: Path, lexicon) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    _run(raw, tmp_path / "store", lexicon)
    (raw / "gabapentin.minimal-medicine.md").unlink()
    counter, _, tables = _run(raw, tmp_path / "store", lexicon)
    assert counter.pages == []
    for name, frame in tables.items():
        assert "gabapentin.minimal-medicine.md" not in set(frame["page_id"]), name
    assert "gabapentin.default.md" in set(tables["side_effect_mentions"]["page_id"])


def test_shards_split_the_corpus_and_give_the_same_rows(tmp_path: Path, lexicon) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    _, one, single = _run(raw, tmp_path / "one", lexicon, shards=1)
    _, many, split = _run(raw, tmp_path / "many", lexicon, shards=3)
    assert len(one) == 1 and len(many) > 1
    assert sum(r.pages for r in many) == len(NAMES)
    for name in SHARD_TABLES:
        assert split[name].equals(single[name]), name
    assert all(shard_of(p, 3) == shard_of(p, 3) for p in NAMES)


def test_stored_files_are_the_latest_generation_only(tmp_path: Path, lexicon) -> None:
    raw = _corpus(tmp_path / "raw", NAMES[:2])
    for text in ("nausea", "vomiting", "headache"):
        page = raw / NAMES[0]
        page.write_text(page.read_text() + f"\n\n* {text}\n")
        _, results, _ = _run(raw, tmp_path / "store", lexicon)
    home = Path(results[0].location).parent
    generations = [p for p in home.iterdir() if p.is_dir()]
    assert len(generations) == 2  # the current one and the one it replaced
    assert pq.read_table(Path(results[0].location) / "pages.parquet").num_rows == 2


def test_code_version_follows_code_and_data_files(tmp_path: Path) -> None:
    package = tmp_path / "pipeline"
    shutil.copytree(Path(shard_module.__file__).parent.parent, package)
    before = code_version(package=package)
    assert code_version(package=package) == before
    overrides = next(package.glob("vocabulary/data/*.csv"))
    overrides.write_text(overrides.read_text() + "\n")
    after_data = code_version(package=package)
    assert after_data != before
    extractor = package / "extract" / "side_effects.py"
    extractor.write_text(extractor.read_text() + "\n# changed\n")
    assert code_version(package=package) != after_data
    merge = package / "reconcile" / "merge.py"
    merge.write_text(merge.read_text() + "\n# a merge policy is not per-page work\n")
    assert code_version(package=package) == code_version(package=package)
    unchanged = code_version(package=package)
    merge.write_text(merge.read_text() + "\n# again\n")
    assert code_version(package=package) == unchanged
    assert code_version({"max_page_bytes": 1}, package) != unchanged


@pytest.mark.parametrize("shards", [1, 4])
def test_plan_keeps_every_page_once(shards: int, tmp_path: Path) -> None:
    ids = [f"site/{i}.md" for i in range(50)]
    tasks = plan(ids, tmp_path, shards)
    assert sorted(p for t in tasks for p in t.page_ids) == sorted(ids)
    assert all(list(t.page_ids) == sorted(t.page_ids) for t in tasks)
