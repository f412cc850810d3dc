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
from pipeline.pagework.results import PageResults
from pipeline.pagework.shards import (
    SHARD_TABLES,
    listing,
    pending_pages,
    plan,
    run_shard,
    shard_of,
)
from pipeline.pagework.version import code_version
from pipeline.vocabulary.conditions import ConditionVocabulary
from pipeline.vocabulary.lexicon import Lexicon
from tests.conftest import DEV


class CountingExtract:
    """The real extractor, counting the pages it is called on."""

    def __init__(self) -> None:
        self.pages: list[str] = []

    def __call__(self, page: Page, lexicon: Lexicon, conditions: ConditionVocabulary):
        self.pages.append(page.page_id)
        return extract_page(page, lexicon, conditions)


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


@pytest.fixture
def vocabularies(lexicon: Lexicon, conditions: ConditionVocabulary):
    return lambda: (lexicon, conditions)


def _run(raw: Path, store: Path, vocabularies, version: str = "v1", shards: int = 1):
    counter = CountingExtract()
    results = [
        run_shard(task, UPath(store), version, vocabularies, extract=counter)
        for task in plan(listing(raw, shards), raw, shards)
    ]
    combined = PageResults.combine(results)
    tables = {name: combined.frame(name) for name in SHARD_TABLES}
    return counter, results, tables


def test_unchanged_pages_are_reused_and_changed_ones_redone(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    first, _, full = _run(raw, tmp_path / "store", vocabularies)
    assert sorted(first.pages) == sorted(n for n in NAMES if n != "empty.default.md")

    again, results, same = _run(raw, tmp_path / "store", vocabularies)
    assert again.pages == [] and sum(r.reused for r in results) == len(NAMES)
    for name in SHARD_TABLES:
        assert same[name].equals(full[name]), name

    page = raw / "warfarin.default.md"
    page.write_text(page.read_text().replace("bleeding", "bruising"))
    changed, results, incremental = _run(raw, tmp_path / "store", vocabularies)
    assert changed.pages == ["warfarin.default.md"]
    assert sum(r.reused for r in results) == len(NAMES) - 1
    _, _, scratch = _run(raw, tmp_path / "fresh-store", vocabularies)
    for name in SHARD_TABLES:
        assert incremental[name].equals(scratch[name]), name
    assert not incremental["side_effect_mentions"].equals(full["side_effect_mentions"])


def test_a_new_code_version_redoes_every_page(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES[:2])
    _run(raw, tmp_path / "store", vocabularies, version="v1")
    redone, _, _ = _run(raw, tmp_path / "store", vocabularies, version="v2")
    assert sorted(redone.pages) == NAMES[:2]


def test_removed_pages_leave_every_table(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    _run(raw, tmp_path / "store", vocabularies)
    (raw / "gabapentin.minimal-medicine.md").unlink()
    counter, _, tables = _run(raw, tmp_path / "store", vocabularies)
    assert counter.pages == []
    for name, frame in tables.items():
        assert "gabapentin.minimal-medicine.md" not in set(frame["page_id"]), name
    assert "gabapentin.default.md" in set(tables["side_effect_mentions"]["page_id"])


def test_shards_split_the_corpus_and_give_the_same_rows(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    _, one, single = _run(raw, tmp_path / "one", vocabularies, shards=1)
    _, many, split = _run(raw, tmp_path / "many", vocabularies, shards=3)
    assert len(one) == 1 and len(many) > 1
    assert sum(r.pages for r in many) == len(NAMES)
    for name in SHARD_TABLES:
        assert split[name].equals(single[name]), name
    assert all(shard_of(p, 3) == shard_of(p, 3) for p in NAMES)


def test_stale_generations_are_removed(
    tmp_path: Path, vocabularies, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _corpus(tmp_path / "raw", NAMES[:2])
    for text in ("nausea", "vomiting", "headache"):
        page = raw / NAMES[0]
        page.write_text(page.read_text() + f"\n\n* {text}\n")
        _, results, _ = _run(raw, tmp_path / "store", vocabularies)
    homes = list((tmp_path / "store").glob("v1/n1/s*"))
    assert len(homes) == 1
    generations = [p for p in homes[0].iterdir() if p.is_dir()]
    # Replaced generations stay a while (a concurrent run may read them), then go.
    assert len(generations) == 3 and not list(homes[0].glob(".*partial"))
    latest = homes[0] / (homes[0] / "LATEST").read_text()
    assert pq.read_table(latest / "pages.parquet").num_rows == 2
    monkeypatch.setattr(shard_module, "STALE_SECONDS", -1.0)
    page.write_text(page.read_text() + "\n\n* dizziness\n")
    _run(raw, tmp_path / "store", vocabularies)
    assert len([p for p in homes[0].iterdir() if p.is_dir()]) == 1


def test_a_damaged_store_costs_the_work_not_the_run(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES[:2])
    _, _, full = _run(raw, tmp_path / "store", vocabularies)
    for stored in (tmp_path / "store").rglob("side_effect_mentions.parquet"):
        stored.write_bytes(b"not parquet")
    page = raw / NAMES[1]
    page.write_text(page.read_text() + "\n")  # a new generation, read from the damaged one
    again, results, tables = _run(raw, tmp_path / "store", vocabularies)
    assert sorted(again.pages) == NAMES[:2]
    assert all("page store not read" in r.store_note for r in results)
    assert tables["side_effect_mentions"].equals(full["side_effect_mentions"])


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
    for i in range(50):
        (tmp_path / f"{i}.md").write_text("x")
    tasks = plan(listing(tmp_path, shards), tmp_path, shards)
    ids = [p for t in tasks for p, _ in t.pages]
    assert sorted(ids) == sorted(f"{i}.md" for i in range(50))
    assert all(list(t.pages) == sorted(t.pages) for t in tasks)
    assert len(tasks) == shards


def test_pending_pages_counts_what_the_next_run_extracts(tmp_path: Path, vocabularies) -> None:
    raw = _corpus(tmp_path / "raw", NAMES)
    store = tmp_path / "store"
    assert pending_pages(listing(raw, 2), UPath(store), "v1", 2) == len(NAMES)
    _run(raw, store, vocabularies, shards=2)
    assert pending_pages(listing(raw, 2), UPath(store), "v1", 2) == 0
    changed = raw / "warfarin.default.md"
    changed.write_text(changed.read_text() + "\nOne more line.\n")
    shutil.copy(DEV / "lisinopril.default.md", raw / "lisinopril.default.md")
    (raw / "gabapentin.default.md").unlink()  # a removed page costs nothing
    assert pending_pages(listing(raw, 2), UPath(store), "v1", 2) == 2
    assert pending_pages(listing(raw, 2), UPath(store), "v2", 2) == len(NAMES)
    assert pending_pages(listing(raw, 2), None, "v1", 2) == len(NAMES)
