"""Fingerprints of the raw directory, to tell cheaply whether any page changed.

Two digests over the same file list as ingest (``discover``): a *stat* digest of
(page_id, size, mtime) pairs, cheap enough to take every sensor tick, and a *content*
digest of (page_id, sha256 of the bytes) pairs, taken only when the stat digest moved
(a ``touch`` or a copy changes mtimes but not contents). The content digest of a run's
pages is the same function of the ``pages`` table's ``page_id`` and ``content_sha256``,
so a sensor can compare the tree with what was last materialized.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

# The very digest ingest records as content_sha256, so the two always agree.
from pipeline.ingest.pages import _file_digest as file_digest
from pipeline.ingest.pages import discover, page_id_for


def digest_of(pairs: Iterable[tuple[str, str]]) -> str:
    """One hex digest of (key, value) pairs, independent of their order."""
    digest = hashlib.sha256()
    for key, value in sorted(pairs):
        digest.update(f"{key}\t{value}\n".encode())
    return digest.hexdigest()


def stat_digest(raw_dir: Path) -> str:
    """Digest of every page's size and modification time (no file is read)."""
    pairs = []
    for path in discover(raw_dir):
        try:
            info = path.stat()
            value = f"{info.st_size}:{info.st_mtime_ns}"
        except OSError:  # a broken link: listed by ingest, quarantined there
            value = "unreadable"
        pairs.append((page_id_for(path, raw_dir), value))
    return digest_of(pairs)


def content_digest(raw_dir: Path) -> str:
    """Digest of every page's bytes, as ``digest_of`` over the pages table's hashes."""
    pairs = []
    for path in discover(raw_dir):
        try:
            sha = file_digest(path)
        except OSError:
            sha = ""  # as read_page records an unreadable file
        pairs.append((page_id_for(path, raw_dir), sha))
    return digest_of(pairs)
