"""Read one raw page: bytes -> front matter + section tree, or a quarantine reason.

Every failure becomes a one-line, actionable ``error`` on the page row; the
run never stops for a bad page and no other page is affected.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from frontmatter.default_handlers import YAMLHandler

from pipeline.contract.vocabularies import PageStatus
from pipeline.ingest.document import Section
from pipeline.ingest.markdown import build_sections, clean_text, first_h1, parse_markdown


@dataclass
class Page:
    page_id: str
    source: str
    content_sha256: str
    status: str = PageStatus.OK
    error: str | None = None
    title: str | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)
    root: Section | None = None
    drug_id: str | None = None
    generic_name: str | None = None
    identity_note: str | None = None
    # A problem that did not stop the page being read (duplicate front-matter keys).
    ingest_note: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == PageStatus.OK

    @property
    def section_kinds(self) -> list[str]:
        """The kinds of section found on the page, sorted (empty when it was not parsed)."""
        return section_kinds(self.root) if self.root is not None else []


def section_kinds(root: Section) -> list[str]:
    kinds: set[str] = set()
    stack = [root]
    while stack:  # iterative: a page may nest sections deeply
        section = stack.pop()
        if section.kind and section.kind not in ("document", "title"):
            kinds.add(section.kind)
        stack.extend(section.subsections)
    return sorted(kinds)


class QuarantineError(Exception):
    """Raised while reading a page; its message is the page's one-line error."""


@dataclass(frozen=True)
class Discovery:
    """What a walk of the raw directory found.

    ``files``: every entry named ``*.md`` that is not a folder (links, pipes and devices
    included: ``read_page`` turns those into quarantined rows with their reason);
    ``unlisted``: folders that could not be listed or were not followed, with why, so
    their pages are a row each rather than silently missing.
    """

    files: list[Path]
    unlisted: list[tuple[Path, str]]


def discover(raw_dir: Path) -> Discovery:
    """Every ``*.md`` under raw_dir at any depth, in a stable order.

    Walked with ``os.scandir`` without following links to folders (a loop or a link out of
    raw/ cannot pull in other files), iteratively (any depth), and a folder named ``x.md``
    is walked as a folder, never read as a page.
    """
    files: list[Path] = []
    unlisted: list[tuple[Path, str]] = []
    if not raw_dir.is_dir():
        return Discovery(files, unlisted)
    stack = [raw_dir]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            if folder == raw_dir:
                raise
            unlisted.append(
                (folder, f"cannot list folder: {exc.strerror or exc}: its pages were not read")
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            if _is_dir(entry, follow=False):
                stack.append(path)
            elif entry.is_symlink() and _is_dir(entry, follow=True):
                unlisted.append(
                    (path, "link to a folder: not followed (pages are read from real folders only)")
                )
            elif entry.name.endswith(".md"):
                files.append(path)
    files.sort(key=lambda p: page_id_for(p, raw_dir))
    unlisted.sort(key=lambda item: page_id_for(item[0], raw_dir))
    return Discovery(files, unlisted)


def _is_dir(entry: os.DirEntry[str], follow: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow)
    except OSError:
        return False


def page_id_for(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def folder_source(page_id: str) -> str | None:
    parts = page_id.split("/")
    return parts[0] if len(parts) > 1 else None


# Drug pages are tens of kilobytes; a file far larger is not one, and parsing it would
# only cost time. It is quarantined unread (its digest is still taken, in chunks).
MAX_PAGE_BYTES = 2 * 1024 * 1024


def read_page(path: Path, raw_dir: Path, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """Read one page, opening it only when it is a regular file inside raw_dir.

    Links are resolved first: one that leads outside raw/, loops, or ends at a pipe,
    device or socket is a quarantined row with its reason and is never opened (opening a
    FIFO blocks; /dev/zero never ends).  The file is opened without following a link and
    without blocking, checked again on the open descriptor, and at most ``max_bytes`` + 1
    bytes are read, so a file that grows or is swapped after the check cannot hold up the run.
    """
    page_id = page_id_for(path, raw_dir)
    source = folder_source(page_id) or "unknown"

    def quarantined(error: str, sha: str = "") -> Page:
        return Page(page_id, source, sha, status=PageStatus.QUARANTINED, error=error)

    try:
        target = _regular_target(path, raw_dir)
        data = _read_bounded(target, max_bytes)
    except QuarantineError as exc:
        return quarantined(str(exc))
    except _Oversized as big:
        return quarantined(
            f"file is {big.size / 1048576:.1f} MiB, over the {max_bytes / 1048576:.1f} MiB "
            "limit for one page (PipelineConfig.max_page_bytes): split it or raise the limit",
            big.sha256,
        )
    except OSError as exc:
        return quarantined(_one_line(f"cannot read file: {exc.strerror or exc}"))
    return parse_page(page_id, data)


class _Oversized(Exception):
    def __init__(self, size: int, sha256: str) -> None:
        super().__init__(size)
        self.size = size
        self.sha256 = sha256


_KINDS = [
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
]


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _regular_target(path: Path, raw_dir: Path) -> Path:
    """The real path of a page file, or a QuarantineError saying why it is not read."""
    link = path.is_symlink()
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if link:
            raise QuarantineError(
                "cannot read file: broken link (its target does not exist)"
            ) from None
        raise QuarantineError("cannot read file: it disappeared before it was read") from None
    except (RuntimeError, OSError) as exc:  # a link loop (RuntimeError before Python 3.13)
        if link and ("loop" in str(exc).lower() or getattr(exc, "errno", None) == errno.ELOOP):
            raise QuarantineError("symbolic link loop: not read") from None
        raise QuarantineError(_one_line(f"cannot read file: {exc}")) from None
    root = raw_dir.resolve()
    if not real.is_relative_to(root):
        raise QuarantineError(
            _one_line(f"link leads outside the raw directory (to {real}): not read")
        )
    kind = _not_regular(os.stat(real).st_mode)
    if kind is not None:
        what = "link to " + kind if link else kind
        raise QuarantineError(f"{what}, not a regular file: not read")
    return real


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise QuarantineError("cannot read file: it disappeared before it was read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link after it was checked
            raise QuarantineError("became a symbolic link while being read: not read") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        kind = _not_regular(info.st_mode)
        if kind is not None:  # swapped for a pipe or device after it was checked
            raise QuarantineError(f"{kind}, not a regular file: not read")
        if info.st_size > max_bytes:
            # Never read whole into memory; hashed in chunks only while that stays cheap.
            sha = _digest(handle) if info.st_size <= _MAX_DIGEST_BYTES else ""
            raise _Oversized(info.st_size, sha)
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:  # it grew after the size was taken
            handle.seek(0)
            raise _Oversized(max(info.st_size, len(data)), _digest(handle))
    return data


# An oversized file is hashed (in 1 MiB chunks) up to this size; larger ones get no digest.
_MAX_DIGEST_BYTES = 64 * 1024 * 1024


def _digest(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def parse_page(page_id: str, data: bytes) -> Page:
    """Parse a page from its bytes; pure, so tests need no files."""
    sha = hashlib.sha256(data).hexdigest()
    fallback_source = folder_source(page_id) or "unknown"
    try:
        meta, body, note = _split(data)
    except QuarantineError as exc:
        return Page(page_id, fallback_source, sha, status=PageStatus.QUARANTINED, error=str(exc))
    layout = meta.get("layout")
    source = (
        clean_text(str(layout)) if isinstance(layout, str) and layout.strip() else fallback_source
    )
    try:
        nodes = parse_markdown(body)
    except Exception as exc:  # mistune rarely fails; if it does, quarantine, never crash
        return Page(
            page_id, source, sha, PageStatus.QUARANTINED, _one_line(f"markdown parse failed: {exc}")
        )
    fm_title = meta.get("title")
    title = clean_text(str(fm_title)) if isinstance(fm_title, str | int | float) else ""
    title = title or first_h1(nodes) or ""
    if not title:
        return Page(
            page_id,
            source,
            sha,
            PageStatus.QUARANTINED,
            "no title: add a front-matter 'title' or a level-1 heading so the page can be "
            "assigned to a drug",
            front_matter=meta,
        )
    root = build_sections(nodes, title)
    return Page(page_id, source, sha, PageStatus.OK, None, title, meta, root, ingest_note=note)


# The closing '---' of front matter is looked for in the file's first 256 KiB.
_FRONT_MATTER_SCAN = 256 * 1024
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader (tags that build objects or run commands are refused, never
    executed), with three changes for pages nobody here controls:

    * dates stay text: ``date: 2024-13-45`` in any key is a string, not a reason to quarantine
      (no key of ours needs a date object);
    * keys given twice are recorded (the last value wins, as in YAML loaders generally)
      so the page can be read and warned about;
    * at most ``MAX_ALIASES`` alias uses: an alias bomb ("billion laughs") is refused
      before it can be expanded anywhere.
    """

    MAX_ALIASES = 20

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.MAX_ALIASES:
                raise QuarantineError(
                    f"front matter uses more than {self.MAX_ALIASES} YAML aliases (*name): "
                    "refused as a possible alias bomb; write the values out"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _split(data: bytes) -> tuple[dict[str, Any], str, str | None]:
    if not data.strip():
        raise QuarantineError("empty file: the page has no content")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuarantineError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            "re-save the file as UTF-8"
        ) from None
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise QuarantineError("binary content (NUL bytes): not a markdown page")
    handler = YAMLHandler()
    if not handler.detect(text):
        return {}, text, None
    if len(handler.FM_BOUNDARY.findall(text, endpos=_FRONT_MATTER_SCAN)) < 2:
        raise QuarantineError(
            "front matter opened with '---' on line 1 is never closed: "
            "add a line '---' after its last key"
        )
    try:
        raw_meta, body = handler.split(text)
        loader = FrontMatterLoader(raw_meta)
        try:
            meta = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        # The front-matter text starts on the opening "---" line, so marks are file lines - 1.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the file)" if mark is not None else ""
        context = getattr(exc, "context", None)
        problem = getattr(exc, "problem", None) or str(exc)
        detail = f"{context}, {problem}" if context else problem
        if "could not determine a constructor" in detail:
            # Safe loading refuses tags that build Python objects: say so, not "invalid".
            tag = re.search(r"'(tag:[^']+)'", detail)
            raise QuarantineError(
                _one_line(
                    f"front matter uses a YAML tag that is not allowed"
                    f" ({tag.group(1) if tag else detail}){where}: only plain YAML is read"
                )
            ) from exc
        raise QuarantineError(
            _one_line(f"front matter is not valid YAML: {detail}{where}")
        ) from None
    except QuarantineError:
        raise
    except Exception as exc:
        raise QuarantineError(_one_line(f"front matter could not be read: {exc}")) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise QuarantineError(
            "front matter is not a mapping of keys to values (expected 'key: value' lines)"
        )
    note = None
    if loader.duplicates:
        repeated = ", ".join(f"'{key}' (line {line})" for key, line in loader.duplicates[:5])
        note = _one_line(f"front matter repeats keys {repeated}: the last value of each was used")
    return meta, body, note


def failure_line(stage: str, error: BaseException) -> str:
    """One line naming the stage and the error: a ``failed`` page's ``error`` and log line."""
    message = " ".join(str(error).split())
    if len(message) > 240:
        message = message[:237] + "..."
    name = type(error).__name__
    return f"{stage}: {name}: {message}" if message else f"{stage}: {name}"


def _one_line(message: str) -> str:
    return clean_text(message)[:300]
