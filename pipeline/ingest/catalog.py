"""All pages under the raw directory -> the ``pages`` table.

``ingest_pages`` never raises for a bad page: each one becomes a quarantined
row with a one-line reason, and every other page is read as usual.  An error of
the code itself while reading one page (a bug, not the page's fault) makes that
page ``failed`` with the stage and the error, and again no other page is touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.contract.tables import PAGE_PROBLEMS, PAGES
from pipeline.contract.vocabularies import PageStatus
from pipeline.ingest.identity import generic_name_field, resolve_identity
from pipeline.ingest.pages import (
    MAX_PAGE_BYTES,
    Page,
    discover,
    failure_line,
    folder_source,
    page_id_for,
    read_page,
)


def ingest_pages(raw_dir: Path, max_page_bytes: int = MAX_PAGE_BYTES) -> list[Page]:
    found = discover(raw_dir)
    pages = [ingest_page(path, raw_dir, max_page_bytes) for path in found.files]
    for folder, reason in found.unlisted:
        pages.append(unlisted_page(page_id_for(folder, raw_dir) + "/", reason))
    return sorted(pages, key=lambda p: p.page_id)


def unlisted_page(page_id: str, reason: str) -> Page:
    """A folder whose pages cannot be read (id ends in ``/``) is a row of its own, never silence."""
    source = folder_source(page_id.rstrip("/") + "/x") or "unknown"
    return Page(page_id, source, "", status=PageStatus.QUARANTINED, error=reason)


def ingest_page(path: Path, raw_dir: Path, max_page_bytes: int = MAX_PAGE_BYTES) -> Page:
    """Read one page and resolve its drug; an error of the code marks the page failed."""
    try:
        page = read_page(path, raw_dir, max_page_bytes)
    except Exception as exc:
        page_id = page_id_for(path, raw_dir)
        source = folder_source(page_id) or "unknown"
        return Page(
            page_id, source, "", status=PageStatus.FAILED, error=failure_line("ingest.read", exc)
        )
    if not page.ok:
        return page
    try:
        field = generic_name_field(page.root)
        identity = resolve_identity(page.title, field)
    except Exception as exc:
        page.status, page.error = PageStatus.FAILED, failure_line("ingest.identity", exc)
        return page
    page.front_matter = dict(page.front_matter)
    page.generic_name = field
    page.identity_note = identity.note
    if identity.drug_id is None:
        page.status = PageStatus.QUARANTINED
        page.error = "no drug name: neither the title nor the Generic Name field names a drug"
    page.drug_id = identity.drug_id
    return page


def pages_frame(pages: list[Page]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for page in pages:
        rows.append(
            {
                "page_id": page.page_id,
                "source": page.source,
                "title": page.title,
                # A failed page keeps its drug (the page is fine; the code failed on it).
                "drug_id": page.drug_id if page.status != PageStatus.QUARANTINED else None,
                "content_sha256": page.content_sha256,
                "status": page.status,
                "error": page.error,
                "generic_name_field": page.generic_name,
                "identity_note": page.identity_note,
                "ingest_note": page.ingest_note,
                "section_kinds": page.section_kinds,
            }
        )
    return pd.DataFrame(rows, columns=PAGES.columns)


def problems_frame(pages: pd.DataFrame) -> pd.DataFrame:
    """The pages that are not ok, with their reasons: the ``page_problems`` table."""
    bad = pages[pages["status"] != PageStatus.OK]
    return bad[PAGE_PROBLEMS.columns].reset_index(drop=True)
