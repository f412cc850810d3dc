"""Shared fixtures: the bundled pages, and the lexicon built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline.ingest.pages import Page, parse_page
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.lexicon import Lexicon

# Property-based tests: a bounded, reproducible number of examples by default (CI); a
# larger search on demand with HYPOTHESIS_PROFILE=deep (see README, "Run the tests").
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
DEV = FIXTURES / "dev"
WRITTEN = FIXTURES / "written"


@pytest.fixture(scope="session")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    return load_lexicon(tmp_path_factory.mktemp("lexicon-cache")).lexicon


def page_from(markdown: str, page_id: str = "test.md") -> Page:
    """A page from markdown text, identity resolved as in ingest."""
    from pipeline.ingest.identity import generic_name_field, resolve_identity

    page = parse_page(page_id, markdown.encode("utf-8"))
    if page.ok:
        identity = resolve_identity(page.title, generic_name_field(page.root))
        page.drug_id = identity.drug_id
    return page
