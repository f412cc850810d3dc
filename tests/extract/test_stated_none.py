"""pages.side_effects_stated_none: a page that gave no effect because it says none is known,
told apart from one that gave none because we missed them (issue 10, part 6).

Decided at extraction, from the page's own side-effects section, on small pages written here.
"""

from __future__ import annotations

from pipeline.contract.tables import PAGES
from pipeline.extract.page_extraction import extract_page_safely, pages_table
from pipeline.extract.side_effects import extract_side_effects
from tests.conftest import page_from


def page(body: str, heading: str = "Side Effects", page_id: str = "test.md"):
    return page_from(
        f"---\ntitle: Testamine\n---\n# Testamine\n### {heading}\n{body}\n", page_id=page_id
    )


def test_a_section_that_says_no_effect_is_known_is_stated_none(lexicon) -> None:
    result = extract_side_effects(
        page(
            "Testamine was withdrawn before approval; comprehensive data on its side effects"
            " are unavailable."
        ),
        lexicon,
    )
    assert result.mentions == [] and result.stated_none


def test_a_section_that_gives_effects_is_not_stated_none(lexicon) -> None:
    """'Not fully established' beside a list of effects: the page gave effects, so False."""
    result = extract_side_effects(
        page(
            "Its side effect profile is not fully established.\n\n"
            "Common side effects include nausea and headache."
        ),
        lexicon,
    )
    assert result.mentions and not result.stated_none


def test_a_section_that_gives_nothing_and_says_nothing_of_the_kind_is_a_miss(lexicon) -> None:
    result = extract_side_effects(page("Ask your pharmacist about this medicine."), lexicon)
    assert result.mentions == [] and not result.stated_none


def test_a_page_without_a_side_effects_section_is_not_stated_none(lexicon) -> None:
    result = extract_side_effects(
        page("No information is available on its use in children.", heading="Usage"), lexicon
    )
    assert result.mentions == [] and not result.stated_none


def test_pages_table_carries_the_flag_null_unless_extracted(lexicon, conditions) -> None:
    pages = [
        page("Data on side effects are not available.", page_id="a.md"),
        page("Common side effects include nausea.", page_id="b.md"),
        page("Ask your pharmacist about this medicine.", page_id="c.md"),
    ]
    extractions = [extract_page_safely(p, lexicon, conditions) for p in pages]
    broken = extract_page_safely(page("Data are not available.", page_id="d.md"), lexicon)
    broken.error = "extract.side_effects: ValueError: injected"  # a page whose extraction failed
    pages.append(page("Data are not available.", page_id="d.md"))
    frame = pages_table(pages, [*extractions, broken]).set_index("page_id")
    assert list(pages_table(pages, extractions).columns) == PAGES.columns
    flags = frame["side_effects_stated_none"]
    assert (flags["a.md"], flags["b.md"], flags["c.md"]) == (True, False, False)
    assert flags.isna()["d.md"] and frame.loc["d.md", "status"] == "failed"
    # What an analyst lists: pages that gave no effect and do not say there are none.
    missed = frame[(frame.n_side_effects == 0) & ~frame.side_effects_stated_none.fillna(True)]
    assert list(missed.index) == ["c.md"]
