"""Text normalisation shared by the lexicon and the phrases we look up in it.

Both sides go through :func:`normalise_phrase`, so a rule only has to be
consistent, not linguistically perfect ("diabetes" -> "diabete" on both
sides still matches).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.ingest.text import fold, us_spelling

_NOT_PLURAL = re.compile(r"(ss|us|is|ous|sis|xis|ies|as|os|ics)$")
_KEEP = frozenset(
    {
        "diabetes",
        "herpes",
        "measles",
        "mumps",
        "rabies",
        "scabies",
        "series",
        "species",
        "feces",
        "faeces",
        "stools",
        "lupus",
        "sepsis",
        "psoriasis",
        "ascites",
        "menses",
        "nares",
        "always",
        "news",
        "gas",
        "less",
        "loss",
        "was",
        "has",
        "this",
        "its",
        "pancreas",
        "thrombosis",
        "tetanus",
        "hiccups",
        "hives",
        "shingles",
        "rickets",
        "glasses",
        "blues",
    }
)


_ARTICLES = frozenset({"the", "a", "an", "your", "one"})


def singular(word: str) -> str:
    if word in _KEEP or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ch|sh|x|z)es$", word):
        return word[:-2]
    if re.search(r"(ch|sh)e$", word):
        return word[:-1]  # headache/headaches and rash/rashes must land on one key
    if word.endswith("s") and not _NOT_PLURAL.search(word):
        return word[:-1]
    return word


_OF_PHRASE = re.compile(r"^(?P<head>[a-z0-9 ]+?) (of|in) (?P<tail>[a-z0-9 ]+)$")


@lru_cache(maxsize=131072)
def normalise_phrase(text: str) -> str:
    """Canonical lookup key: folded, US-spelled, singular, punctuation-free."""
    text = us_spelling(fold(text))
    text = text.replace("&", " and ")
    text = re.sub(r"[-/_]", " ", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    text = text.replace("'s ", " ").replace("'", "")
    words = [singular(w) for w in text.split() if w not in _ARTICLES]
    return " ".join(words)


def of_inversion(key: str) -> str | None:
    """'swelling of the ankle' -> 'ankle swelling' (HPO often words it that way)."""
    match = _OF_PHRASE.match(key)
    if not match:
        return None
    return f"{match.group('tail')} {match.group('head')}"
