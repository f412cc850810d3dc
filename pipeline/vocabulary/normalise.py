"""Text normalisation shared by the lexicon and the phrases we look up in it.

Both sides go through :func:`normalise_phrase`, so a rule only has to be
consistent, not linguistically perfect ("diabetes" -> "diabete" on both
sides still matches).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pipeline.ingest.curated import alternation, curated_pairs
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


_QUALIFIERS = Path(__file__).parent / "data" / "phrase_qualifiers.csv"


def _words(kind: str) -> str:
    words = [w for w, k in curated_pairs(_QUALIFIERS, "word", "kind") if k == kind]
    # Longest first, so "iv infusion" is tried before "iv".
    return alternation(sorted(words, key=lambda w: (-len(w), w)))


_SITE = _words("site")
_PLACE = r"(?:site|area|areas|spot|skin)"
_REWRITES = (
    # "injection site pain", "local application site reaction"
    re.compile(rf"^(?:local )?(?:{_SITE}) {_PLACE} (?P<rest>.+)$"),
    # "pain at injection site", "swelling around iv infusion site", "rash on treated area"
    re.compile(rf"^(?P<rest>.+?) (?:at|on|in|around|near|over|of|along) (?:{_SITE}) {_PLACE}$"),
    # "stinging upon application", "pain after injection"
    re.compile(rf"^(?P<rest>.+?) (?:upon|on|after|during|following|with) (?:{_SITE})$"),
    # "pain at site of injection"
    re.compile(rf"^(?P<rest>.+?) (?:at|on|in|around) {_PLACE} of (?:{_SITE})$"),
    # "burning where cream is applied", "itching where it wa used"
    re.compile(
        r"^(?P<rest>.+?) where (?:\w+ ){0,5}?(?:applied|injected|given|used|inserted|administered"
        r"|sprayed|placed)$"
    ),
    re.compile(rf"^(?:{_words('lead')}) (?P<rest>.+)$"),
    re.compile(rf"^(?P<rest>.+?) (?:{_words('trail')})$"),
)
_MAX_VARIANTS = 24


def key_variants(key: str) -> list[str]:
    """Lookup keys to try, in order, for a key the lexicon may not hold as it stands.

    The key itself, its "X of Y" inversion, then the key without a qualifier that names
    no other effect (an administration site, a leading "of" left by a split, a trailing
    "symptoms"), one qualifier at a time and then combined, breadth first, so the most
    literal reading is tried first.  Bounded: a key yields at most ``_MAX_VARIANTS``.
    """
    seen: list[str] = []
    queue = [key]
    while queue and len(seen) < _MAX_VARIANTS:
        current = queue.pop(0)
        if not current or current in seen:
            continue
        seen.append(current)
        inverted = of_inversion(current)
        if inverted and inverted not in seen:
            seen.append(inverted)
        for pattern in _REWRITES:
            match = pattern.match(current)
            if match and len(match.group("rest")) > 2:
                queue.append(match.group("rest"))
    return seen[:_MAX_VARIANTS]
