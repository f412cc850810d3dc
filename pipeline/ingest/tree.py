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
import stat
from collections.abc import Iterable
from pathlib import Path

from pipeline.ingest.pages import discover, page_id_for


def digest_of(pairs: Iterable[tuple[str, str]]) -> str:
    """One hex digest of (key, value) pairs, independent of their order."""
    digest = hashlib.sha256()
    for key, value in sorted(pairs):
        digest.update(f"{key}\t{value}\n".encode())
    return digest.hexdigest()


def _entries(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """The files ingest reads and the folders it lists as rows without reading them."""
    found = discover(raw_dir)
    return found.files, [folder for folder, _ in found.unlisted]


def stat_digest(raw_dir: Path) -> str:
    """Digest of every page's size and modification time (no file is read)."""
    files, unlisted = _entries(raw_dir)
    pairs = [(page_id_for(folder, raw_dir), "unlisted") for folder in unlisted]
    for path in files:
        try:
            info = path.lstat()
            value = f"{info.st_size}:{info.st_mtime_ns}:{info.st_mode}"
        except OSError:
            value = "unreadable"
        pairs.append((page_id_for(path, raw_dir), value))
    return digest_of(pairs)


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file's bytes, as ingest records it; "" for anything else.

    Links, pipes and devices are never opened (ingest quarantines them); a link to a page
    inside raw/ therefore digests differently here, which costs at most one extra run.
    """
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return ""
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return ""


def content_digest(raw_dir: Path) -> str:
    """Digest of every page's bytes: ``digest_of`` over what the pages table records."""
    files, unlisted = _entries(raw_dir)
    pairs = [(page_id_for(folder, raw_dir), "") for folder in unlisted]
    pairs += [(page_id_for(path, raw_dir), file_sha256(path)) for path in files]
    return digest_of(pairs)
