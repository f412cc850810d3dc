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
from functools import lru_cache
from pathlib import Path

from pipeline.contract.vocabularies import IndicationStatus
from pipeline.extract.indications import (
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
    for section in page.root.find("usage"):
        for _, block in section.walk():
            texts = [block.text] if isinstance(block, Paragraph) else []
            if isinstance(block, ListBlock):
                texts = [item.text for item in block.items if item.text]
            for text in texts:
                for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text):
                    for name in _conditions(sentence, abbreviations, lexicon):
                        found.setdefault(
                            name,
                            IndicationMention(
                                name,
                                IndicationStatus.INDICATED,
                                population_of(sentence),
                                sentence,
                            ),
                        )
    return list(found.values())


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
