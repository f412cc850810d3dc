"""Stages import only stages below them: the layering the README's layout describes.

contract < ingest < vocabulary < extract < reconcile | pagework < publish | evaluate
| query < defs < the application modules (definitions, runner, cli, bench).  Every
import of every module is read (including imports inside functions); an import
of a stage above, or of a sibling stage on the same level, fails the test, so no
two stages can import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
LAYERS = {
    "contract": 0,
    "ingest": 1,
    "vocabulary": 2,
    "extract": 3,
    "reconcile": 4,
    "pagework": 4,
    "publish": 5,
    "evaluate": 5,
    "query": 5,
    "defs": 6,
}
APPLICATION = 7  # top-level modules: pipeline/definitions.py, runner.py, cli.py, bench.py


def _stage(module: str) -> str:
    """'pipeline.extract.dosage.rules' -> 'extract'; 'pipeline.runner' -> 'runner'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def _layer(stage: str) -> int:
    return LAYERS.get(stage, APPLICATION)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "pipeline":  # from pipeline import runner
                found += [(node.lineno, f"pipeline.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("pipeline.")]


def layering_problems(package: Path = PACKAGE) -> list[str]:
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        module = ".".join(("pipeline", *path.relative_to(package).with_suffix("").parts))
        own = _stage(module)
        for line, imported in _imports(path):
            target = _stage(imported)
            if target == own or _layer(own) == _layer(target) == APPLICATION:
                continue  # within a stage, or between the application modules
            if _layer(target) >= _layer(own):
                problems.append(
                    f"{path.relative_to(package.parent)}:{line}: {own or module} imports "
                    f"{imported} ({target}, not below it)"
                )
    return problems


def test_every_stage_imports_only_stages_below_it() -> None:
    assert layering_problems() == []


def test_every_stage_folder_has_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS)


def test_an_upward_or_sibling_import_is_reported(tmp_path: Path) -> None:
    for stage, source in (
        ("ingest", "from pipeline.reconcile.merge import merge\n"),
        ("query", "def f():\n    from pipeline.publish import writer\n"),
        ("extract", "import pipeline.defs.assets\n"),
    ):
        (tmp_path / stage).mkdir()
        (tmp_path / stage / "__init__.py").write_text("")
        (tmp_path / stage / "bad.py").write_text(source)
    assert len(layering_problems(tmp_path)) == 3
