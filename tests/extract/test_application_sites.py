"""Bare sensation words read at the body site their item names (issue 10, part 4).

"Eye irritation: burning, dryness" is burning and dryness of the eye; "Dryness or peeling of
the skin" is dry skin. Small pages written for the test; the words are in
pipeline/extract/data/application_sites.csv.
"""

from __future__ import annotations

import pytest

from pipeline.extract.application_sites import application_site, sited_phrases
from pipeline.extract.side_effects import extract_side_effects
from tests.conftest import page_from


def effects(lexicon, body: str, title: str = "Testamine") -> dict[str, str]:
    page = page_from(f"---\ntitle: {title}\n---\n# {title}\n### Side Effects\n{body}\n")
    return {m.effect_id: m.effect_name for m in extract_side_effects(page, lexicon).mentions}


@pytest.mark.parametrize(
    ("text", "body_system", "site"),
    [
        ("Eye irritation: Burning, stinging, itching, redness, dryness.", None, "eye"),
        ("**Skin reactions:** Burning, dryness, peeling", None, "skin"),
        ("At the application site: Burning, itching, irritation", None, "skin"),
        ("Nasal Spray: Burning, dryness, nosebleeds", None, "nose"),
        ("Dryness or peeling of the skin.", None, "skin"),
        ("Burning or stinging sensation in the nose", None, "nose"),
        ("Burning, dryness", "Dermatologic", "skin"),
        # No site, or more than one: the phrase is read as it stands.
        ("Skin and eye irritation: burning", None, None),
        ("Rash, itching, swelling of the face and eyes", None, None),
        ("Oral administration: nausea, vomiting", None, None),
        ("Nausea, vomiting, dryness", None, None),
    ],
)
def test_the_site_an_item_names(text: str, body_system: str | None, site: str | None) -> None:
    assert application_site(text, body_system) == site


def test_only_a_bare_phrase_is_read_at_the_site() -> None:
    assert sited_phrases("dryness", "eye")[0] == "eye dryness"
    assert sited_phrases("eye pain", "eye") == []  # names its own site
    assert sited_phrases("severe skin rash", "skin") == []  # not bare


def test_eye_label_gives_eye_terms_for_bare_sensations(lexicon) -> None:
    found = effects(lexicon, "* **Eye irritation:** Burning, itching, redness, dryness.")
    assert {"HP:6000420", "HP:0033841", "HP:0025337", "HP:0001097"} <= set(found)
    assert "HP:0000989" not in found  # itching of the eye is not skin pruritus


def test_skin_label_and_short_skin_item_give_dry_skin(lexicon) -> None:
    for body in (
        "* **Skin reactions:** Burning, dryness, peeling.",
        "* Dryness or peeling of the skin",
    ):
        assert "HP:0000958" in effects(lexicon, body), body


def test_without_a_site_a_bare_word_stays_as_it_is(lexicon) -> None:
    found = effects(lexicon, "* Nausea, headache, burning, dryness")
    assert "HP:0000958" not in found and "HP:6000420" not in found
    assert "local:dryness" in found


def test_a_from_component_label_groups_its_effects(lexicon) -> None:
    """'**From Diclofenac:** nausea' names the component, not an effect (94 real pages)."""
    found = effects(
        lexicon,
        "* **From Diclofenac:** Nausea, heartburn.\n* **From Paracetamol:** Rash.",
        title="Diclofenac + Paracetamol",
    )
    assert {"HP:0002018", "HP:0002020"} <= set(found)
    assert not any("diclofenac" in name.lower() for name in found.values())
