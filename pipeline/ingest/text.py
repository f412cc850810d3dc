"""Text folding every stage agrees on: case, Unicode, dashes, British spellings, slugs.

The lowest stage holds it because drug identity (ingest) and the effect
lexicon (vocabulary) must fold names the same way.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.ingest.curated import curated_column, curated_pairs

DATA = Path(__file__).parent / "data"
_SPELLING_STEMS = curated_pairs(DATA / "spelling_variants.csv", "british", "american")
_IZE = re.compile(r"\b(\w{3,})is(e|ed|es|ing|ation)\b")
_IZE_EXCEPTIONS = frozenset(curated_column(DATA / "not_ize_words.csv", "word"))


def fold(text: str) -> str:
    """Unicode- and case-fold, unify dashes and quotes."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return text.lower()


def us_spelling(text: str) -> str:
    for british, american in _SPELLING_STEMS:
        text = text.replace(british, american)

    def _ize(match: re.Match[str]) -> str:
        if match.group(0) in _IZE_EXCEPTIONS:
            return match.group(0)
        return f"{match.group(1)}iz{match.group(2)}"

    return _IZE.sub(_ize, text)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
