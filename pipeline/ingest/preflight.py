"""Refuse a raw directory that is a user's mistake before any work is done.

A missing, mistyped or empty ``--raw-dir`` would otherwise give a run of
empty tables that replaces good ones.  Bad *pages* are never refused here:
they are quarantined one by one; only a directory that cannot be a corpus is.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.ingest.pages import discover


class RawDirRefused(Exception):
    """The raw directory cannot be read as a corpus; the message is one line."""


def check_raw_dir(raw_dir: Path, allow_empty: bool = False) -> int:
    """The number of pages under ``raw_dir``, or ``RawDirRefused`` with the reason.

    An empty corpus passes only with ``allow_empty`` (publishing it replaces
    every table with an empty one, which must be meant).
    """
    if not raw_dir.exists():
        hint = " (a broken link)" if raw_dir.is_symlink() else ""
        raise RawDirRefused(f"raw directory {raw_dir} does not exist{hint}")
    if not raw_dir.is_dir():
        raise RawDirRefused(f"raw directory {raw_dir} is not a directory")
    try:
        with os.scandir(raw_dir) as entries:
            next(entries, None)
    except OSError as exc:
        raise RawDirRefused(
            f"raw directory {raw_dir} cannot be read: {exc.strerror or exc}"
        ) from None
    try:
        found = discover(raw_dir)
    except OSError as exc:
        raise RawDirRefused(
            f"raw directory {raw_dir} cannot be read: {exc.strerror or exc}"
        ) from None
    n_pages = len(found.files)
    if n_pages == 0 and not allow_empty:
        # Folders that could not be listed would only give rows without content.
        unread = f" ({len(found.unlisted)} folders not read)" if found.unlisted else ""
        raise RawDirRefused(
            f"raw directory {raw_dir} holds no page (*.md){unread}; "
            "pass --allow-empty to publish empty tables"
        )
    return n_pages
