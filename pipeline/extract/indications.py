"""Indications of one page: conditions the drug is used for, or said not to be for.

Reads the page's usage sections: list items (each names a condition, with
an optional explanation) and sentences with a use trigger ("used to treat",
"approved for", "in people with", ...).  Negated triggers ("not approved
for", "does not work against", ...) give ``not_indicated``.  Abbreviations
are expanded from the page's own "Long name (ABBR)" pairs, then from a
curated table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.extract.phrases import (
    cut_explanation,
    parenthesis,
    split_outside_parens,
    strip_filler,
    top_level_split,
)
from pipeline.ingest.document import ListBlock, ListItem, Paragraph
from pipeline.ingest.pages import Page
from pipeline.vocabulary.lexicon import read_csv_rows
from pipeline.vocabulary.normalise import fold

ABBREVIATIONS_CSV = Path(__file__).parent / "data" / "abbreviations.csv"

INDICATED = "indicated"
NOT_INDICATED = "not_indicated"

_NEGATED = re.compile(
    r"\b(?:is |are )?(?:not|never)\s+(?:be\s+)?(?:approved|used|recommended|indicated|meant|intended|effective|licensed|suitable)"
    r"\s+(?:for\s+(?:the\s+)?(?:treatment|treating|management|prevention)\s+of|for|to\s+treat|in|against|as a treatment for)\b"
    r"|\b(?:should|must|may)\s+not\s+be\s+used\s+(?:to\s+treat|for|in)\b"
    r"|\bdoes\s+not\s+(?:work\s+(?:against|for|on)|treat|relieve|cure|prevent)\b"
    r"|\bdo\s+not\s+(?:work\s+(?:against|for|on)|treat|relieve|cure)\b"
    r"|\bis\s+not\s+(?:a\s+)?(?:treatment|cure)\s+for\b"
    r"|\bwill\s+not\s+(?:work\s+(?:against|for)|treat|cure)\b"
    r"|\bnot\s+for\s+(?:use\s+in|the\s+treatment\s+of|treating)?\b",
    re.IGNORECASE,
)
_TRIGGER = re.compile(
    r"\b(?:used\s+(?:alone\s+or\s+(?:together\s+)?with\s+other\s+(?:medicines|drugs)\s+)?(?:to\s+(?:treat|control|manage|prevent|relieve)|for(?:\s+the\s+(?:treatment|management|prevention)\s+of)?|in\s+the\s+treatment\s+of|in)"
    r"|(?:to\s+)?(?:treat|treats|control|controls|manage|manages|prevent|prevents)\b(?=\s+\w)"
    r"|(?:reduce|reduces|lower|lowers)\s+the\s+risk\s+of"
    r"|(?:indicated|approved|licensed|prescribed|recommended|useful|effective)\s+(?:for|in)(?:\s+the\s+(?:treatment|management|prevention)\s+of)?"
    r"|(?:treatment|management|prevention)\s+of"
    r"|add-on\s+(?:treatment|therapy)\s+for"
    r"|relieves|eases|brings\s+down"
    r"|in\s+(?:people|patients|adults|children)\s+with)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r",?\s+(?:as an adjunct|as add-on|together with|along with|alone or|to (?:lower|reduce|improve|help|protect)|and to\b"
    r"|which|that|who|when|because|so that|by\b|and is\b|and it\b|and can\b|but\b|and using|and (?:brings|eases|relieves))"
    r"|\s+in\s+(?:adults|children|people|patients|those|adolescents|infants|women|men)\b"
    r"|;|\.(?:\s|$)",
    re.IGNORECASE,
)
_NOT_CONDITION = re.compile(
    r"^(?:it|this|these|them|the|a|an|doctors?|patients?|people|adults|children|use|treatment|therapy"
    r"|medicines?|drugs?|tablets?|combination|other|many|some|blood sugar|cholesterol|ldl|total"
    r"|symptoms?|conditions?|disorders?|diseases?|infections?|problems?|such|both|either)$",
    re.IGNORECASE,
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|can|may|might|will|should|could|has|have|had|take|taking|taken|helps?"
    r"|works?|blocks?|increases?|decreases?|comes?|contains?|makes?|causes?|you|your|its|their)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IndicationMention:
    condition_name: str
    status: str
    population: str | None
    raw_text: str


@lru_cache(maxsize=1)
def curated_abbreviations() -> dict[str, str]:
    return {
        r["abbreviation"].lower(): r["expansion"].lower() for r in read_csv_rows(ABBREVIATIONS_CSV)
    }


def page_abbreviations(text: str) -> dict[str, str]:
    """'Major depressive disorder (MDD)' -> {'mdd': 'major depressive disorder'}."""
    found: dict[str, str] = {}
    for match in re.finditer(r"([A-Za-z][A-Za-z' -]{2,80}?)\s*\(([A-Z][A-Za-z]{1,7})\)", text):
        abbr = match.group(2)
        letters = [c.lower() for c in abbr if c.isupper()]
        words = re.split(r"[\s-]+", match.group(1).strip())
        # Take as many trailing words as the abbreviation has capitals.
        n = len(letters)
        if n == 0 or len(words) < n:
            continue
        candidate = words[-n:]
        if [w[0].lower() for w in candidate] == letters or candidate[0][0].lower() == letters[0]:
            found[abbr.lower()] = " ".join(candidate).lower()
    return found


def population_of(text: str) -> str | None:
    low = text.lower()
    if re.search(r"\b(older adults|elderly|geriatric|aged 65|65 years and older)\b", low):
        return "geriatric"
    adult = re.search(r"\badults?\b", low) is not None
    child = (
        re.search(
            r"\b(children|child|pediatric|paediatric|adolescents?|infants?|aged \d+ to \d+|\d+ (?:to|-) \d+ years)\b",
            low,
        )
        is not None
    )
    if adult and not child:
        return "adult"
    if child and not adult:
        return "pediatric"
    return None


def normalise_condition(phrase: str, abbreviations: dict[str, str]) -> str | None:
    phrase = phrase.strip().strip(".,:;*").strip()
    main, rename = parenthesis(phrase)
    candidate = main
    # 'ear infections (otitis media)': the parenthesis is the medical name.
    if (
        rename
        and not re.fullmatch(r"[A-Z][A-Za-z]{1,7}", rename)
        and len(rename.split()) <= 5
        and not _VERBISH.search(rename)
    ):
        candidate = rename
    candidate = strip_filler(fold(candidate))
    candidate = re.sub(
        r"^(?:the\s+)?(?:treatment|management|prevention|relief|risk|symptoms?|signs?)\s+of\s+",
        "",
        candidate,
    )
    candidate = re.sub(
        r"^(?:mild to moderate|moderate to severe|certain|some|other|various)\s+", "", candidate
    )
    candidate = re.sub(r"\s+", " ", candidate).strip(" ,.")
    key = candidate.lower()
    if key in abbreviations:
        candidate = abbreviations[key]
    elif key in curated_abbreviations():
        candidate = curated_abbreviations()[key]
    words = candidate.split()
    if not words or len(words) > 7 or _NOT_CONDITION.match(candidate) or _VERBISH.search(candidate):
        return None
    if re.search(r"\d+\s*(mg|mcg|ml|g)\b", candidate):
        return None
    return candidate.lower()


def split_conditions(text: str) -> list[str]:
    text = cut_explanation(text) if not text.endswith(")") else text
    parts: list[str] = []
    for fragment in top_level_split(text):
        fragment = re.sub(
            r"^(?:and|or|including|such as|e\.g\.)\s+", "", fragment.strip(), flags=re.IGNORECASE
        )
        examples = re.split(r"\s+(?:such as|including|like|e\.g\.)\s+", fragment, maxsplit=1)
        for piece in examples:
            parts.extend(
                split_outside_parens(
                    piece,
                    re.compile(
                        r"\s+(?:and|or|and/or)\s+(?!(?:\w+\s+)?(?:with|without)\b)", re.IGNORECASE
                    ),
                )
            )
    return parts


def extract_indications(page: Page) -> list[IndicationMention]:
    if page.root is None:
        return []
    sections = page.root.find("usage")
    full_text = page.root.text()
    abbreviations = page_abbreviations(full_text)
    found: dict[tuple[str, str], IndicationMention] = {}
    for section in sections:
        for path, block in section.walk():
            heading_text = " ".join(s.title for s in path[1:])
            heading_pop = population_of(heading_text)
            if isinstance(block, Paragraph):
                for sentence in _sentences(block.text):
                    for mention in _from_sentence(sentence, abbreviations, heading_pop):
                        found.setdefault((mention.condition_name, mention.status), mention)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    for mention in _from_item(item, abbreviations, heading_pop):
                        found.setdefault((mention.condition_name, mention.status), mention)
    # A condition both indicated and not indicated on one page: the negation is the
    # more specific statement ("not approved for X" after "used for X-like conditions").
    result = [
        m
        for m in found.values()
        if not (m.status == INDICATED and (m.condition_name, NOT_INDICATED) in found)
    ]
    return sorted(result, key=lambda m: (m.condition_name, m.status))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def _from_item(
    item: ListItem, abbreviations: dict[str, str], heading_pop: str | None
) -> list[IndicationMention]:
    text = item.full_text
    if _NEGATED.search(text) or _TRIGGER.search(text):
        mentions = _from_sentence(text, abbreviations, heading_pop)
        if mentions:
            return mentions
    name = item.label or item.text
    status = INDICATED
    population = population_of(text) or heading_pop
    out: list[IndicationMention] = []
    for part in split_conditions(name):
        condition = normalise_condition(part, abbreviations)
        if condition:
            out.append(IndicationMention(condition, status, population, text))
    return out


def _from_sentence(
    sentence: str, abbreviations: dict[str, str], heading_pop: str | None
) -> list[IndicationMention]:
    out: list[IndicationMention] = []
    negated = list(_NEGATED.finditer(sentence))
    spans: list[tuple[int, str]] = [(m.end(), NOT_INDICATED) for m in negated]
    negated_ranges = [(m.start(), m.end()) for m in negated]
    for match in _TRIGGER.finditer(sentence):
        if any(s <= match.start() < e + 1 for s, e in negated_ranges):
            continue
        spans.append((match.end(), INDICATED))
    for start, status in sorted(spans):
        rest = sentence[start:]
        end = _CLAUSE_END.search(rest)
        obj = rest[: end.start()] if end else rest
        population = population_of(rest[: (end.end() + 40) if end else len(rest)]) or heading_pop
        if status == NOT_INDICATED:
            population = None
        for part in split_conditions(obj):
            condition = normalise_condition(part, abbreviations)
            if condition:
                out.append(IndicationMention(condition, status, population, sentence))
    return out
