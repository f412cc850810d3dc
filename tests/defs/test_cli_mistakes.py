"""A user's mistake is one line and its own exit code, and never touches published outputs.

Each case runs the ``pipeline`` command (``main(argv)``, or the installed entry
point in a subprocess where permissions matter) next to a good published
directory, and byte-compares that directory afterwards.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.publish import writer
from pipeline.runner import run_pipeline
from tests.conftest import SEEDS
from tests.snapshots import snapshot

PIPELINE = str(Path(sys.executable).with_name("pipeline"))
# Root ignores permission bits; without these capabilities it obeys them like anyone.
NO_OVERRIDE = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


def as_ordinary_user(command: list[str]) -> list[str]:
    return [*NO_OVERRIDE, *command] if os.geteuid() == 0 else command


needs_permissions = pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="root ignores permission bits and setpriv (util-linux) is not installed",
)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("mistakes")
    raw = root / "raw"
    raw.mkdir()
    for page in SEEDS.glob("*.md"):
        shutil.copy(page, raw / page.name)
    cache = root / "cache"
    assert run_pipeline(raw, root / "out", cache_dir=cache).success
    return {"root": root, "raw": raw, "out": root / "out", "cache": cache}


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("make_raw", "message"),
    [
        (lambda root: root / "no-such-dir", "does not exist"),
        (lambda root: _file(root / "a-file.md"), "is not a directory"),
        (lambda root: _dir(root / "empty", {"notes.txt": "not a page"}), "holds no page (*.md)"),
        (lambda root: _broken_link(root / "dangling"), "does not exist (a broken link)"),
    ],
    ids=["missing", "a-file", "no-page", "broken-link"],
)
def test_run_refuses_a_raw_dir_that_is_a_mistake(
    good, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_raw, message: str
) -> None:
    before = snapshot(good["out"], with_dirs=True)
    raw = make_raw(tmp_path)
    code = main(["run", "--raw-dir", str(raw), "--out-dir", str(good["out"])])
    line = one_line(capsys)
    assert code == 3
    assert line.startswith(f"pipeline run: raw directory {raw} ") and message in line
    assert snapshot(good["out"], with_dirs=True) == before


def _file(path: Path) -> Path:
    path.write_text("---\ntitle: X\n---\n")
    return path


def _dir(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def _broken_link(path: Path) -> Path:
    path.symlink_to(path.parent / "gone")
    return path


@needs_permissions
def test_run_refuses_an_unreadable_raw_dir_through_the_entry_point(good, tmp_path: Path) -> None:
    raw = _dir(tmp_path / "locked", {"a.md": "---\ntitle: A\n---\n"})
    raw.chmod(0)
    before = snapshot(good["out"], with_dirs=True)
    try:
        done = subprocess.run(
            as_ordinary_user(
                [PIPELINE, "run", "--raw-dir", str(raw), "--out-dir", str(good["out"])]
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        raw.chmod(0o755)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"pipeline run: raw directory {raw} cannot be read: Permission denied"
    ]
    assert snapshot(good["out"], with_dirs=True) == before


@pytest.mark.parametrize(
    ("make_out", "message"),
    [
        (lambda root: _file(root / "outputs"), "is not a directory"),
        (lambda root: _file(root / "parent") / "outputs", "cannot be created: Not a directory"),
    ],
    ids=["a-file", "parent-a-file"],
)
def test_run_refuses_an_unusable_out_dir_before_any_work(
    good, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_out, message: str
) -> None:
    out = make_out(tmp_path)
    before = snapshot(tmp_path, with_dirs=True)
    code = main(["run", "--raw-dir", str(good["raw"]), "--out-dir", str(out)])
    line = one_line(capsys)
    assert code == 4
    assert line.startswith(f"pipeline run: output directory {out} ") and message in line
    assert snapshot(tmp_path, with_dirs=True) == before


@needs_permissions
def test_run_refuses_an_unwritable_out_dir_through_the_entry_point(good, tmp_path: Path) -> None:
    out = tmp_path / "readonly"
    shutil.copytree(good["out"], out, symlinks=True)
    before = snapshot(out, with_dirs=True)
    out.chmod(0o555)
    try:
        done = subprocess.run(
            as_ordinary_user(
                [PIPELINE, "run", "--raw-dir", str(good["raw"]), "--out-dir", str(out)]
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        out.chmod(0o755)
    assert done.returncode == 4, done.stderr
    assert done.stderr.splitlines() == [
        f"pipeline run: output directory {out} is not writable: Permission denied"
    ]
    assert snapshot(out, with_dirs=True) == before


def test_an_empty_corpus_is_published_only_when_asked_for(
    good, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = _dir(tmp_path / "empty", {})
    out = tmp_path / "out"
    shutil.copytree(good["out"], out, symlinks=True)
    assert main(["run", "--raw-dir", str(empty), "--out-dir", str(out)]) == 3
    capsys.readouterr()
    code = main(["run", "--raw-dir", str(empty), "--out-dir", str(out), "--allow-empty"])
    assert code == 0, capsys.readouterr().err
    assert "pages: 0 ok, 0 quarantined" in capsys.readouterr().out
    assert len(pd.read_parquet(out / "pages.parquet")) == 0
    pages = json.loads((out / "manifest.json").read_text())["pages"]
    assert pages == {"failed": 0, "ok": 0, "quarantined": 0, "total": 0}


def test_a_failure_part_way_through_publishing_replaces_nothing_and_says_so(
    good, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the fifth table is written (injected: no small disk here)."""
    out = tmp_path / "out"
    shutil.copytree(good["out"], out, symlinks=True)
    before = snapshot(out, with_dirs=True)
    previous = json.loads((out / "manifest.json").read_text())["run_id"]
    real_write = writer.pq.write_table
    writes = []

    def filling_disk(table, where, **kwargs):
        if not str(where).startswith(str(out)):  # the per-page store writes Parquet too
            return real_write(table, where, **kwargs)
        writes.append(where)
        if len(writes) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(table, where, **kwargs)

    monkeypatch.setattr(writer.pq, "write_table", filling_disk)
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(good["cache"]))
    code = main(["run", "--raw-dir", str(good["raw"]), "--out-dir", str(out)])
    text = capsys.readouterr().out
    assert code == 5
    assert f"run failed: nothing was published; {out} still holds run {previous}" in text
    assert "failed step publish_tables: " in text and "No space left on device" in text
    # Only the half-written run directory is new; the next run removes it.
    after = snapshot(out, with_dirs=True)
    assert {k: v for k, v in after.items() if not k.startswith(".runs/")} == {
        k: v for k, v in before.items() if not k.startswith(".runs/")
    }
    assert any(k.endswith(".partial") for k in after)
    monkeypatch.undo()
    assert main(["run", "--raw-dir", str(good["raw"]), "--out-dir", str(out)]) == 0
    assert not [k for k in snapshot(out, with_dirs=True) if k.endswith((".partial", ".tmp"))]


def test_evaluate_gold_mistakes(good, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(good["out"], with_dirs=True)
    missing = tmp_path / "missing.json"
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"pages": {')
    shaped = tmp_path / "shaped.json"
    shaped.write_text('["not", "a", "gold", "file"]')
    keyless = tmp_path / "keyless.json"
    keyless.write_text('{"pages": {"levomilnacipran.default.md": {"drug_id": "x"}}}')
    cases = [
        (missing, f"gold file {missing} does not exist"),
        (garbled, f"gold file {garbled} is not valid JSON: Expecting property name enclosed"),
        (shaped, f"gold file {shaped} is not a gold file"),
        (keyless, f"gold file {keyless} does not fit the gold format: missing key 'status'"),
        (tmp_path, f"gold file {tmp_path} is a directory"),
    ]
    for gold, message in cases:
        code = main(["evaluate", "--gold", str(gold), "--out-dir", str(good["out"])])
        line = one_line(capsys)
        assert code == 3
        assert line.startswith(f"pipeline evaluate: {message}"), line
    assert snapshot(good["out"], with_dirs=True) == before


def test_commands_on_missing_or_damaged_tables(
    good, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text('{"pages": {}}')
    nothing = tmp_path / "nothing"
    for argv in (
        ["evaluate", "--gold", str(gold), "--out-dir", str(nothing)],
        ["provenance", "levomilnacipran", "--out-dir", str(nothing)],
        ["check-dose", "levomilnacipran", "120", "--out-dir", str(nothing)],
    ):
        assert main(argv) == 3
        assert one_line(capsys) == (
            f"pipeline {argv[0]}: no published tables in {nothing}: run `pipeline run` first"
        )
    partial = tmp_path / "partial"
    shutil.copytree(good["out"], partial, symlinks=False)
    (partial / "drugs.parquet").unlink()
    assert main(["provenance", "levomilnacipran", "--out-dir", str(partial)]) == 3
    assert one_line(capsys) == (
        f"pipeline provenance: published tables missing in {partial}: drugs;"
        " run `pipeline run` again"
    )
    (partial / "dosage_rules.parquet").write_bytes(b"PAR1 not really")
    assert main(["check-dose", "levomilnacipran", "120", "--out-dir", str(partial)]) == 3
    assert one_line(capsys).startswith(
        f"pipeline check-dose: published table {partial / 'dosage_rules.parquet'} cannot be read: "
    )
    # check-dose keeps its meanings: 2 for an unknown drug or dose.
    assert main(["check-dose", "levomilnacipran", "lots", "--out-dir", str(good["out"])]) == 2
    assert one_line(capsys).startswith("pipeline check-dose: ")


def test_scheduled_runs_refuse_the_same_mistakes_inside_dagster(good, tmp_path: Path) -> None:
    """Runs that do not come through the CLI (schedule, UI) stop at raw_pages, before any work."""
    before = snapshot(good["out"], with_dirs=True)
    empty = _dir(tmp_path / "empty", {})
    summary = run_pipeline(empty, good["out"], cache_dir=good["cache"])
    assert not summary.success and not summary.published
    assert summary.failed_steps == (
        f"raw_pages: raw directory {empty} holds no page (*.md);"
        " pass --allow-empty to publish empty tables",
    )
    assert f"nothing was published; {good['out']} still holds run " in summary.render()
    a_file = _file(tmp_path / "outputs")
    summary = run_pipeline(good["raw"], a_file, cache_dir=good["cache"])
    assert summary.failed_steps == (f"raw_pages: output directory {a_file} is not a directory",)
    assert a_file.read_text() == "---\ntitle: X\n---\n"
    assert snapshot(good["out"], with_dirs=True) == before
