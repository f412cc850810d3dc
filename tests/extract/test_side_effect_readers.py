"""Readers for side-effect structures of the real site, each on a small page written for the test.

Labels that name an organ system or a kind of effect followed by a bare list or by prose,
labels a text speaks of as a substance, prose whose verb introduces the effects whatever its
subject, sentences whose subject is the effect ("... may occur", "... is a reported side
effect"), section titles that carry a sentence, component labels with a qualifier, "less
serious", and sections that say no effect is known (issue 10, part 3).
"""

from __future__ import annotations

from pipeline.extract.item_labels import names_component
from pipeline.extract.side_effects import (
    extract_side_effects,
    is_serious,
    is_system_prefix,
    states_no_effects,
)
from tests.conftest import page_from


def effects(lexicon, body: str, title: str = "Testamine") -> dict[str, object]:
    page = page_from(f"---\ntitle: {title}\n---\n# {title}\n### Side Effects\n{body}\n")
    return {m.effect_id: m for m in extract_side_effects(page, lexicon).mentions}


def names(found: dict[str, object]) -> set[str]:
    return {m.effect_name.lower() for m in found.values()}  # type: ignore[attr-defined]


def test_plural_glue_words_make_an_organ_system_label() -> None:
    assert is_system_prefix("Central nervous system effects")
    assert is_system_prefix("Digestive issues")
    assert is_system_prefix("Heart complications")
    assert not is_system_prefix("Skin irritation")
    assert not is_system_prefix("Headache")


def test_organ_system_label_gives_its_bare_list_not_itself(lexicon) -> None:
    found = effects(
        lexicon,
        "Frequent effects:\n\n* **Digestive issues:** Vomiting, constipation, heartburn. Worse when"
        " taken without food.\n* **Central nervous system effects:** Drowsiness, headache.",
    )
    assert {"vomiting", "constipation", "headache", "drowsiness"} <= names(found)
    assert not any("abnormality of" in n for n in names(found))
    assert all(m.frequency_band == "common" for m in found.values())  # type: ignore[attr-defined]


def test_organ_system_label_with_prose_gives_what_the_prose_names(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Digestive:** These are the effects most people notice. They include bloating,"
        " constipation and belching.",
    )
    assert {"constipation"} <= names(found)
    assert not any("abnormality of" in n for n in names(found))


def test_kind_of_effect_label_with_a_bare_list_gives_the_label_and_each_phrase(lexicon) -> None:
    found = effects(
        lexicon, "* **Allergic reactions:** Hives, wheezing, itching. Get help at once."
    )
    assert {"allergy", "urticaria", "wheezing", "pruritus"} <= names(found)


def test_effect_label_followed_by_a_sentence_is_the_effect(lexicon) -> None:
    found = effects(lexicon, "* **Kidney problems:** The drug may change how well kidneys work.")
    assert len(found) == 1


def test_label_the_text_speaks_of_as_a_substance_is_no_effect(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Zorbalex:** Generally well tolerated, but large doses may cause vomiting or diarrhea.",
    )
    assert names(found) == {"vomiting", "diarrhea"}


def test_modal_verb_of_causing_introduces_effects_whatever_the_subject(lexicon) -> None:
    found = effects(
        lexicon,
        "Can include headache, constipation and insomnia.\n\n"
        "Taking it with alcohol may lead to drowsiness.\n\n"
        "Prolonged use can result in osteoporosis.",
    )
    assert {"headache", "constipation", "insomnia", "drowsiness", "osteoporosis"} <= names(found)


def test_a_later_list_verb_wins_over_an_earlier_are(lexicon) -> None:
    found = effects(
        lexicon,
        "Serious side effects are unusual but can include seizures and jaundice.\n\n"
        "Other side effects are possible, including but not limited to: tinnitus, alopecia.",
    )
    assert {"seizure", "jaundice", "tinnitus", "alopecia"} <= names(found)


def test_colon_after_side_effects_introduces_a_list(lexicon) -> None:
    found = effects(lexicon, "Very common side effects (>10%): Insomnia, tremor.")
    assert {"insomnia", "tremor"} <= names(found)
    assert found["HP:0100785"].frequency_band == "very_common"  # type: ignore[attr-defined]


def test_sentence_whose_subject_is_the_effect(lexicon) -> None:
    found = effects(
        lexicon,
        "Occasionally, hiccups or tremor may occur.\n\n"
        "Constipation, bloating and flatulence are the most commonly reported side effects.\n\n"
        "Insomnia and vertigo have also been reported.\n\n"
        "* Sweating is a frequently reported side effect.\n"
        "* Rash and itching are possible.",
    )
    assert {"tremor", "constipation", "flatulence", "insomnia", "vertigo", "skin rash"} <= names(
        found
    )
    assert {"hyperhidrosis", "pruritus"} <= names(found)


def test_section_title_that_carries_a_sentence(lexicon) -> None:
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n**Side Effects:** Common side effects include"
        " dizziness and dry mouth.\n\n**Usage:** Used for colds.\n"
    )
    found = {m.effect_name.lower() for m in extract_side_effects(page, lexicon).mentions}
    assert {"xerostomia"} <= found and len(found) >= 2


def test_component_label_with_a_number_or_qualifier() -> None:
    parts = frozenset({"vitamin d", "quixifen"})
    assert names_component("Vitamin D3", parts)
    assert names_component("Quixifen related", parts)
    assert names_component("Quixifen-related side effects", parts)
    assert not names_component("Vitamin deficiency", parts)
    assert not names_component("Quixifenism", parts)


def test_less_serious_is_not_serious() -> None:
    assert not is_serious("Less serious")
    assert not is_serious("Non-serious reactions")
    assert is_serious("Less common but serious")


def test_section_that_says_no_effect_is_known() -> None:
    assert states_no_effects(
        "Because the drug never reached the market, data on its side effects are unavailable."
    )
    assert states_no_effects("A complete profile of side effects is not yet established.")
    assert states_no_effects("No adverse reactions are listed in the labeling.")
    assert not states_no_effects("Common side effects include nausea and headache.")


def test_paragraph_with_a_group_head_and_a_bare_list(lexicon) -> None:
    found = effects(lexicon, "Nervous system: Tremor, insomnia.\n\nRare: Alopecia, tinnitus.")
    assert {"tremor", "insomnia", "alopecia", "tinnitus"} <= names(found)
    assert found["HP:0001596"].frequency_band == "rare"  # type: ignore[attr-defined]


def test_a_headings_number_beats_a_frequency_word_inside_an_item(lexicon) -> None:
    """Numbers win over words wherever each stands: 'frequent' in a symptom is no band."""
    found = effects(
        lexicon,
        "**Very rare (<0.01%):**\n\n* Kidney stones, which may show as a frequent urge to urinate\n"
        "* Headache (common)\n",
    )
    by_name = {m.effect_name.lower(): m for m in found.values()}  # type: ignore[attr-defined]
    stones = next(m for n, m in by_name.items() if "kidney" in n or "nephrolith" in n)
    assert stones.frequency_band == "very_rare"
    assert stones.freq_max_pct == 0.01
    assert by_name["headache"].frequency_band == "very_rare"  # the heading's number wins


def test_an_items_own_number_beats_its_headings_number() -> None:
    from pipeline.extract.frequency import FrequencyCue, governing_cue

    heading = FrequencyCue("rare", None, 0.1, "<0.1%")
    assert governing_cue(FrequencyCue("common", 2.0, 2.0, "2%"), heading).band == "common"
    assert governing_cue(FrequencyCue("common", None, None, "often"), heading) is heading
    word = FrequencyCue("uncommon", None, None, "less common")
    assert governing_cue(FrequencyCue("rare", None, None, "rarely"), word).band == "rare"
    assert governing_cue(None, word) is word


def test_effects_joined_in_a_label_are_followed_by_their_signs_not_more_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Heart attack or stroke** – chest pain, shortness of breath, or slurred speech.\n",
    )
    assert names(found) == {"myocardial infarction", "stroke"}
