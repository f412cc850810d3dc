"""Text folding every stage agrees on: case, Unicode, dashes, British spellings, slugs.

The lowest stage holds it because drug identity (ingest) and the effect
lexicon (vocabulary) must fold names the same way.
"""

from __future__ import annotations

import hashlib
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
    """ASCII slug (drug ids are ASCII by contract); empty when no Latin letter or digit survives."""
    text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def concept_slug(text: str) -> str:
    """Stable slug of an effect or condition in any script, for ``local:`` ids.

    Letters, digits and their combining marks of every script are kept in lower case
    (``головная боль`` -> ``головная-боль``, ``头痛`` stays ``头痛``); accents on Latin
    letters are dropped, so Latin text gets the same slug as :func:`slug`; anything else
    joins words with ``-``.  When no letter or digit survives (``★★``), the slug is
    ``h-`` and 12 hex digits of the text's SHA-256, still stable and never empty.
    """
    decomposed = unicodedata.normalize("NFKD", fold(text))
    kept: list[str] = []
    base_ascii = False
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category.startswith("M"):
            if kept and kept[-1] != "-" and not base_ascii:
                kept.append(ch)  # a mark of a non-Latin letter is part of it (Devanagari, Thai)
            continue
        if category[0] in "LN":
            kept.append(ch.lower())
            base_ascii = ch.isascii()
        elif kept and kept[-1] != "-":
            kept.append("-")
            base_ascii = False
    result = unicodedata.normalize("NFC", "".join(kept)).strip("-")
    if not result:
        digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
        return f"h-{digest[:12]}"
    return result


# No sentence on the real site is near this long (no line there exceeds 1,500 characters);
# prose readers look at longer running text in pieces of at most this size, so their work
# per page stays linear in its length whatever one line holds.
MAX_SENTENCE_CHARS = 2000


def bounded_pieces(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``text`` itself, or cut into pieces of at most ``limit`` characters.

    Cuts fall at the last clause boundary (``, `` or ``; ``) in the second half of the
    window, else at the last space, else at the limit.
    """
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(", ", 0, limit), text.rfind("; ", 0, limit))
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip(",; ")
    pieces.append(text)
    return pieces
