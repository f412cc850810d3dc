"""Text normalisation shared by the lexicon and the phrases we look up in it.

Both sides go through :func:`normalise_phrase`, so a rule only has to be
consistent, not linguistically perfect ("diabetes" -> "diabete" on both
sides still matches).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# British -> US spellings seen in drug leaflets; applied to whole words or word stems.
_SPELLING_STEMS: list[tuple[str, str]] = [
    ("oesophag", "esophag"),
    ("oedema", "edema"),
    ("oestrogen", "estrogen"),
    ("haemorrhag", "hemorrhag"),
    ("haemat", "hemat"),
    ("haemo", "hemo"),
    ("haem", "hem"),
    ("anaemi", "anemi"),
    ("anaesthe", "anesthe"),
    ("leukaemi", "leukemi"),
    ("glycaemi", "glycemi"),
    ("kalaemi", "kalemi"),
    ("natraemi", "natremi"),
    ("lipidaemi", "lipidemi"),
    ("uricaemi", "uricemi"),
    ("diarrhoea", "diarrhea"),
    ("dyspnoea", "dyspnea"),
    ("apnoea", "apnea"),
    ("amenorrhoea", "amenorrhea"),
    ("gonorrhoea", "gonorrhea"),
    ("faec", "fec"),
    ("foet", "fet"),
    ("paediatr", "pediatr"),
    ("behaviour", "behavior"),
    ("tumour", "tumor"),
    ("colour", "color"),
    ("sulph", "sulf"),
    ("aluminium", "aluminum"),
    # General British endings, after the whole words above: paraesthesia, hyperaesthesia,
    # septicaemia, uraemia, ischaemia, rhinorrhoea, steatorrhoea, coeliac.
    ("aesthe", "esthe"),
    ("aemi", "emi"),
    ("ischaem", "ischem"),
    ("oea", "ea"),
    ("coeliac", "celiac"),
    ("aetiolog", "etiolog"),
    ("odour", "odor"),
    ("fibre", "fiber"),
]
_IZE = re.compile(r"\b(\w{3,})is(e|ed|es|ing|ation)\b")
_IZE_EXCEPTIONS = frozenset(
    {
        "exercise",
        "advise",
        "supervise",
        "revise",
        "surprise",
        "comprise",
        "bruise",
        "bruised",
        "bruises",
        "bruising",
        "praise",
        "promise",
        "precise",
        "concise",
        "devise",
        "noise",
        "otherwise",
        "expertise",
        "enterprise",
        "compromise",
        "premise",
        "incise",
        "excise",
        "circumcise",
        "paradise",
        "disguise",
        "exercised",
        "exercising",
        "advised",
        "supervised",
        "raised",
        "raising",
        "arise",
        "arising",
        "arises",
        "poise",
        "poised",
        "reprise",
    }
)

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


def is_concept_slug(text: str) -> bool:
    """True for what :func:`concept_slug` can return (the contract's ``local:<slug>``)."""
    if not text or text.startswith("-") or text.endswith("-") or "--" in text:
        return False
    for ch in text:
        if ch == "-":
            continue
        category = unicodedata.category(ch)
        if category[0] not in "LNM" or ch != ch.lower():
            return False
    return True
