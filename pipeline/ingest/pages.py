"""Read one raw page: bytes -> front matter + section tree, or a quarantine reason.

Every failure becomes a one-line, actionable ``error`` on the page row; the
run never stops for a bad page and no other page is affected.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    @property
    def ok(self) -> bool:
        return self.status == PageStatus.OK


class QuarantineError(Exception):
    """Raised while reading a page; its message is the page's one-line error."""


def discover(raw_dir: Path) -> list[Path]:
    """Every ``*.md`` under raw_dir at any depth, in a stable order."""
    # A link that points nowhere is still a file someone put there: it is listed (and
    # quarantined as unreadable) rather than silently skipped.
    return sorted(p for p in raw_dir.rglob("*.md") if p.is_file() or p.is_symlink())


def page_id_for(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def folder_source(page_id: str) -> str | None:
    parts = page_id.split("/")
    return parts[0] if len(parts) > 1 else None


# Drug pages are tens of kilobytes; a file far larger is not one, and parsing it would
# only cost time. It is quarantined unread (its digest is still taken, in chunks).
MAX_PAGE_BYTES = 2 * 1024 * 1024


def read_page(path: Path, raw_dir: Path, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    page_id = page_id_for(path, raw_dir)
    source = folder_source(page_id) or "unknown"
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Page(
                page_id=page_id,
                source=source,
                content_sha256=_file_digest(path),
                status=PageStatus.QUARANTINED,
                error=f"file is {size / 1048576:.1f} MiB, over the {max_bytes / 1048576:.1f} MiB "
                "limit for one page (PipelineConfig.max_page_bytes): split it or raise the limit",
            )
        data = path.read_bytes()
    except OSError as exc:
        return Page(
            page_id=page_id,
            source=source,
            content_sha256="",
            status=PageStatus.QUARANTINED,
            error=f"cannot read file: {exc.strerror or exc}",
        )
    return parse_page(page_id, data)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_page(page_id: str, data: bytes) -> Page:
    """Parse a page from its bytes; pure, so tests need no files."""
    sha = hashlib.sha256(data).hexdigest()
    fallback_source = folder_source(page_id) or "unknown"
    try:
        meta, body = _split(data)
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
    return Page(page_id, source, sha, PageStatus.OK, None, title, meta, root)


def _split(data: bytes) -> tuple[dict[str, Any], str]:
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
        return {}, text
    try:
        raw_meta, body = handler.split(text)
        meta = handler.load(raw_meta)  # python-frontmatter's YAML handler uses yaml.SafeLoader
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
    except Exception as exc:
        raise QuarantineError(_one_line(f"front matter could not be read: {exc}")) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise QuarantineError(
            "front matter is not a mapping of keys to values (expected 'key: value' lines)"
        )
    return meta, body


def _one_line(message: str) -> str:
    return clean_text(message)[:300]
