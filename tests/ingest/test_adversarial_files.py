"""Adversarial files, each a test: every one ends a row of ``pages`` (ok, quarantined with a
reason a person can act on, or failed), nothing is executed, no file outside raw/ is opened,
nothing hangs (a SIGALRM guard fails a test that takes minutes), and no other page loses a row.

Runs as root here, where ``chmod 000`` does not stop reading: an unreadable folder is
simulated by making ``os.scandir`` raise PermissionError for it, the path the code takes.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

import pipeline.ingest.pages as pages_module
from pipeline.contract.tables import read_tables
from pipeline.ingest.catalog import ingest_page, ingest_pages
from pipeline.ingest.pages import discover, parse_page
from pipeline.runner import run_pipeline
from tests.conftest import DEV

PAGE = b"---\ntitle: Goodamine\n---\n# Goodamine\n\n## Side Effects\n- Nausea\n- Headache\n"


@contextmanager
def no_hang(seconds: int = 120) -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""

    def _timeout(signum, frame):
        raise TimeoutError(f"took over {seconds} s: something hangs")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_not_utf8_is_quarantined_with_the_offset() -> None:
    page = parse_page("l.md", "---\ntitle: Café\n---\n# Café\n".encode("latin-1"))
    assert page.status == "quarantined" and "not valid UTF-8 (byte 0xe9" in page.error


def test_byte_order_mark_and_crlf_are_read() -> None:
    bom = parse_page("b.md", b"\xef\xbb\xbf" + PAGE)
    crlf = parse_page("c.md", PAGE.replace(b"\n", b"\r\n"))
    for page in (bom, crlf):
        assert page.ok and page.title == "Goodamine"
        assert page.section_kinds == ["side_effects"]


def test_nul_bytes_are_quarantined() -> None:
    page = parse_page("n.md", PAGE + b"\x00\x00")
    assert page.status == "quarantined" and "NUL" in page.error


def test_front_matter_that_is_not_a_mapping() -> None:
    page = parse_page("m.md", b"---\n- a\n- b\n---\n# Goodamine\n")
    assert page.status == "quarantined" and "not a mapping" in page.error


def test_duplicate_keys_are_read_and_warned() -> None:
    page = parse_page("d.md", b"---\ntitle: Badamine\nlayout: x\ntitle: Goodamine\n---\n# G\n")
    assert page.ok and page.title == "Goodamine"  # the last value, as YAML loaders do
    assert page.ingest_note == (
        "front matter repeats keys 'title' (line 4): the last value of each was used"
    )


def test_unterminated_front_matter_says_what_to_do() -> None:
    page = parse_page("u.md", b"---\ntitle: Goodamine\n\n# Goodamine\n- Nausea\n")
    assert page.status == "quarantined"
    assert page.error == (
        "front matter opened with '---' on line 1 is never closed: "
        "add a line '---' after its last key"
    )


@pytest.mark.parametrize("value", ["2024-13-45", "2023-02-30", "[2024-99-01]", "2024-01-01"])
def test_an_invalid_date_in_any_key_is_text(value: str) -> None:
    page = parse_page("d.md", f"---\ntitle: Goodamine\nupdated: {value}\n---\n# G\n".encode())
    assert page.ok and page.title == "Goodamine"
    assert isinstance(page.front_matter["updated"], str | list)


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_yaml_tags_that_build_objects_are_never_executed(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = f"---\ntitle: {tag.format(marker=marker)}\n---\n# G\n"
    page = parse_page("t.md", text.encode())
    assert page.status == "quarantined" and "not allowed" in page.error
    assert not marker.exists()


def test_alias_bomb_is_refused_before_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\ntitle: *j\n---\n# Bombamine\n"
    with no_hang(30):
        page = parse_page("bomb.md", text.encode())
    assert page.status == "quarantined" and "alias bomb" in page.error


def test_file_far_above_the_cap_is_not_read(tmp_path: Path, monkeypatch) -> None:
    big = tmp_path / "huge.md"
    with big.open("wb") as handle:  # sparse: 4 GiB on paper, nothing on disk
        handle.truncate(4 * 1024**3)
    read_sizes: list[int] = []
    real_read = pages_module.os.fdopen

    def spying_fdopen(fd, mode="r", *args, **kwargs):
        handle = real_read(fd, mode, *args, **kwargs)
        original = handle.read

        def read(size=-1):
            read_sizes.append(size)
            return original(size)

        handle.read = read
        return handle

    monkeypatch.setattr(pages_module.os, "fdopen", spying_fdopen)
    with no_hang(30):
        page = ingest_page(big, tmp_path)
    assert page.status == "quarantined" and "4096.0 MiB, over the 2.0 MiB limit" in page.error
    assert read_sizes == []  # not one byte read: over 64 MiB it is not even hashed


def test_five_megabyte_line(tmp_path: Path, lexicon) -> None:
    from pipeline.extract.page_extraction import extract_page_safely

    line = ("lorem ipsum dolor, " * 280_000)[: 5 * 1024 * 1024]
    (tmp_path / "line.md").write_text("# Linamine\n\n## Side Effects\n- " + line + "\n")
    assert ingest_pages(tmp_path)[0].status == "quarantined"  # over the default cap
    # A 1 MiB line, under the cap: read and extracted in bounded time.
    (tmp_path / "line.md").write_text("# Linamine\n\n## Side Effects\n" + line[: 1 << 20] + "\n")
    with no_hang(120):
        page = ingest_pages(tmp_path)[0]
        assert page.ok
        assert not extract_page_safely(page, lexicon).failed


@pytest.mark.parametrize(
    "body",
    [
        "- " * 10_000 + "Nausea\n",  # 10,000-deep list
        "1. " * 10_000 + "Nausea\n",
        "> " * 5_000 + "Nausea\n",  # 5,000-deep quote
        "> - " * 5_000 + "Nausea\n",
        "- " + "(" * 10_000 + "Nausea" + ")" * 10_000 + "\n",
        "- " + "[" * 10_000 + "Nausea" + "]" * 10_000 + "\n",
        "".join(f"- effect {i}\n" for i in range(10_000)),  # 10,000-item list
    ],
    ids=["list", "ordered", "quote", "quote-list", "parens", "brackets", "10k-items"],
)
def test_deep_nesting_and_long_lists(body: str, lexicon) -> None:
    from pipeline.extract.page_extraction import extract_page_safely
    from tests.conftest import page_from

    with no_hang(120):
        page = page_from("# Deepamine\n\n## Side Effects\n" + body)
        assert page.status in ("ok", "quarantined")
        if page.ok:
            result = extract_page_safely(page, lexicon)
            assert not result.failed, result.error


def _fs_cases(raw: Path) -> dict[str, str]:
    """Hostile entries under raw/ -> the start of the reason each must get."""
    outside = raw.parent / "outside.md"
    outside.write_bytes(PAGE)
    (raw / "escape.md").symlink_to(outside)
    (raw / "zero.md").symlink_to("/dev/zero")
    (raw / "loop-a.md").symlink_to(raw / "loop-b.md")
    (raw / "loop-b.md").symlink_to(raw / "loop-a.md")
    (raw / "broken.md").symlink_to(raw / "nowhere.md")
    os.mkfifo(raw / "pipe.md")
    (raw / "pipe-link.md").symlink_to(raw / "pipe.md")
    (raw / "folder.md").mkdir()  # a folder named like a page is walked, never read
    (raw / "folder.md" / "inner.md").write_bytes(PAGE)
    (raw / "linked-folder").symlink_to(raw.parent)
    (raw / "inside-link.md").symlink_to(raw / "good.md")  # inside raw/: read
    expected = {
        "escape.md": "link leads outside the raw directory",
        "zero.md": "link leads outside the raw directory",
        "loop-a.md": "symbolic link loop",
        "loop-b.md": "symbolic link loop",
        "broken.md": "cannot read file: broken link",
        "pipe.md": "a named pipe (FIFO), not a regular file",
        "pipe-link.md": "link to a named pipe (FIFO), not a regular file",
        "linked-folder/": "link to a folder: not followed",
        "locked/": "cannot list folder: Permission denied",
    }
    try:
        os.mknod(raw / "device.md", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        expected["device.md"] = "a character device, not a regular file"
    except (PermissionError, OSError):
        pass  # no CAP_MKNOD here: the link to /dev/zero covers devices
    (raw / "locked").mkdir()
    (raw / "locked" / "hidden.md").write_bytes(PAGE)
    return expected


def _lock(monkeypatch, folder: Path) -> None:
    real = os.scandir

    def scandir(path="."):
        if isinstance(path, str | os.PathLike) and Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(pages_module.os, "scandir", scandir)


def test_links_pipes_devices_and_locked_folders_are_rows(tmp_path: Path, monkeypatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.md").write_bytes(PAGE)
    expected = _fs_cases(raw)
    _lock(monkeypatch, raw / "locked")
    with no_hang(60):
        pages = {p.page_id: p for p in ingest_pages(raw)}
    for page_id, reason in expected.items():
        assert pages[page_id].status == "quarantined", page_id
        assert reason in pages[page_id].error, (page_id, pages[page_id].error)
        assert "\n" not in pages[page_id].error
    assert pages["good.md"].ok and pages["inside-link.md"].ok
    assert pages["folder.md/inner.md"].ok and "folder.md" not in pages
    assert "locked/hidden.md" not in pages and "outside.md" not in pages


def test_a_file_that_disappears_or_changes_during_the_run(tmp_path: Path) -> None:
    (tmp_path / "gone.md").write_bytes(PAGE)
    (tmp_path / "changed.md").write_bytes(PAGE)
    found = discover(tmp_path)
    (tmp_path / "gone.md").unlink()
    changed = PAGE.replace(b"Goodamine", b"Betteramine")
    (tmp_path / "changed.md").write_bytes(changed)
    pages = {p.page_id: p for p in (ingest_page(path, tmp_path) for path in found.files)}
    assert pages["gone.md"].status == "quarantined"
    assert pages["gone.md"].error == "cannot read file: it disappeared before it was read"
    # The bytes read are the bytes parsed and hashed: one consistent version of the file.
    import hashlib

    assert pages["changed.md"].title == "Betteramine"
    assert pages["changed.md"].content_sha256 == hashlib.sha256(changed).hexdigest()


def test_a_run_over_every_adversarial_file_loses_no_other_row(tmp_path: Path, monkeypatch) -> None:
    good = ["amoxicillin.minimal-medicine.md", "sertraline.default.md"]
    clean_raw, raw = tmp_path / "clean", tmp_path / "raw"
    for folder in (clean_raw, raw):
        folder.mkdir()
        for name in good:
            shutil.copy(DEV / name, folder / name)
    (raw / "good.md").write_bytes(PAGE)
    (clean_raw / "good.md").write_bytes(PAGE)
    expected = _fs_cases(raw)
    hostile = {
        "latin1.md": "---\ntitle: Café\n---\n# Café\n".encode("latin-1"),
        "bom.md": b"\xef\xbb\xbf" + PAGE.replace(b"Goodamine", b"Bomamine"),
        "nul.md": PAGE + b"\x00",
        "list-fm.md": b"---\n- a\n---\n# X\n",
        "dup.md": b"---\ntitle: Dupamine\ntitle: Dupamine\n---\n# D\n",
        "open-fm.md": b"---\ntitle: X\n# X\n",
        "date.md": b"---\ntitle: Datamine\nupdated: 2024-13-45\n---\n# D\n",
        "tag.md": b'---\ntitle: !!python/object/apply:os.system ["echo"]\n---\n# X\n',
        "cyrillic.md": "# Cyrillamine\n\n## Side Effects\n- Головная боль\n- 头痛\n- ★★\n".encode(),
        "zero-hours.md": b"# Zeroamine\n\n## Dosage\n- 10 mg every 0 hours in multiple divided doses\n",
        "big.md": b"# Big\n" + b"x" * (3 * 1024 * 1024),
    }
    for name, data in hostile.items():
        (raw / name).write_bytes(data)
    _lock(monkeypatch, raw / "locked")
    cache = tmp_path / "cache"
    with no_hang(300):
        before = run_pipeline(clean_raw, tmp_path / "out-clean", cache_dir=cache)
        after = run_pipeline(raw, tmp_path / "out", cache_dir=cache)
    assert before.success and after.success, after.render()
    assert not after.failed_pages
    tables, clean = read_tables(tmp_path / "out"), read_tables(tmp_path / "out-clean")
    pages = tables["pages"].set_index("page_id")
    assert set(expected) | set(hostile) | {*good, "good.md"} <= set(pages.index)
    for page_id, reason in expected.items():
        assert reason in pages.loc[page_id, "error"], page_id
    assert pages.loc["dup.md", "status"] == "ok" and "repeats" in pages.loc["dup.md", "ingest_note"]
    assert pages.loc["date.md", "status"] == "ok" and pages.loc["bom.md", "status"] == "ok"
    effects = tables["side_effect_mentions"]
    scripts = set(effects[effects.page_id == "cyrillic.md"].effect_id)
    assert {"local:головная-боль", "local:头痛"} <= scripts
    for name in ("side_effect_mentions", "indications", "dosage_rules"):
        mine = tables[name][tables[name].page_id.isin([*good, "good.md"])].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, clean[name].reset_index(drop=True))
