"""The body site a side-effect item speaks of, for its bare sensation words.

Topical, eye, nose and vaginal products list sensations without saying where:
"Eye irritation: burning, stinging, itching, redness, dryness", "Skin reactions: burning,
dryness, peeling", "Dryness or peeling of the skin".  The site is in the item's label, in
an organ-system heading above it, or in a short "A or B of the skin" item; a bare phrase
is then looked up at that site first ("eye dryness" is keratoconjunctivitis sicca, "skin
dryness" dry skin, "eye itching" ocular pruritus), and as it stands when the site gives
nothing.  Pure functions; the words are reviewed data (data/application_sites.csv).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pipeline.ingest.curated import alternation, read_csv_rows

SITES_CSV = Path(__file__).parent / "data" / "application_sites.csv"

# A label: the words before the item's first colon, short enough to be a name.
_LABEL = re.compile(r"^\s*(?:\*\*)?(?P<label>[^:.;]{1,60}?)(?:\*\*)?\s*:")
_MAX_LABEL_WORDS = 6
# A bare phrase has at most this many words (after modifiers are stripped).
_MAX_BARE_WORDS = 2


@cache
def _tables() -> tuple[dict[str, str], dict[str, tuple[str, ...]], re.Pattern[str]]:
    words: dict[str, str] = {}
    lookups: dict[str, list[str]] = {}
    for row in read_csv_rows(SITES_CSV):
        if row["kind"] == "word":
            words[row["word"]] = row["site"]
        elif row["kind"] == "lookup":
            lookups.setdefault(row["site"], []).append(row["word"])
        else:
            raise ValueError(f"{SITES_CSV.name}: unknown kind {row['kind']!r}")
    pattern = re.compile(rf"\b({alternation(sorted(words, key=len, reverse=True))})\b")
    return words, {site: tuple(forms) for site, forms in lookups.items()}, pattern


def _only_site(text: str) -> str | None:
    """The one site the text names, or None when it names none or several."""
    words, _, pattern = _tables()
    sites = {words[m.group(1)] for m in pattern.finditer(text.lower().replace("-", " "))}
    return sites.pop() if len(sites) == 1 else None


def _short_site_item(text: str) -> str | None:
    """ "Dryness or peeling of the skin": a short list of words ending at one site."""
    first = re.split(r"(?<=[.!?:])\s", text.strip(), maxsplit=1)[0].rstrip(".:").strip()
    match = re.fullmatch(
        r"(?P<head>[a-z ,/-]+?)\s+(?:of|on|in|around)\s+(?:the\s+|your\s+)?(?P<site>[a-z]+)",
        first.lower(),
    )
    if not match or len(first.split()) > 8 or not re.search(r"\b(?:or|and)\b|,", match["head"]):
        return None
    return _only_site(match["site"])


def application_site(raw_text: str, body_system: str | None = None) -> str | None:
    """The site the item's label, short form or organ-system heading names, else None."""
    label = _LABEL.match(raw_text)
    if label and len(label["label"].split()) <= _MAX_LABEL_WORDS:
        site = _only_site(label["label"])
        if site:
            return site
    site = _short_site_item(raw_text)
    if site:
        return site
    return _only_site(body_system) if body_system else None


def sited_phrases(phrase: str, site: str) -> list[str]:
    """The bare phrase as said at the site ("dryness" -> "eye dryness", "dryness of the eye");
    nothing for a phrase that is not bare (long, or naming a site of its own)."""
    words = phrase.lower().split()
    if not words or len(words) > _MAX_BARE_WORDS or _names_a_site(phrase):
        return []
    _, lookups, _ = _tables()
    return [form.replace("{}", phrase.lower()) for form in lookups.get(site, ())]


def _names_a_site(phrase: str) -> bool:
    _, _, pattern = _tables()
    return pattern.search(phrase.lower()) is not None
