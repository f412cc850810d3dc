"""clean_text: whitespace runs as one space, as the regex it replaced does it."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.markdown import clean_text

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def by_regex(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def test_every_whitespace_character_is_one_space() -> None:
    assert "\u00a0" in WHITESPACE and "\u2003" in WHITESPACE
    for space in WHITESPACE:
        text = f"{space}a{space}{space}b {space}"
        assert clean_text(text) == by_regex(text) == "a b"


@given(st.text(alphabet=st.sampled_from([*WHITESPACE, "a", "b", "-", "é", "\x00"]), max_size=30))
def test_same_as_the_regex_on_any_mix(text: str) -> None:
    assert clean_text(text) == by_regex(text)


@given(st.text(max_size=60))
def test_same_as_the_regex_on_any_text(text: str) -> None:
    assert clean_text(text) == by_regex(text)
