"""The Dagster UI: `dagster dev -w workspace.yaml` serves the code location and its lineage.

Started from Python in its own process group (dagster dev ignores SIGTERM when
backgrounded from a non-interactive shell) and killed as a group afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

QUERY = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path } }
  workspaceOrError { ... on Workspace { locationEntries { name } } } }
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    home = tmp_path_factory.mktemp("dagster-home")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster",
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                data = _graphql(port, QUERY)
                if data["assetNodes"]:
                    break
            except (OSError, KeyError, TypeError, ValueError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("dagster dev did not serve the workspace within 240 s")
            time.sleep(2)
        yield data
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_ui_serves_the_code_location(ui) -> None:
    names = [e["name"] for e in ui["workspaceOrError"]["locationEntries"]]
    assert names == ["drug_pages_pipeline"]


def test_ui_lineage_runs_from_raw_pages_to_published_files(ui) -> None:
    nodes = {"/".join(n["assetKey"]["path"]): n for n in ui["assetNodes"]}
    upstream = {
        key: {"/".join(d["path"]) for d in node["dependencyKeys"]} for key, node in nodes.items()
    }

    def ancestors(key: str) -> set[str]:
        seen: set[str] = set()
        stack = [key]
        while stack:
            for dep in upstream.get(stack.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        return seen

    assert {
        "raw_pages",
        "hpo_lexicon",
        "page_extractions",
        "side_effect_mentions",
        "side_effects",
    } <= ancestors("published/side_effects")
    assert "dosage_rules" not in ancestors(
        "side_effects"
    )  # merged tables depend on their own inputs
    assert nodes["published/side_effects"]["groupName"] == "publish"
    assert nodes["raw_pages"]["groupName"] == "ingest"
