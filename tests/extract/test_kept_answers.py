"""Answers kept per text (lru_cache and per-vocabulary memos) are the answers computed afresh.

Each kept function is asked twice over phrases and clauses from the fixture pages and
compared with its uncached body, so a cache that kept a stale or shared answer fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract import conditions as anchoring
from pipeline.extract import frequency, indications, phrases, populations, quantities
from pipeline.extract.dosage import tags, triggers
from pipeline.extract.indications import page_abbreviations
from pipeline.extract.side_effects import Resolver

FIXTURES = Path(__file__).parent.parent / "fixtures"


def fixture_texts() -> list[str]:
    """Sentences and comma fragments of every fixture page (about 16,000 distinct texts)."""
    texts: set[str] = set()
    for page in sorted(FIXTURES.rglob("*.md")):
        for line in page.read_text(encoding="utf-8", errors="replace").splitlines():
            line = re.sub(r"^[\s*#>|-]+|\*\*", "", line).strip()
            for sentence in re.split(r"(?<=[.!?])\s+", line):
                if sentence:
                    texts.add(sentence)
                    texts.update(p.strip() for p in sentence.split(",") if p.strip())
    return sorted(texts)


# Every fourth: enough texts of every kind, in a few seconds.
TEXTS = fixture_texts()[::4]


def test_the_fixture_texts_are_many() -> None:
    assert len(TEXTS) > 2000


@pytest.mark.parametrize(
    "kept",
    [
        phrases.mask_parens,
        phrases.cut_explanation,
        phrases.strip_filler,
        phrases.strip_modifiers,
        frequency.frequency_cue,
        populations.population_of,
    ],
    ids=lambda f: f.__name__,
)
def test_kept_string_functions_answer_as_their_bodies(kept) -> None:
    for text in TEXTS:
        fresh = kept.__wrapped__(text)
        assert kept(text) == fresh, text
        assert kept(text) == fresh, text


def test_triggers_and_amounts_are_fresh_lists_with_the_computed_answer() -> None:
    for text in TEXTS:
        fresh = list(triggers._triggers.__wrapped__(text))
        found = triggers.find_triggers(text)
        assert found == fresh, text
        found.append((0, 0, "changed"))  # a caller changing its list changes no later answer
        assert triggers.find_triggers(text) == fresh, text
        amounts = list(quantities._amounts.__wrapped__(text))
        assert quantities.find_amounts(text) == amounts, text
        quantities.find_amounts(text).clear()
        assert quantities.find_amounts(text) == amounts, text


def test_normalised_conditions_are_kept_per_page_abbreviations() -> None:
    abbreviations = page_abbreviations(" ".join(TEXTS))
    assert abbreviations  # the fixture pages define some "Long name (ABBR)" pairs
    for text in TEXTS:
        for abbr in ({}, abbreviations):
            for keep in (False, True):
                fresh = indications._normalise_condition(text, dict(abbr), keep)
                assert indications.normalise_condition(text, abbr, keep) == fresh, text
                assert indications.normalise_condition(text, abbr, keep) == fresh, text
    # The same phrase under another page's abbreviations gives that page's expansion.
    assert indications.normalise_condition("XYZQ", {"xyzq": "first long name"}) == (
        "first long name"
    )
    assert indications.normalise_condition("XYZQ", {"xyzq": "second long name"}) == (
        "second long name"
    )


def test_anchors_are_kept_per_vocabulary_and_lexicon(lexicon, conditions) -> None:
    # Phrases of a condition name's length (the readers anchor phrases, not sentences).
    for text in (t for t in TEXTS if len(t.split()) <= 6):
        for lex in (None, lexicon):
            fresh = anchoring._anchor_condition(text, conditions, lex)
            assert anchoring.anchor_condition(text, conditions, lex) == fresh, text
            assert anchoring.anchor_condition(text, conditions, lex) == fresh, text


def test_strengths_are_fresh_lists_with_the_computed_answer() -> None:
    for text in TEXTS:
        fresh = list(tags._strengths.__wrapped__(text))
        assert tags.tag_strengths(text) == fresh, text
        tags.tag_strengths(text).clear()
        assert tags.tag_strengths(text) == fresh, text


def test_resolved_phrases_are_shared_by_pages_of_one_lexicon(lexicon) -> None:
    first, second = Resolver(lexicon), Resolver(lexicon)
    for text in TEXTS:
        fresh = first._resolve(text)
        assert first.resolve(text) == fresh, text
        assert second.resolve(text) == fresh, text  # another page, the kept answer
