"""The Dagster UI, looked at in a real browser.

Starts `dagster dev` (the README's command) on 127.0.0.1 at a free port over a temporary
instance holding one materialized run, reads the lineage over GraphQL, then opens the
global lineage and the side_effects asset page in headless Chromium (Debian's package,
driven by playwright; never a downloaded browser) and asserts that the pipeline's assets,
their checks and their column descriptions are on the page. Screenshots are saved to
tests/artifacts/ (git-ignored). The server runs in its own process group (dagster dev
ignores SIGTERM when started in the background of a non-interactive shell) and the whole
group is killed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from pipeline.contract.tables import ALL_TABLES, SIDE_EFFECTS
from pipeline.instance import prepare_home
from pipeline.runner import run_pipeline
from tests.conftest import SEEDS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 300

QUERY = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path } }
  workspaceOrError { ... on Workspace { locationEntries { name } } }
  runsOrError { ... on Runs { results { jobName status } } } }
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
    """(port, GraphQL answer) of a dagster dev serving an instance with one run."""
    root = tmp_path_factory.mktemp("ui")
    home = prepare_home(root / "dagster_home")
    raw = root / "raw"
    shutil.copytree(SEEDS, raw)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        summary = run_pipeline(raw, root / "out", cache_dir=root / "cache", instance=instance)
    assert summary.success
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    # Started outside the project folder, so the project's .env does not choose the instance.
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-w", str(REPO / "workspace.yaml")]
        + ["-h", "127.0.0.1", "-p", str(port)],
        cwd=root,
        env=env,
        stdout=(root / "dagster-dev.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                data = _graphql(port, QUERY)
                if data["assetNodes"]:
                    break
            except (OSError, KeyError, TypeError, ValueError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dagster-dev.log").read_text()[-3000:]
                pytest.fail(
                    f"dagster dev did not serve the workspace in {STARTUP_SECONDS} s:\n{log}"
                )
            time.sleep(2)
        yield port, data
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)


def test_ui_serves_the_code_location_and_the_run(ui) -> None:
    _, data = ui
    names = [e["name"] for e in data["workspaceOrError"]["locationEntries"]]
    assert names == ["drug_pages_pipeline"]
    runs = data["runsOrError"]["results"]
    assert [(r["jobName"], r["status"]) for r in runs] == [("refresh_all", "SUCCESS")]


def test_ui_lineage_runs_from_raw_pages_to_published_files(ui) -> None:
    _, data = ui
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
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

    assert {"raw_pages", "hpo_lexicon", "page_extractions", "side_effect_mentions"} <= ancestors(
        "published/side_effects"
    )
    assert "dosage_rules" not in ancestors("side_effects")  # merged tables: their own inputs
    assert {"raw_pages", "pages"} <= ancestors("published/page_problems")
    assert nodes["published/side_effects"]["groupName"] == "publish"
    assert nodes["raw_pages"]["groupName"] == "ingest"


def _dismiss_popups(page) -> None:
    """Close whatever dialog the UI opens on a first visit (the community sign-up, news)."""
    for _ in range(10):
        for name in ("Skip", "Dismiss", "Close", "Got it", "No thanks"):
            button = page.get_by_role("button", name=name, exact=True)
            if button.count() and button.first.is_visible():
                button.first.click()
        if not page.get_by_role("dialog").count():
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)


def _wait_for_popup(page, seconds: float = 8) -> None:
    """The sign-up dialog opens a few seconds after the first page: give it the time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.get_by_role("dialog").count():
            break
        page.wait_for_timeout(500)
    _dismiss_popups(page)


@pytest.fixture(scope="module")
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,  # a fresh --user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def test_browser_shows_the_lineage_of_every_asset(ui, browser_page) -> None:
    port, _ = ui
    page = browser_page
    page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="domcontentloaded")
    page.get_by_text("Global asset lineage").first.wait_for(timeout=120_000)
    _wait_for_popup(page)
    for group in ("ingest", "extract", "reconcile", "publish"):
        page.get_by_text(group, exact=True).first.wait_for(timeout=60_000)
    # Open every group of the sidebar's tree (left of the graph): it lists each asset by name.
    for arrow in page.locator('button:has([aria-label="arrow_drop_down"])').all():
        box = arrow.bounding_box()
        if box and box["x"] < 480:
            arrow.click()
            page.wait_for_timeout(300)
    page.get_by_text("raw_pages", exact=True).first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-lineage.png"))
    text = page.locator("body").inner_text()
    for asset in ("raw_pages", "pages", "page_problems", "hpo_lexicon", "page_extractions"):
        assert asset in text
    for table in ALL_TABLES:
        assert table in text
    assert "Materialize all" in text

    # One published file's lineage, stage by stage, back to the raw pages.
    page.goto(
        f"http://127.0.0.1:{port}/assets/published/side_effects"
        "?view=lineage&lineageScope=upstream&lineageDepth=6"
    )
    # Attached, not visible: with every stage upstream the graph may be zoomed out so far
    # that Dagster draws nodes without their labels.
    # (that side_effect_mentions is among its ancestors is asserted over GraphQL above).
    for name in ("raw_pages", "page_extractions", "side_effects"):
        page.get_by_text(name, exact=True).first.wait_for(state="attached", timeout=120_000)
    _dismiss_popups(page)
    page.wait_for_timeout(3000)
    page.screenshot(path=str(ARTIFACTS / "ui-published-lineage.png"))
    print(f"screenshot: {ARTIFACTS / 'ui-lineage.png'}")


def test_browser_shows_a_table_with_its_checks_and_column_descriptions(ui, browser_page) -> None:
    port, _ = ui
    page = browser_page
    page.goto(f"http://127.0.0.1:{port}/assets/side_effects?view=checks")
    page.get_by_text("matches_contract").first.wait_for(timeout=120_000)
    _dismiss_popups(page)
    page.wait_for_timeout(2000)
    checks = page.locator("body").inner_text()
    for check in ("matches_contract", "row_count_drift"):
        assert check in checks
    assert "blocking" in checks.lower()

    page.goto(f"http://127.0.0.1:{port}/assets/side_effects")
    page.get_by_text("Columns", exact=True).first.wait_for(timeout=120_000)
    _dismiss_popups(page)
    descriptions = SIDE_EFFECTS.column_descriptions
    page.get_by_text(descriptions["band_conflict"]).first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(ARTIFACTS / "ui-side-effects.png"), full_page=True)
    text = page.locator("body").inner_text()
    assert SIDE_EFFECTS.description in text
    for column, description in descriptions.items():
        assert column in text
        assert description in text, column
    assert "Row count" in text
    print(f"screenshot: {ARTIFACTS / 'ui-side-effects.png'}")
