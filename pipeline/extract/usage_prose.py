"""Conditions in the running text of a Usage paragraph, where the trigger grammar finds none.

The indication reader (``indications.py``) reads use triggers ("used to treat",
"indicated for", "in people with").  Real-site Usage paragraphs also name the
condition after wordings such as "used as an adjunct to diet in managing ...",
"its topical use in treating minor burns", "for the relief of ...", often with a
leading qualifier ("symptomatic orthostatic hypotension", "stable type 2
diabetes").  This reader runs only on a page that gave no indicated condition,
so it never changes what the main reader found; a phrase counts only when it,
or its tail after up to three leading qualifier words, looks like a condition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pipeline.contract.vocabularies import IndicationStatus
from pipeline.extract.indications import (
    DISEASE_WORD,
    IndicationMention,
    looks_like_condition,
    normalise_condition,
    page_abbreviations,
    split_conditions,
)
from pipeline.extract.phrases import mask_parens
from pipeline.extract.populations import population_of
from pipeline.ingest.curated import read_csv_rows
from pipeline.ingest.document import ListBlock, Paragraph
from pipeline.ingest.pages import Page
from pipeline.ingest.text import slug
from pipeline.vocabulary.conditions import LOCAL_PREFIX
from pipeline.vocabulary.lexicon import Lexicon

# Wordings that introduce what the drug is for, beyond the main reader's triggers.
_CUE = re.compile(
    r"\b(?:in|for|with)\s+(?:the\s+)?(?:managing|treating|treatment\s+of|management\s+of"
    r"|relief\s+(?:of|from)|relieving|controlling|control\s+of|preventing|prevention\s+of"
    r"|alleviating|alleviation\s+of|reducing|therapy\s+of|therapy\s+for)\s+"
    r"|\b(?:used|prescribed|given|taken|applied|administered|employed|indicated)\s+"
    r"(?:(?:primarily|mainly|mostly|chiefly|commonly|often|typically|usually|also|topically"
    r"|orally)\s+)*(?:to\s+(?:treat|manage|control|relieve|prevent|alleviate|combat|address"
    r"|ease|reduce)|for|against|in)\s+"
    r"|\b(?:helps?|help)\s+(?:to\s+)?(?:treat|manage|relieve|control|prevent|with)\s+"
    r"|\b(?:patients|people|individuals|those|adults|children)\s+(?:suffering\s+from|with)\s+"
    r"|\bas\s+an?\s+(?:[\w-]+\s+){0,3}?(?:for|in|against)\s+"
    r"|\bprophylaxis\s+(?:\([^()]*\)\s+)?(?:of|against)\s+"
    r"|\bto\s+(?:reverse|counteract|correct)\s+"
    r"|\bsymptoms?\s+(?:associated\s+with|of)\s+"
    r"|\bwho\s+(?:have|has|suffer\s+from)\s+(?:an?\s+)?",
    re.IGNORECASE,
)
# Where the condition's phrase ends.
_END = re.compile(
    r"[.;:]|\s+(?:by|which|that|who|because|so that|to (?:help|improve|reduce|lower|prevent)"
    r"|and (?:is|it|can|may|to|helps?)|but|as well as|where|when|while|through|thereby"
    r"|caused by|due to|resulting from)\b",
    re.IGNORECASE,
)
_QUALIFIER_WORDS = 3
QUALIFIERS_CSV = Path(__file__).parent / "data" / "condition_qualifiers.csv"


def running_text_conditions(page: Page, lexicon: Lexicon | None) -> list[IndicationMention]:
    """Indicated conditions named in Usage running text, one per condition."""
    if page.root is None:
        return []
    abbreviations = page_abbreviations(page.root.text())
    found: dict[str, IndicationMention] = {}
    for sentence in usage_sentences(page):
        for name in _conditions(sentence, abbreviations, lexicon):
            found.setdefault(
                name,
                IndicationMention(
                    name, IndicationStatus.INDICATED, population_of(sentence), sentence
                ),
            )
    return list(found.values())


def usage_sentences(page: Page) -> Iterator[str]:
    """Every sentence of the Usage sections' paragraphs and list items, in page order.

    Both last-resort readers here look at Usage sentence by sentence; one walk keeps
    what they read the same."""
    if page.root is None:
        return
    for section in page.root.find("usage"):
        for _, block in section.walk():
            texts = [block.text] if isinstance(block, Paragraph) else []
            if isinstance(block, ListBlock):
                texts = [item.text for item in block.items if item.text]
            for text in texts:
                yield from re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text)


def _conditions(sentence: str, abbreviations: dict[str, str], lexicon: Lexicon | None) -> list[str]:
    if re.search(r"\bnot\b|\bn't\b|\bno\b", sentence, re.IGNORECASE):
        return []  # negations are the main reader's to read
    names: list[str] = []
    for cue in _CUE.finditer(sentence):
        rest = sentence[cue.end() :]
        end = _END.search(mask_parens(rest))
        phrase = rest[: end.start()] if end else rest
        for part in split_conditions(phrase, lexicon):
            name = _condition(part, abbreviations, lexicon)
            if name and name not in names:
                names.append(name)
    return names


def _condition(part: str, abbreviations: dict[str, str], lexicon: Lexicon | None) -> str | None:
    """The part, or its tail without leading qualifiers, when it looks like a condition."""
    name = normalise_condition(part, abbreviations)
    if not name:
        return None
    words = name.split()
    # "stable type 2 diabetes", "mild to moderate gout": qualifiers are not the name.
    while len(words) > 1 and (words[0] in _qualifiers() or words[0] in ("to", "and", "or")):
        words = words[1:]
    for drop in range(min(_QUALIFIER_WORDS, len(words) - 1) + 1):
        tail = " ".join(words[drop:])
        if looks_like_condition(tail, lexicon):
            return tail
    return None


@lru_cache(maxsize=1)
def _qualifiers() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_csv_rows(QUALIFIERS_CSV))


NAME_WORDS_CSV = Path(__file__).parent / "data" / "condition_name_words.csv"
# The last word of a group name: a disease word, or "conditions" ("inflammatory skin conditions").
_GROUP_HEAD = re.compile(rf"(?:{DISEASE_WORD.pattern}|conditions)", re.IGNORECASE)
# Most words of a group name the terminology has no code for.
_GROUP_NAME_WORDS = 5


def group_conditions(
    mentions: list[IndicationMention], anchored: list[IndicationMention]
) -> list[IndicationMention]:
    """Indicated phrases that name a group of conditions the terminology has no code for.

    The anchoring keeps only phrases that name a coded concept, which drops group names
    such as "gastrointestinal motility disorders" or "respiratory tract infections": a page
    whose Usage names nothing else would give no indication at all.  So, for such a page
    only, a phrase found by the readers (``mentions``, before anchoring) stays as a
    ``local:`` concept when it ends in a disease word and some other word of it says which
    group ("specific diseases", "various conditions" say nothing and stay out).
    """
    if any(m.status == IndicationStatus.INDICATED for m in anchored):
        return []
    out: dict[str, IndicationMention] = {}
    for mention in mentions:
        name = mention.condition_name
        words = name.split()
        if mention.status != IndicationStatus.INDICATED or not 2 <= len(words) <= _GROUP_NAME_WORDS:
            continue
        if not _GROUP_HEAD.fullmatch(words[-1]) or any(w in _vague_words() for w in words[:-1]):
            continue
        telling = [w for w in words[:-1] if not DISEASE_WORD.fullmatch(w)]
        if telling and name not in out:
            out[name] = IndicationMention(
                name,
                mention.status,
                mention.population,
                mention.raw_text,
                LOCAL_PREFIX + slug(name),
            )
    return list(out.values())


@lru_cache(maxsize=1)
def _vague_words() -> frozenset[str]:
    """Words that leave a group name unsaid ("certain", "various", "specific", ...)."""
    return frozenset(
        r["word"] for r in read_csv_rows(NAME_WORDS_CSV) if r["role"] in ("not_name", "vague")
    )


USE_CLASSES_CSV = Path(__file__).parent / "data" / "use_classes.csv"


@lru_cache(maxsize=1)
def _use_classes() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = {r["class"].lower(): r["condition"].lower() for r in read_csv_rows(USE_CLASSES_CSV)}
    names = sorted(rows, key=len, reverse=True)
    pattern = re.compile(
        r"\b(?:used|acts?|serves?|works?)\s+(?:[a-z]+ly\s+)?as\s+an?\s+(?:[\w-]+\s+)?("
        + "|".join(re.escape(n) for n in names)
        + r")s?\b",
        re.IGNORECASE,
    )
    return pattern, rows


def class_conditions(page: Page) -> list[IndicationMention]:
    """ "Ethylmorphine is used as a cough suppressant": the condition the class is for.

    Only where the usage section names no condition otherwise (the caller decides); the
    classes and their conditions are reviewed rows of ``data/use_classes.csv``."""
    if page.root is None:
        return []
    pattern, rows = _use_classes()
    found: dict[str, IndicationMention] = {}
    for sentence in usage_sentences(page):
        if re.search(r"\bnot\b|\bn't\b|\bno longer\b", sentence, re.IGNORECASE):
            continue
        for match in pattern.finditer(sentence):
            name = rows[match.group(1).lower()]
            found.setdefault(
                name,
                IndicationMention(
                    name, IndicationStatus.INDICATED, population_of(sentence), sentence
                ),
            )
    return list(found.values())
