"""The word-by-word answer of a curated word pattern is the plain regex search's answer."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.indications import DISEASE_WORD, DISEASE_WORDS, HEADING_DISEASE_WORDS
from pipeline.extract.word_endings import WordEndPatterns

FIXTURES = Path(__file__).parent.parent / "fixtures"

# Alternatives of every kind the matcher sorts: word-only ones, ones that span a hyphen or a
# space (searched in the whole text), ones that match the empty string, look-arounds.
MIXED = [
    r"disorders?",
    r"\w+algia",
    r"allerg(?:y|ies)",
    r"covid-19",
    r"heart attack",
    r"s?",
    r"(?<!non)toxic",
    r"tumou?rs?",
]
PIECES = [
    "disorder",
    "disorders",
    "xdisorder",
    "neuralgia",
    "algia",
    "allergies",
    "covid",
    "-",
    "19",
    "heart",
    "attack",
    "nontoxic",
    "toxic",
    "tumours",
    "Spain",
    "pain",
    "İ",
    "ſ",
    "é",
    "1",
    " ",
    ",",
    "(",
    ")",
]


def plain(alternatives: list[str], text: str) -> bool:
    return re.search(rf"({'|'.join(alternatives)})\b", text, re.IGNORECASE) is not None


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_same_answer_as_the_regex_on_built_texts(text: str) -> None:
    matcher = WordEndPatterns(MIXED)
    assert matcher.search(text) == plain(MIXED, text)
    # Asked twice (the second answer comes from the kept words).
    assert matcher.search(text) == plain(MIXED, text)


@given(st.text(max_size=40))
def test_same_answer_as_the_regex_on_any_text(text: str) -> None:
    assert WordEndPatterns(MIXED).search(text) == plain(MIXED, text)


def test_disease_words_answer_as_their_pattern_on_the_fixture_pages() -> None:
    lines = [
        line
        for page in sorted(FIXTURES.rglob("*.md"))
        for line in page.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    phrases = [piece for line in lines for piece in re.split(r"[.;:]", line) if piece.strip()]
    assert len(phrases) > 1000
    found = 0
    for phrase in phrases:
        expected = DISEASE_WORD.search(phrase) is not None
        assert DISEASE_WORDS.search(phrase) == expected, phrase
        found += expected
        heading = HEADING_DISEASE_WORDS.pattern.search(phrase) is not None
        assert HEADING_DISEASE_WORDS.search(phrase) == heading, phrase
    assert 0 < found < len(phrases)  # both answers occur
