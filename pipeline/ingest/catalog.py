"""All pages under the raw directory -> the ``pages`` table.

``ingest_pages`` never raises for a bad page: each one becomes a quarantined
row with a one-line reason, and every other page is read as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.ingest.pages import MAX_PAGE_BYTES, QUARANTINED, Page, discover, read_page
from pipeline.reconcile.identity import generic_name_field, resolve_identity


def ingest_pages(raw_dir: Path, max_page_bytes: int = MAX_PAGE_BYTES) -> list[Page]:
    return [identify(read_page(path, raw_dir, max_page_bytes)) for path in discover(raw_dir)]


def identify(page: Page) -> Page:
    """Give a page that was read its drug identity (in place); one without a drug name is quarantined."""
    if not page.ok:
        return page
    field = generic_name_field(page.root)
    identity = resolve_identity(page.title, field)
    page.front_matter = dict(page.front_matter)
    page.generic_name = field
    page.identity_note = identity.note
    if identity.drug_id is None:
        page.status = QUARANTINED
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
                "drug_id": page.drug_id if page.ok else None,
                "content_sha256": page.content_sha256,
                "status": page.status,
                "error": page.error,
                "generic_name_field": page.generic_name,
                "identity_note": page.identity_note,
            }
        )
    columns = [
        "page_id",
        "source",
        "title",
        "drug_id",
        "content_sha256",
        "status",
        "error",
        "generic_name_field",
        "identity_note",
    ]
    return pd.DataFrame(rows, columns=columns)
