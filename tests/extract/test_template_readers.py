"""Readers for the real site's template structures, each on a small page written for the test.

Frequency and seriousness labels as item names, one block per component of a
combination product, bold-label bullets holding whole sections, bare lists
after a section label, prose lists and cues in parentheses (issue 10, part 3).
"""

from __future__ import annotations

from pipeline.extract.item_labels import is_cue_label, is_group_label, is_note_label
from pipeline.extract.page_extraction import extract_page
from pipeline.extract.side_effects import extract_side_effects
from tests.conftest import page_from

COMBINATION = """---
title: Brandolol + Quixifen
---
# Brandolol + Quixifen
"""


def effects(lexicon, markdown: str) -> dict[str, object]:
    return {m.effect_id: m for m in extract_side_effects(page_from(markdown), lexicon).mentions}


def names(found: dict[str, object]) -> set[str]:
    return {m.effect_name.lower() for m in found.values()}  # type: ignore[attr-defined]


def test_label_words() -> None:
    assert is_cue_label("Less common, but potentially serious side effects (<1%)")
    assert is_cue_label("Common")
    assert not is_cue_label("Serious skin reactions")  # names a kind of effect
    assert not is_cue_label("Side effects")  # no cue: a section name
    assert is_group_label("Other side effects")
    assert is_note_label("Important note") and not is_note_label("Nausea")


def test_frequency_labels_group_the_effects_after_them(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n"
        "* **Common:** Nausea, vomiting, diarrhea\n"
        "* **Less common but serious:** Fits, yellowing of the skin\n"
        "* **Note:** Tell your doctor about chest pain.\n",
    )
    assert not names(found) & {"common", "less common but serious", "note", "chest pain"}
    bands = {m.effect_name: (m.frequency_band, m.serious) for m in found.values()}  # type: ignore[attr-defined]
    assert bands["Nausea"] == ("common", False)
    assert bands["Vomiting"] == ("common", False)
    assert bands["Diarrhea"] == ("common", False)
    assert bands["Seizure"] == ("uncommon", True)
    assert bands["Jaundice"] == ("uncommon", True)


def test_unlabelled_item_with_a_frequency_head(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n* Rare: fits, hair loss\n",
    )
    assert {m.frequency_band for m in found.values()} == {"rare"}  # type: ignore[attr-defined]
    assert names(found) == {"seizure", "alopecia"}


def test_component_blocks_of_a_combination_product(lexicon) -> None:
    page = page_from(
        COMBINATION + "### Usage\nIt treats high blood pressure.\n\n"
        "* **Brandolol:** A beta blocker.\n* **Quixifen (Quixifenum):** A diuretic.\n\n"
        "### Side Effects\n* **Brandolol:** Tiredness, cold hands. Rarely, it slows the heart.\n"
        "* **Quixifen (Quixifenum):** Thirst, muscle cramps\n"
    )
    extraction = extract_page(page, lexicon)
    found = {m.effect_name.lower() for m in extraction.side_effects}
    assert {"fatigue", "polydipsia"} <= found  # thirst: HPO Polydipsia (excessive thirst)
    assert not found & {"brandolol", "quixifen", "quixifenum"}
    conditions = {i.condition_name for i in extraction.indications}
    assert "hypertension" in conditions or "high blood pressure" in conditions
    assert not conditions & {"brandolol", "quixifen", "quixifenum"}


def test_an_item_named_after_the_only_drug_is_kept(lexicon) -> None:
    # A single-ingredient page has no components: its items are read as usual.
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n* **Headache:** mild\n",
    )
    assert names(found) == {"headache"}


def test_bold_label_bullets_holding_whole_sections(lexicon) -> None:
    page = page_from(
        COMBINATION + "Some words about the product.\n\n**Brandolol (Generic Name):**\n\n"
        "* **Usage:** Treatment of high blood pressure.\n"
        "* **Side Effects:** Tiredness, cold hands, slow heartbeat.\n"
        "* **How it Works:** It blocks receptors.\n"
    )
    assert page.root is not None
    assert page.root.find("side_effects") and page.root.find("usage")
    found = {m.effect_name.lower() for m in extract_side_effects(page, lexicon).mentions}
    assert {"fatigue", "bradycardia"} <= found


def test_section_label_with_a_qualifying_parenthesis(lexicon) -> None:
    page = page_from(
        COMBINATION + "**Usage (Hypothetical Combination):**\n\nIt treats acne.\n\n"
        "**Side Effects (Possible, based on each ingredient, not on trials):**\n\n"
        "* **Brandolol:** Itching, peeling skin\n"
    )
    assert page.root is not None
    extraction = extract_page(page, lexicon)
    assert {m.effect_name for m in extraction.side_effects} == {"Pruritus", "Scaling skin"}
    assert "brandolol" not in {i.condition_name for i in extraction.indications}


def test_bare_list_after_a_section_label(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n\n"
        "**Side Effects:** Sleepiness, headache, memory problems, and a chance of dependence"
        " or withdrawal symptoms after long use, and rarely, vivid dreams. Other effects"
        " are possible.\n",
    )
    found_names = names(found)
    assert {"drowsiness", "headache", "memory impairment"} <= found_names
    assert "local:abnormal-dreams" in found
    assert not any("withdrawal" in n or "dependence" in n for n in found_names)
    assert found["local:abnormal-dreams"].frequency_band == "rare"  # type: ignore[attr-defined]


def test_prose_list_with_not_limited_to(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n"
        "In studies, side effects could include, but were not limited to, headache, dry"
        " mouth, and trouble sleeping.\n",
    )
    assert names(found) == {"headache", "xerostomia", "insomnia"}


def test_cue_in_parentheses_on_an_item(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n"
        "Common side effects include:\n\n* Headache\n* Fits (rare)\n",
    )
    assert found["HP:0001250"].frequency_band == "rare"  # type: ignore[attr-defined]
    assert found["HP:0002315"].frequency_band == "common"  # type: ignore[attr-defined]


def test_conditions_in_usage_running_text(lexicon) -> None:
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Usage\n"
        "Testamine is an old tablet taken alongside diet in managing mild to moderate, stable"
        " type 2 diabetes. It is also known for its use in treating symptomatic orthostatic"
        " hypotension.\n"
    )
    conditions = {i.condition_name for i in extract_page(page, lexicon).indications}
    assert {"type 2 diabetes", "orthostatic hypotension"} <= conditions


def test_running_text_reader_leaves_pages_the_trigger_reader_read(lexicon) -> None:
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Usage\n"
        "Testamine is used to treat high blood pressure. Doctors value it in managing gout.\n"
    )
    conditions = {i.condition_name for i in extract_page(page, lexicon).indications}
    assert "gout" not in conditions and conditions


def test_group_item_lists_with_explanations_and_a_lead(lexicon) -> None:
    page = page_from(
        COMBINATION + "### Side Effects\n"
        "* **Common:** Bloating, constipation (worse if too little water is taken).\n"
        "* **Brandolol:** Can include headache, diarrhea, and rarely, fits.\n"
        "* Contact dermatitis (a rash where it is applied)\n"
    )
    found = {m.effect_name: m.frequency_band for m in extract_side_effects(page, lexicon).mentions}
    assert found["Constipation"] == "common" and found["Abdominal distention"] == "common"
    assert {"Headache", "Diarrhea", "Contact dermatitis"} <= set(found)
    assert found["Seizure"] == "rare"


def test_sentences_beside_an_overdose_sentence_still_count(lexicon) -> None:
    found = effects(
        lexicon,
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n"
        "Usually well tolerated. An overdose can cause liver damage. These include jaundice."
        " Rare side effects may include a skin rash.\n",
    )
    assert set(names(found)) == {"skin rash"}


def test_group_names_stay_only_where_nothing_else_is_named(lexicon) -> None:
    def conditions(usage: str) -> dict[str, str]:
        page = page_from(f"---\ntitle: Testamine\n---\n# Testamine\n### Usage\n{usage}\n")
        return {i.condition_name: i.condition_id for i in extract_page(page, lexicon).indications}

    alone = conditions("Testamine is used to treat gastrointestinal motility disorders.")
    assert alone == {
        "gastrointestinal motility disorders": "local:gastrointestinal-motility-disorders"
    }
    beside = conditions("Testamine is used to treat gastrointestinal motility disorders and gout.")
    assert "gastrointestinal motility disorders" not in beside and "gout" in beside
    assert conditions("Testamine is not a medicine used to treat specific diseases.") == {}


def test_the_class_a_drug_is_used_as_names_its_condition(lexicon) -> None:
    def conditions(usage: str) -> set[str]:
        page = page_from(f"---\ntitle: Testamine\n---\n# Testamine\n### Usage\n{usage}\n")
        return {i.condition_name for i in extract_page(page, lexicon).indications}

    assert conditions("Testamine is primarily used as a cough suppressant.") == {"cough"}
    assert conditions("Testamine is used as a mild laxative.") == {"constipation"}
    # Only where nothing else is named, and never in a negated sentence.
    assert conditions("Testamine is used as a laxative and to treat gout.") == {"gout"}
    assert conditions("Testamine is no longer used as a laxative.") == set()
