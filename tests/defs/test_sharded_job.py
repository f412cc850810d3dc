"""The whole job by shard: multiprocess executor, reuse across runs, byte-identical outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.extract.page_extraction import extract_page_safely
from pipeline.pagework import shards as shard_module
from pipeline.runner import run_pipeline
from tests.conftest import DEV

PAGES = [
    "amoxicillin.default.md",
    "amoxicillin.minimal-medicine.md",
    "lisinopril.default.md",
    "lisinopril.minimal-medicine.md",
    "sertraline.default.md",
    "broken-frontmatter.minimal-medicine.md",
]


def _corpus(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PAGES:
        shutil.copy(DEV / name, target / name)
    return target


def _files(out: Path) -> dict[str, bytes]:
    """The published tables (not the run's manifest or run folders, which name the run)."""
    out = out / "current"
    paths = sorted(out.glob("*.parquet")) + sorted(out.glob("csv/*.csv"))
    assert paths, f"no tables under {out}"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pages the extractor runs on, in this process (the in-process executor)."""
    calls: list[str] = []

    def counting(page, lexicon, conditions):
        calls.append(page.page_id)
        return extract_page_safely(page, lexicon, conditions)

    monkeypatch.setattr(shard_module, "extract_page_safely", counting)
    return calls


def test_multiprocess_run_matches_in_process(tmp_path: Path) -> None:
    raw = _corpus(tmp_path / "raw")
    many = run_pipeline(
        raw, tmp_path / "mp", cache_dir=tmp_path / "mp-cache", executor="multiprocess"
    )
    one = run_pipeline(raw, tmp_path / "ip", cache_dir=tmp_path / "ip-cache", executor="in_process")
    assert many.success and one.success
    assert (many.pages_ok, many.pages_quarantined) == (5, 1)
    assert _files(tmp_path / "mp") == _files(tmp_path / "ip")
    shard_dirs = list((tmp_path / "mp-cache" / "pages").glob("*/n*/s*"))
    assert len(shard_dirs) > 1


def test_a_changed_page_is_the_only_one_extracted_again(tmp_path: Path, counted) -> None:
    raw = _corpus(tmp_path / "raw")
    cache = tmp_path / "cache"
    assert run_pipeline(raw, tmp_path / "first", cache_dir=cache, executor="in_process").success
    assert sorted(counted) == sorted(p for p in PAGES if not p.startswith("broken"))

    counted.clear()
    changed = raw / "lisinopril.default.md"
    changed.write_text(changed.read_text() + "\n**Side Effects:** Some people get hiccups.\n")
    (raw / "sertraline.default.md").unlink()
    assert run_pipeline(raw, tmp_path / "again", cache_dir=cache, executor="in_process").success
    assert counted == ["lisinopril.default.md"]

    scratch = run_pipeline(
        raw, tmp_path / "scratch", cache_dir=tmp_path / "c2", executor="in_process"
    )
    assert scratch.success
    assert _files(tmp_path / "again") == _files(tmp_path / "scratch")
    assert _files(tmp_path / "again") != _files(tmp_path / "first")
    assert b"sertraline.default.md" not in b"".join(_files(tmp_path / "again").values())


def test_a_new_code_version_redoes_every_page_with_the_same_outputs(
    tmp_path: Path, counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.defs import assets

    raw = _corpus(tmp_path / "raw")
    cache = tmp_path / "cache"
    assert run_pipeline(raw, tmp_path / "first", cache_dir=cache, executor="in_process").success
    counted.clear()
    monkeypatch.setattr(assets, "page_code_version", lambda settings: "another-version")
    assert run_pipeline(raw, tmp_path / "again", cache_dir=cache, executor="in_process").success
    assert sorted(counted) == sorted(p for p in PAGES if not p.startswith("broken"))
    assert _files(tmp_path / "again") == _files(tmp_path / "first")


def test_auto_executor_is_chosen_on_pages_to_extract(tmp_path: Path) -> None:
    from pipeline.defs.execution import execution_config, pages_to_extract
    from pipeline.defs.resources import PipelineConfig

    raw = _corpus(tmp_path / "raw")
    settings = PipelineConfig(raw_dir=str(raw), output_dir=str(tmp_path / "out"))
    assert pages_to_extract(settings) == len(PAGES)
    assert "multiprocess" in str(execution_config(pages_to_extract(settings), min_pages=3))
    assert run_pipeline(raw, tmp_path / "out", executor="in_process").success
    # Every page stored (the quarantined one too: its bytes give the same verdict).
    assert pages_to_extract(settings) == 0
    changed = raw / "lisinopril.default.md"
    changed.write_text(changed.read_text() + "\nOne more line.\n")
    assert pages_to_extract(settings) == 1
    assert "in_process" in str(execution_config(pages_to_extract(settings), min_pages=3))
