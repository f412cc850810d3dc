"""What a published run records about itself in ``manifest.json``.

The manifest is the one file that differs between two runs of the same input
(run id, times); the tables it lists are byte-identical.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.contract.vocabularies import PAGE_STATUSES

PACKAGE = "drug-pages-pipeline"
SOURCE_ROOT = Path(__file__).resolve().parents[1]


@cache
def code_version() -> dict[str, str | None]:
    """Package version, a digest of the pipeline's code and data files, and the git commit.

    The digest identifies the code even outside a git checkout (an installed
    wheel); the commit is added when the package lives in a git work tree.
    """
    digest = hashlib.sha256()
    for path in sorted(SOURCE_ROOT.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".yaml", ".yml"}:
            digest.update(path.relative_to(SOURCE_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    try:
        version: str | None = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        version = None
    return {"package": version, "source_sha256": digest.hexdigest(), "git_commit": _git_commit()}


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=SOURCE_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def page_counts(pages: pa.Table) -> dict[str, int]:
    """Pages per status of the contract (zero where none) and in total."""
    counts: dict[str, int] = {"total": pages.num_rows, **dict.fromkeys(PAGE_STATUSES, 0)}
    if pages.num_rows:
        for row in pc.value_counts(pages.column("status")).to_pylist():
            counts[str(row["values"])] = int(row["counts"])
    return dict(sorted(counts.items()))


def run_manifest(
    run_id: str,
    started_at: str,
    raw_dir: Path,
    pages: dict[str, int],
    hpo_data_version: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest's fields known before writing; ``publish_run`` adds tables and finish time."""
    return {
        "run_id": run_id,
        "started_at": started_at,
        "raw_dir": str(raw_dir),
        "pages": pages,
        "hpo_data_version": hpo_data_version,
        "code_version": code_version(),
        **(extra or {}),
    }
