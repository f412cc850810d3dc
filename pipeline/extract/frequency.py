"""Frequency cues -> CIOMS bands and numeric bounds (output contract, 'Frequency bands').

Numbers beat words; a range takes the band of its upper end (upper bounds
are exclusive, as in EU leaflets: "up to 1 in 10" is common); a single rate
fills both bounds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.contract.vocabularies import BAND_ORDER, Band
from pipeline.ingest.curated import alternation, curated_pairs


@dataclass(frozen=True)
class FrequencyCue:
    band: str
    min_pct: float | None = None
    max_pct: float | None = None
    text: str = ""

    @property
    def numeric(self) -> bool:
        return self.min_pct is not None or self.max_pct is not None


def more_frequent(a: str, b: str) -> str:
    return a if BAND_ORDER[a] <= BAND_ORDER[b] else b


def band_for_rate(pct: float) -> str:
    """Band containing a stated rate or a lower bound (inclusive)."""
    if pct >= 10:
        return Band.VERY_COMMON
    if pct >= 1:
        return Band.COMMON
    if pct >= 0.1:
        return Band.UNCOMMON
    if pct >= 0.01:
        return Band.RARE
    return Band.VERY_RARE


def band_below(pct: float) -> str:
    """Band of values just under an exclusive upper bound."""
    if pct > 10:
        return Band.VERY_COMMON
    if pct > 1:
        return Band.COMMON
    if pct > 0.1:
        return Band.UNCOMMON
    if pct > 0.01:
        return Band.RARE
    return Band.VERY_RARE


_NUM = r"(\d+(?:[.,]\d+)?)"
_PCT = rf"{_NUM}\s*%"
# "1 in 10", "1 out of 10", "1 in every 10", and the SmPC notation "1/10".
_COUNT = r"(\d+(?:,\d{3})*)"
_OUT_OF = r"(?:in every|in|out of every|out of|per)"
_RATIO = rf"{_COUNT}\s*(?:\s{_OUT_OF}\s|/)\s*{_COUNT}"
_DASH = r"\s*(?:-|–|—|to|to under|to less than|and)\s*(?:<=?|≤)?\s*"

_LOWER_WORDS = r"(?:>=?|≥|more than|over|greater than|at least|above|in excess of)"
_UPPER_WORDS = r"(?:<=?|≤|less than|fewer than|under|below|up to|no more than)"


class _NoNumber(Exception):
    """A matched statement that gives no usable rate ("1 in 0", a number too large)."""


def _num(text: str) -> float:
    try:
        value = (
            float(text.replace(",", ""))
            if text.count(",") and len(text.split(",")[-1]) == 3
            else float(text.replace(",", "."))
        )
    except ValueError:
        raise _NoNumber(text) from None
    if not math.isfinite(value):
        raise _NoNumber(text)
    return value


def _ratio_pct(num: str, den: str) -> float:
    denominator = _num(den)
    if denominator <= 0:
        raise _NoNumber(f"{num} in {den}")
    value = 100.0 * _num(num) / denominator
    if not math.isfinite(value):
        raise _NoNumber(f"{num} in {den}")
    return round(value, 6)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1-10%, 1% to 10%, 1% to under 10%, between 1 and 10%
    ("range", re.compile(rf"(?:between\s+)?{_NUM}\s*%?{_DASH}{_PCT}")),
    # 1 in 100 to 1 in 10, between 1 in 100 and 1 in 10
    ("ratio_range", re.compile(rf"(?:between\s+)?{_RATIO}{_DASH}{_RATIO}")),
    # 1 to 10 in 100 people, between 1 and 10 in every 1,000: one denominator shared
    (
        "shared_ratio_range",
        re.compile(rf"(?:between\s+)?{_COUNT}{_DASH}{_COUNT}\s+{_OUT_OF}\s+{_COUNT}"),
    ),
    ("lower_pct", re.compile(rf"{_LOWER_WORDS}\s*{_PCT}")),
    ("lower_pct_after", re.compile(rf"{_PCT}\s*(?:or more|or greater|or higher|and above|\+)")),
    ("upper_pct", re.compile(rf"{_UPPER_WORDS}\s*{_PCT}")),
    ("lower_ratio", re.compile(rf"{_LOWER_WORDS}\s*{_RATIO}")),
    ("upper_ratio", re.compile(rf"{_UPPER_WORDS}\s*{_RATIO}")),
    ("single_pct", re.compile(rf"{_PCT}")),
    (
        "single_ratio",
        re.compile(rf"\b{_RATIO}\s+(?:people|patients|persons|users|adults|children)"),
    ),
]


def _word_cues() -> list[tuple[str, re.Pattern[str]]]:
    """Band word cues from the curated file: one pattern per band, bands in file order."""
    by_band: dict[str, list[str]] = {}
    for band, cue in curated_pairs(
        Path(__file__).parent / "data" / "frequency_cues.csv", "band", "cue"
    ):
        by_band.setdefault(band, []).append(cue)
    return [(band, re.compile(alternation(cues))) for band, cues in by_band.items()]


# "common cold" names an illness, not a frequency (the cues' negative lookaheads).
_WORD_CUES = _word_cues()


def numeric_cue(text: str) -> FrequencyCue | None:
    """Bounds and band from numbers in ``text`` (first statement wins)."""
    low = text.lower().replace("–", "-").replace("—", "-")
    found: list[tuple[int, int, FrequencyCue]] = []
    for kind, pattern in _PATTERNS:
        match = pattern.search(low)
        if not match:
            continue
        try:
            cue = _cue_from_match(kind, match)
        except _NoNumber:
            continue  # the statement gives no rate: other statements may
        if cue is not None:
            found.append((match.start(), match.end(), cue))
    if not found:
        return None
    # The earliest statement wins; one starting with it (give or take a "≥") and running
    # further says more: "≥1/100 to <1/10" is a range, not just "≥1/100".
    first = min(start for start, _, _ in found)
    candidates = [f for f in found if f[0] <= first + 1]
    return max(candidates, key=lambda f: (f[1], -f[0]))[2]


def _cue_from_match(kind: str, m: re.Match[str]) -> FrequencyCue | None:
    text = m.group(0).strip()
    if kind == "range":
        lo, hi = sorted((_num(m.group(1)), _num(m.group(2))))
        return FrequencyCue(band_below(hi), lo, hi, text)
    if kind == "ratio_range":
        a, b = _ratio_pct(m.group(1), m.group(2)), _ratio_pct(m.group(3), m.group(4))
        lo, hi = sorted((a, b))
        return FrequencyCue(band_below(hi), lo, hi, text)
    if kind == "shared_ratio_range":
        a, b = _ratio_pct(m.group(1), m.group(3)), _ratio_pct(m.group(2), m.group(3))
        lo, hi = sorted((a, b))
        return FrequencyCue(band_below(hi), lo, hi, text)
    if kind in ("lower_pct", "lower_pct_after"):
        value = _num(m.group(1))
        return FrequencyCue(band_for_rate(value), value, None, text)
    if kind == "upper_pct":
        value = _num(m.group(1))
        return FrequencyCue(band_below(value), None, value, text)
    if kind == "lower_ratio":
        value = _ratio_pct(m.group(1), m.group(2))
        return FrequencyCue(band_for_rate(value), value, None, text)
    if kind == "upper_ratio":
        value = _ratio_pct(m.group(1), m.group(2))
        return FrequencyCue(band_below(value), None, value, text)
    if kind == "single_pct":
        value = _num(m.group(1))
        if value > 100:
            return None
        return FrequencyCue(band_for_rate(value), value, value, text)
    if kind == "single_ratio":
        value = _ratio_pct(m.group(1), m.group(2))
        return FrequencyCue(band_for_rate(value), value, value, text)
    return None


def word_cue(text: str) -> FrequencyCue | None:
    """Band from frequency words.

    The first cue in reading order counts ("rare, most often in the first
    weeks" is rare); two cues joined as a range ("uncommon or rare",
    "common to very common") give the more frequent band.
    """
    low = text.lower()
    found: list[tuple[int, int, str, str]] = []
    consumed = low
    for band, pattern in _WORD_CUES:
        for match in pattern.finditer(consumed):
            found.append((match.start(), match.end(), band, match.group(0)))
        # Blank out matched words (same length) so "very rare" is not also Band.RARE.
        consumed = pattern.sub(lambda m: " " * len(m.group(0)), consumed)
    if not found:
        return None
    found.sort()
    _, end, band, words = found[0]
    if len(found) > 1:
        start_next, _, band_next, words_next = found[1]
        joined = re.fullmatch(r"\s*(?:or|to|-|–|/|and)\s*", low[end:start_next])
        if joined and BAND_ORDER[band_next] < BAND_ORDER[band]:
            band, words = band_next, words_next
    return FrequencyCue(band, None, None, words)


def governing_cue(own: FrequencyCue | None, enclosing: FrequencyCue | None) -> FrequencyCue | None:
    """The cue an item's band comes from, given its own cue and its heading's or lead-in's.

    Contract: the item's own cue wins word against word, but numbers win over words
    wherever each stands, so a heading's ``Very rare (<0.01%)`` beats an item's word
    ("frequent urge to urinate") while an item's own number beats everything.
    """
    if own is None:
        return enclosing
    if enclosing is not None and enclosing.numeric and not own.numeric:
        return enclosing
    return own


@lru_cache(maxsize=65536)
def frequency_cue(text: str) -> FrequencyCue | None:
    """Numbers win over words within one piece of text.

    Kept per text (the cue is frozen): a heading's or lead-in's cue is asked for again
    for every item under it, and about half the calls repeat an earlier text.
    """
    return numeric_cue(text) or word_cue(text)
