"""Classes of side-effect wording met on real pages, each on a small page written for the test.

A sentence that names its own effects is not the lead-in of the list after it; a lead-in
spanning mild and severe effects makes none serious; a prose subject that names no effect
leaves the list after it to be read; a head that only names an organ system gives its
examples; a medical name before a lay gloss is the effect; "From X:" names a component;
a cue after an example in parentheses speaks of the example.
"""

from __future__ import annotations

import pytest

from pipeline.extract.item_labels import is_group_label, names_component
from pipeline.extract.side_effects import extract_side_effects, organ_examples
from tests.conftest import page_from


def effects(lexicon, body: str, title: str = "Testamine") -> dict[str, object]:
    page = page_from(f"---\ntitle: {title}\n---\n# {title}\n### Side Effects\n{body}\n")
    return {m.effect_name.lower(): m for m in extract_side_effects(page, lexicon).mentions}


def test_sentence_with_its_own_list_is_not_the_lead_in_of_the_next_list(lexicon) -> None:
    found = effects(
        lexicon,
        "The most common side effects include dizziness and back pain.\n\n"
        "* Cough\n* Constipation\n",
    )
    assert found["vertigo"].frequency_band == "very_common"  # type: ignore[attr-defined]
    assert found["cough"].frequency_band == "unknown"  # type: ignore[attr-defined]
    assert found["constipation"].frequency_band == "unknown"  # type: ignore[attr-defined]


def test_earlier_sentence_with_its_own_list_does_not_speak_for_the_list(lexicon) -> None:
    found = effects(
        lexicon,
        "The most common side effects could include nausea and somnolence. Other side "
        "effects are:\n\n* Cough\n* Headache\n",
    )
    assert found["nausea"].frequency_band == "very_common"  # type: ignore[attr-defined]
    assert found["cough"].frequency_band == "unknown"  # type: ignore[attr-defined]


def test_lead_in_that_introduces_the_list_still_gives_its_cue(lexicon) -> None:
    found = effects(lexicon, "The most common side effects are:\n\n* Cough\n* Headache\n")
    assert found["cough"].frequency_band == "very_common"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "lead_in",
    [
        "It can cause a wide range of side effects, some mild and others severe. These include:",
        "It can cause various side effects, ranging from mild to severe. Some include:",
        "Its use was associated with a range of side effects, some quite serious. These include:",
    ],
)
def test_lead_in_spanning_mild_and_severe_makes_none_serious(lexicon, lead_in: str) -> None:
    found = effects(lexicon, f"{lead_in}\n\n* Headache\n* Nausea\n")
    assert set(found) >= {"headache", "nausea"}
    assert not any(m.serious for m in found.values())  # type: ignore[attr-defined]


def test_serious_lead_in_still_makes_its_list_serious(lexicon) -> None:
    found = effects(lexicon, "Some serious side effects include:\n\n* Seizures\n")
    assert found["seizure"].serious  # type: ignore[attr-defined]


def test_subject_that_names_no_effect_leaves_the_list_to_be_read(lexicon) -> None:
    found = effects(
        lexicon,
        "A wide range of serious side effects are possible, including but not limited to: "
        "agranulocytosis, aplastic anemia and aseptic meningitis.",
    )
    assert {"agranulocytosis", "aplastic anemia"} <= set(found)


def test_organ_head_gives_its_examples_not_itself(lexicon) -> None:
    found = effects(
        lexicon,
        "* Blood disorders (anemia, neutropenia)\n* Neurological problems (numbness, tingling)\n",
    )
    assert set(found) == {"anemia", "neutropenia", "hypoesthesia", "paresthesia"}


def test_kind_of_effect_head_stays_with_its_examples(lexicon) -> None:
    found = effects(lexicon, "* Allergic reactions (rash, itching, swelling)\n")
    assert "allergy" in found
    assert "skin rash" not in found
    assert organ_examples("Serious skin reactions (rash, blistering)") == "rash, blistering"
    assert organ_examples("Seizures (especially in children)") is None
    assert organ_examples("Allergic reactions (rash, hives)") is None


def test_medical_name_before_a_lay_gloss_is_the_effect(lexicon) -> None:
    found = effects(
        lexicon,
        "* Supraventricular tachycardia (rapid heartbeat)\n"
        "* Anaphylaxis (severe allergic reaction)\n"
        "* Increased heart rate (tachycardia)\n",
    )
    assert set(found) == {"supraventricular tachycardia", "anaphylactic shock", "tachycardia"}


def test_from_component_and_both_medications_are_group_labels(lexicon) -> None:
    components = frozenset({"atenolol", "chlorthalidone"})
    assert names_component("From Atenolol", components)
    assert not names_component("From Aspirin", components)
    assert is_group_label("Both Medications")
    found = effects(
        lexicon,
        "* **From Atenolol:** Dizziness, fatigue.\n* **Both Medications:** Nausea, cough.\n",
        title="Atenolol and Chlorthalidone",
    )
    assert set(found) == {"vertigo", "fatigue", "nausea", "cough"}


def test_cue_after_an_example_speaks_for_the_example(lexicon) -> None:
    examples = effects(lexicon, "* Allergic reactions (anaphylaxis in rare cases)\n")
    assert examples["allergy"].frequency_band == "unknown"  # type: ignore[attr-defined]
    listed = effects(lexicon, "* Redness, swelling, itching (1-10%)\n")
    assert {m.frequency_band for m in listed.values()} == {"common"}  # type: ignore[attr-defined]
    worded = effects(lexicon, "* Rash, itching, difficulty breathing (rare but serious)\n")
    assert {m.frequency_band for m in worded.values()} == {"rare"}  # type: ignore[attr-defined]


def test_group_item_words_nearest_the_list_win(lexicon) -> None:
    found = effects(
        lexicon,
        "* **More serious (but less common) side effects:** These are rare but can include:\n"
        "    * Double vision\n",
    )
    assert found["diplopia"].frequency_band == "rare"  # type: ignore[attr-defined]
    assert found["diplopia"].serious  # type: ignore[attr-defined]


def test_later_sentence_calling_a_labelled_list_severe_makes_it_serious(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Infusion reactions:** Fever, chills, rash. These can be severe in some cases.\n"
        "* **Allergic reactions:** Rash, hives.\n",
    )
    assert found["fever"].serious  # type: ignore[attr-defined]
    assert not found["urticaria"].serious  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "label", ["At the injection site", "Ophthalmic (eye-related)", "Body-wide"]
)
def test_site_and_organ_labels_name_no_effect(lexicon, label: str) -> None:
    found = effects(lexicon, f"* **{label}:** Headache, nausea, cough.\n")
    assert set(found) == {"headache", "nausea", "cough"}


def test_reporting_sentence_is_prose_with_its_own_cue(lexicon) -> None:
    found = effects(
        lexicon,
        "**Other commonly reported effects:**\n* Headache\n\n"
        "Less frequently (<1%), patients report slurred speech, ataxia and dry mouth.",
    )
    assert {"slurred speech", "ataxia", "xerostomia"} <= set(found)
    assert found["ataxia"].frequency_band == "uncommon"  # type: ignore[attr-defined]
    assert found["headache"].frequency_band == "common"  # type: ignore[attr-defined]
