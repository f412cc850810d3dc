"""Anchor a condition phrase on the condition vocabulary (ICD-10-CM + reviewed overrides).

The indication reader finds phrases; this module decides which of them are
conditions and where each one starts and ends.  A phrase is a condition when
some run of its words names a concept of the vocabulary, directly or through a
lay synonym the HPO lexicon knows (HPO's "heart attack" is "myocardial
infarction", which ICD-10-CM codes).  The name kept is that run, widened by the
neighbouring words that are themselves condition words ("relapsing-remitting"
before "multiple sclerosis"), and cut where a purpose, a population, a verb or a
situation begins ("heal duodenal ulcers", "acne vulgaris in individuals aged 12
years", "long-term prophylaxis of angina").  A phrase with no such run (a
dosage form, an ingredient, "primary use", "after exposure") is no condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.ingest.curated import read_csv_rows
from pipeline.vocabulary.conditions import ConditionConcept, ConditionVocabulary
from pipeline.vocabulary.lexicon import Lexicon
from pipeline.vocabulary.normalise import normalise_phrase

WORDS_CSV = Path(__file__).parent / "data" / "condition_name_words.csv"


def _words(role: str) -> frozenset[str]:
    words = [r["word"] for r in read_csv_rows(WORDS_CSV) if r["role"] == role]
    if role == "too_general":
        return frozenset(normalise_phrase(w) for w in words)
    return frozenset(words)


# Words never part of a condition's name: verbs and nouns of purpose, determiners,
# vague quantifiers; the name is cut at them.
_NOT_NAME_WORDS = _words("not_name")
# Words at which a name ends: what follows is a population, a cause, a time or a place.
_ENDS_NAME = _words("ends_name")
# Words too general to stand alone as the anchor of a name taken from a longer phrase.
_TOO_GENERAL = _words("too_general")


@dataclass(frozen=True)
class Anchored:
    name: str  # the phrase cut to the concept, lower case
    concept: ConditionConcept


def _concept_of(
    words: list[str], vocabulary: ConditionVocabulary, lexicon: Lexicon | None
) -> ConditionConcept | None:
    phrase = " ".join(words)
    concept = vocabulary.lookup(phrase)
    if concept is not None or lexicon is None:
        return concept
    # A lay or British name HPO knows: look its concept's name up instead.
    hpo = lexicon.lookup(phrase)
    if hpo is None or not hpo.effect_id.startswith("HP:"):
        return None
    for name in (hpo.effect_name, *_hpo_names(lexicon).get(hpo.effect_id, ())):
        bridged = vocabulary.lookup(name)
        if bridged is not None:
            return ConditionConcept(bridged.condition_id, bridged.label, "hpo_bridge")
    return None


_HPO_NAMES: dict[int, dict[str, tuple[str, ...]]] = {}


def _hpo_names(lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    """Every key of each HPO concept (its synonyms), most trusted first."""
    names = _HPO_NAMES.get(id(lexicon))
    if names is None:
        frame = lexicon.frame.sort_values(["rank", "key"])
        grouped: dict[str, list[str]] = {}
        for key, effect_id in zip(frame["key"], frame["effect_id"], strict=True):
            grouped.setdefault(effect_id, []).append(key)
        names = {k: tuple(v) for k, v in grouped.items()}
        _HPO_NAMES.clear()
        _HPO_NAMES[id(lexicon)] = names
    return names


# Adjectives by their ending ("variceal", "gastroesophageal"): part of a name even when the
# terminology never uses the word.
_ADJECTIVE = re.compile(r"^[a-z-]{4,}(?:al|ic|ous|ary|oid|tic)$")


# Adverbs ("primarily strokes", "usually mild") qualify a statement, never a name.
_ADVERB = re.compile(r"^[a-z]{3,}(?:ally|arily|ily|ely|ntly|stly|ly)$")
_NOT_ADVERB = frozenset({"anomaly", "family", "early", "belly", "monthly", "elderly"})


def _condition_word(word: str, vocabulary: ConditionVocabulary) -> bool:
    key = normalise_phrase(word)
    return (
        bool(key)
        and word not in _NOT_NAME_WORDS
        and word not in _ENDS_NAME
        and not (_ADVERB.match(word) and word not in _NOT_ADVERB)
        and (all(w in vocabulary.words for w in key.split()) or bool(_ADJECTIVE.match(word)))
    )


# Kept after a name: the situation that makes it a condition of its own ("nausea and vomiting
# during pregnancy") and the prevention a phrase names ("malaria prophylaxis").
_KEPT_AFTER = re.compile(
    r"^(?:(?:during|in) pregnancy|(?:pre-exposure |post-exposure )?(?:prophylaxis|prevention))\b"
)


def anchor_condition(
    phrase: str, vocabulary: ConditionVocabulary, lexicon: Lexicon | None = None
) -> Anchored | None:
    """The condition a phrase names, cut to the concept; None when it names none.

    Kept per phrase for each vocabulary and lexicon (both are read-only once built, and
    the answer is frozen): the indication and dosage readers anchor the same names again
    and again, and one anchoring tries every run of the phrase's words.
    """
    kept = _anchors(vocabulary, lexicon)
    if phrase in kept:
        return kept[phrase]
    found = _anchor_condition(phrase, vocabulary, lexicon)
    if len(kept) < _MAX_KEPT:
        kept[phrase] = found
    return found


_MAX_KEPT = 200_000


@lru_cache(maxsize=4)
def _anchors(
    vocabulary: ConditionVocabulary, lexicon: Lexicon | None
) -> dict[str, Anchored | None]:
    """The anchors found so far with this vocabulary and lexicon (a few pairs per process)."""
    return {}


def _anchor_condition(
    phrase: str, vocabulary: ConditionVocabulary, lexicon: Lexicon | None
) -> Anchored | None:
    text = re.sub(r"\s+", " ", phrase.lower()).strip(" ,.;:")
    # A dangling conjunction or article is no part of a name ("open-angle glaucoma and").
    text = re.sub(r"^(?:(?:and|or|the|a|an)\s+)+|(?:\s+(?:and|or|of|in|with|the))+$", "", text)
    words = text.split()
    if not words:
        return None
    whole = _concept_of(words, vocabulary, lexicon)
    if whole is not None:
        return Anchored(text, whole)
    n = len(words)
    for length in range(n - 1, 0, -1):
        for start in range(0, n - length + 1):
            window = words[start : start + length]
            if _KEPT_AFTER.match(" ".join(window)):
                continue
            if length == 1 and normalise_phrase(window[0]) in _TOO_GENERAL:
                continue
            if window[0] in _NOT_NAME_WORDS or window[-1] in _ENDS_NAME:
                continue
            concept = _concept_of(window, vocabulary, lexicon)
            if concept is None:
                continue
            return Anchored(" ".join(_widen(words, start, start + length, vocabulary)), concept)
    return None


def _widen(words: list[str], start: int, end: int, vocabulary: ConditionVocabulary) -> list[str]:
    """The anchored run plus adjacent condition words ("relapsing-remitting" before
    "multiple sclerosis"), up to the first word that is no part of a name."""
    for index in range(start - 1, -1, -1):
        if not _condition_word(words[index], vocabulary):
            break
        start = index
    for index in range(end, len(words)):
        if not _condition_word(words[index], vocabulary):
            break
        if words[index].endswith("ed") and words[index + 1 : index + 2] in ([], ["by"], ["with"]):
            break  # "appendicitis complicated by rupture": a participle starts a clause
        end = index + 1
    kept = _KEPT_AFTER.match(" ".join(words[end:]))
    if kept:
        end += len(kept.group(0).split())
    return words[start:end]
