"""What a directory holds, for tests that prove a run or a mistake left outputs untouched."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def snapshot(out: Path, *, with_dirs: bool = False) -> dict[str, Any]:
    """File bytes and link targets under ``out``, without following links.

    ``with_dirs`` also records each directory, so that a new empty directory counts as a
    change (the command-line mistakes must not even create one).
    """
    found: dict[str, Any] = {}
    for base, dirs, files in os.walk(out):
        for name in dirs + files:
            path = Path(base) / name
            rel = path.relative_to(out).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = ("file", path.read_bytes())
            elif with_dirs:
                found[rel] = ("dir", None)
    return found
