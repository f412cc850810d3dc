"""The project's Dagster instance: one place where every run is recorded.

``pipeline run``, ``dagster dev -w workspace.yaml`` (through the ``.env`` file in the
project folder) and the daemon's schedule and sensor all use the same ``DAGSTER_HOME``,
so a run started from any of them shows in the UI with its logs, metadata and checks.
The instance folder is ``.dagster_home/`` in the project; only its ``dagster.yaml``
(telemetry off, one run at a time) is committed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
HOME_NAME = ".dagster_home"
TEMPLATE = PROJECT_ROOT / HOME_NAME / "dagster.yaml"
# Used when the package is installed outside its checkout (no committed template there).
DEFAULT_CONFIG = "telemetry:\n  enabled: false\n"


def project_home() -> Path:
    """``DAGSTER_HOME`` when set, else ``.dagster_home`` beside workspace.yaml.

    Without a checkout (an installed package), the folder is made in the working directory.
    """
    configured = os.environ.get("DAGSTER_HOME")
    if configured:
        return Path(configured)
    root = PROJECT_ROOT if (PROJECT_ROOT / "workspace.yaml").exists() else Path.cwd()
    return root / HOME_NAME


def prepare_home(home: Path) -> Path:
    """Make ``home`` a usable instance folder: created, with a ``dagster.yaml`` (telemetry off)."""
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        if TEMPLATE.exists():
            shutil.copyfile(TEMPLATE, config)
        else:
            config.write_text(DEFAULT_CONFIG, encoding="utf-8")
    return home


def project_instance() -> dg.DagsterInstance:
    """The persistent instance the UI reads (see module docstring)."""
    home = prepare_home(project_home())
    return dg.DagsterInstance.from_config(str(home))
