"""Frequency cues -> bands and bounds, one case per contract rule."""

from __future__ import annotations

import pytest

from pipeline.extract.frequency import band_below, band_for_rate, frequency_cue, more_frequent


@pytest.mark.parametrize(
    ("text", "band", "low", "high"),
    [
        (">10%", "very_common", 10, None),
        ("more than 1 in 10 people", "very_common", 10, None),
        ("10% or more", "very_common", 10, None),
        ("1-10%", "common", 1, 10),
        ("1% to under 10%", "common", 1, 10),
        ("reported in 1–10% of patients", "common", 1, 10),
        ("up to 1 in 100", "uncommon", None, 1),
        ("<1%", "uncommon", None, 1),
        ("Common (may affect up to 1 in 10 people)", "common", None, 10),
        ("Rare (may affect up to 1 in 1,000 people)", "rare", None, 0.1),
        ("Nasopharyngitis (8.3%)", "common", 8.3, 8.3),
        ("about 0.7%", "uncommon", 0.7, 0.7),
        ("0.01% to 0.1%", "rare", 0.01, 0.1),
        ("in at least 2% of patients", "common", 2, None),
        ("Serious (uncommon or rare, under 1%)", "uncommon", None, 1),
    ],
)
def test_numbers(text: str, band: str, low: float | None, high: float | None) -> None:
    cue = frequency_cue(text)
    assert cue is not None and (cue.band, cue.min_pct, cue.max_pct) == (band, low, high)


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("Very common side effects", "very_common"),
        ("The most common side effects are", "very_common"),
        ("Common side effects include", "common"),
        ("This is a frequently reported side effect", "common"),
        ("It often happens", "common"),
        ("Less common side effects", "uncommon"),
        ("seen occasionally in blood tests", "uncommon"),
        ("Infrequent", "uncommon"),
        ("A rare but serious reaction", "rare"),
        ("rarely reported", "rare"),
        ("very rare", "very_rare"),
        ("extremely rare", "very_rare"),
        ("isolated cases", "very_rare"),
        ("uncommon or rare", "uncommon"),
    ],
)
def test_words(text: str, band: str) -> None:
    cue = frequency_cue(text)
    assert cue is not None and cue.band == band and not cue.numeric


def test_numbers_win_over_words_in_one_text() -> None:
    cue = frequency_cue("Less Common Side Effects (1-10%)")
    assert cue is not None and cue.band == "common" and cue.numeric


def test_no_cue() -> None:
    assert frequency_cue("Side effects that have been reported include") is None


def test_band_edges_are_inclusive_below_exclusive_above() -> None:
    assert (
        band_for_rate(10) == "very_common"
        and band_for_rate(1) == "common"
        and band_for_rate(0.1) == "uncommon"
    )
    assert (
        band_below(10) == "common"
        and band_below(1) == "uncommon"
        and band_below(0.01) == "very_rare"
    )
    assert more_frequent("rare", "common") == "common"


def test_shared_denominator_is_a_range() -> None:
    from pipeline.extract.frequency import frequency_cue

    cue = frequency_cue("1 to 10 in 1,000 people")
    assert cue is not None and (cue.band, cue.min_pct, cue.max_pct) == ("uncommon", 0.1, 1.0)
    single = frequency_cue("affects 1 in every 10 people")
    assert single is not None and single.band == "very_common" and single.min_pct == 10.0
