"""Shared fixtures: the bundled pages, and the lexicon built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.pages import Page, parse_page
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.conditions import ConditionVocabulary, load_condition_vocabulary
from pipeline.vocabulary.lexicon import Lexicon

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
DEV = FIXTURES / "dev"
WRITTEN = FIXTURES / "written"


@pytest.fixture(scope="session")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    return load_lexicon(tmp_path_factory.mktemp("lexicon-cache")).lexicon


@pytest.fixture(scope="session")
def conditions(tmp_path_factory: pytest.TempPathFactory) -> ConditionVocabulary:
    return load_condition_vocabulary(tmp_path_factory.mktemp("conditions-cache"))


def page_from(markdown: str, page_id: str = "test.md") -> Page:
    """A page from markdown text, identity resolved as in ingest."""
    from pipeline.reconcile.identity import generic_name_field, resolve_identity

    page = parse_page(page_id, markdown.encode("utf-8"))
    if page.ok:
        identity = resolve_identity(page.title, generic_name_field(page.root))
        page.drug_id = identity.drug_id
    return page
