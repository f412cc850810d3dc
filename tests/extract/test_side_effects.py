"""Side-effect extraction rules, each on a small page written for the test."""

from __future__ import annotations

import pytest

from pipeline.extract.phrases import split_effects
from pipeline.extract.side_effects import extract_side_effects, is_system_prefix
from tests.conftest import page_from


def effects(lexicon, body: str) -> dict[str, object]:
    page = page_from(f"---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\n{body}\n")
    return {m.effect_id: m for m in extract_side_effects(page, lexicon).mentions}


def test_comma_list_after_organ_system_prefix(lexicon) -> None:
    found = effects(lexicon, "* Nervous system:  Agitation, aggression, insomnia")
    assert set(found) == {"HP:0000713", "HP:0000718", "HP:0100785"}
    assert found["HP:0000713"].body_system == "Psychiatric"


def test_slash_or_and_are_two_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Decreased Appetite/Weight Loss:** less hunger\n* **Dizziness or Lightheadedness:** x",
    )
    assert {"HP:0004396", "HP:0001824", "HP:0002321", "HP:0031972"} <= set(found)


def test_renaming_parenthesis_is_one_effect(lexicon) -> None:
    found = effects(lexicon, "* Increased heart rate (tachycardia), palpitations")
    assert set(found) == {"HP:0001649", "HP:0001962"}


def test_explanation_is_not_more_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "**Serious side effects:**\n\n* **Serotonin Syndrome:** A rare condition characterized by high fever, agitation, muscle rigidity.",
    )
    assert set(found) == {"local:serotonin-syndrome"}
    assert found["local:serotonin-syndrome"].frequency_band == "rare"  # item cue beats heading
    assert found["local:serotonin-syndrome"].serious


def test_shared_noun_and_shared_modifier(lexicon) -> None:
    assert split_effects("blurred or double vision", lambda p: lambda_lookup(lexicon, p)) == [
        "blurred vision",
        "double vision",
    ]
    assert split_effects("Stomach bleeding or ulcers", lambda p: lambda_lookup(lexicon, p)) == [
        "Stomach bleeding",
        "Stomach ulcers",
    ]
    assert split_effects(
        "swelling of the hands, legs or feet", lambda p: lambda_lookup(lexicon, p)
    ) == ["swelling of the hands, legs or feet"]


def lambda_lookup(lexicon, phrase: str):
    from pipeline.extract.side_effects import Resolver

    return Resolver(lexicon)(phrase)


def test_combined_terms_split_when_both_halves_are_effects(lexicon) -> None:
    found = effects(lexicon, "* Nausea and vomiting")
    assert set(found) == {"HP:0002018", "HP:0002013"}


def test_lead_in_and_heading_cues(lexicon) -> None:
    found = effects(
        lexicon,
        "Common side effects include:\n\n* Headache\n\n#### Rare (less than 1 in 1,000)\n* Seizures\n",
    )
    assert found["HP:0002315"].frequency_band == "common"
    assert found["HP:0001250"].frequency_band == "rare" and found["HP:0001250"].freq_max_pct == 0.1


def test_percent_inside_item(lexicon) -> None:
    found = effects(
        lexicon, "**Common side effects (at least 2%):**\n- Nasopharyngitis (8.3%)\n- Diarrhea"
    )
    assert (
        found["local:nasopharyngitis"].freq_min_pct,
        found["local:nasopharyngitis"].freq_max_pct,
    ) == (8.3, 8.3)
    assert found["HP:0002014"].freq_min_pct == 2 and found["HP:0002014"].frequency_band == "common"


def test_eu_leaflet_wording(lexicon) -> None:
    found = effects(lexicon, "**Common (may affect up to 1 in 10 people):**\n- Headache")
    assert (found["HP:0002315"].frequency_band, found["HP:0002315"].freq_max_pct) == ("common", 10)


def test_frequency_table(lexicon) -> None:
    found = effects(
        lexicon, "| Side effect | Frequency |\n|---|---|\n| Nausea | 12% |\n| Rash | rare |\n"
    )
    assert found["HP:0002018"].frequency_band == "very_common"
    assert found["HP:0000988"].frequency_band == "rare"


def test_serious_from_item_and_lead_in(lexicon) -> None:
    found = effects(
        lexicon,
        "* Severe allergic reaction\n* Headache\n\nSerious side effects include:\n\n* Seizures",
    )
    assert (
        found["HP:0012393"].serious
        and not found["HP:0002315"].serious
        and found["HP:0001250"].serious
    )


def test_prose_sentences(lexicon) -> None:
    found = effects(
        lexicon,
        "The most common side effects are dizziness and drowsiness, which affect many people. "
        "Less commonly, some people develop a skin rash.",
    )
    assert found["HP:0002321"].frequency_band == "very_common"
    assert found["HP:0002329"].frequency_band == "very_common"
    assert found["HP:0000988"].frequency_band == "uncommon"


def test_withdrawal_and_faq_are_not_side_effects(lexicon) -> None:
    page = page_from(
        "---\ntitle: T\n---\n# T\n### Side Effects\n* Nausea\n\n#### Withdrawal symptoms\n* Anxiety\n\n"
        "### FAQs\n* **What are the withdrawal symptoms?** Dizziness and headache.\n"
    )
    found = {m.effect_id for m in extract_side_effects(page, lexicon).mentions}
    assert found == {"HP:0002018"}


def test_duplicate_effect_keeps_more_frequent_band_and_serious(lexicon) -> None:
    found = effects(
        lexicon,
        "**Common:**\n* Drowsiness\n\n**Serious (rare):**\n* Severe drowsiness in older adults",
    )
    assert found["HP:0002329"].frequency_band == "common" and found["HP:0002329"].serious


def test_unmapped_items_become_local_effects_and_review_rows(lexicon) -> None:
    page = page_from("---\ntitle: T\n---\n# T\n### Side Effects\n* Glittering toe syndrome\n")
    result = extract_side_effects(page, lexicon)
    assert [m.effect_id for m in result.mentions] == ["local:glittering-toe-syndrome"]
    assert result.unmapped[0].phrase == "Glittering toe syndrome"


@pytest.mark.parametrize(
    "label", ["Nervous system", "Stomach and intestines", "Other", "Skin", "Gastrointestinal"]
)
def test_system_prefixes(label: str) -> None:
    assert is_system_prefix(label)


@pytest.mark.parametrize("label", ["Fluid retention", "Nausea", "Dry mouth"])
def test_not_system_prefixes(label: str) -> None:
    assert not is_system_prefix(label)


def test_frequency_matrix_table(lexicon) -> None:
    found = effects(
        lexicon,
        "| System organ class | Very common (≥1/10) | Common (≥1/100 to <1/10) | Not known |\n"
        "|---|---|---|---|\n"
        "| Nervous system disorders | Headache | Dizziness, tremor | Seizures |\n"
        "| Gastrointestinal disorders | – | Nausea | |\n",
    )
    assert (found["HP:0002315"].frequency_band, found["HP:0002315"].freq_min_pct) == (
        "very_common",
        10,
    )
    tremor = found["HP:0001337"]
    assert (tremor.frequency_band, tremor.freq_min_pct, tremor.freq_max_pct) == ("common", 1, 10)
    assert found["HP:0001250"].frequency_band == "unknown"
    assert found["HP:0002018"].body_system == "Gastrointestinal"


@pytest.mark.parametrize(
    ("heading", "band", "low", "high"),
    [
        ("Very common (≥1/10)", "very_common", 10, None),
        ("Uncommon (≥1/1,000 to <1/100)", "uncommon", 0.1, 1),
        ("Very rare (<1/10,000)", "very_rare", None, 0.01),
        # One denominator shared by both ends of a range.
        ("Common (1 to 10 in 100 people)", "common", 1.0, 10.0),
        ("Uncommon (1 to 10 in 1,000 people)", "uncommon", 0.1, 1.0),
        ("Rare (between 1 and 10 in every 10,000 people)", "rare", 0.01, 0.1),
    ],
)
def test_smpc_fraction_notation(lexicon, heading: str, band: str, low, high) -> None:
    found = effects(lexicon, f"**{heading}:**\n- Headache\n")
    row = found["HP:0002315"]
    assert (row.frequency_band, row.freq_min_pct, row.freq_max_pct) == (band, low, high)


def test_prose_reports_and_stopping(lexicon) -> None:
    found = effects(
        lexicon,
        "The most frequently reported adverse reactions were dizziness (up to 45%) and dry mouth. "
        "Blurred vision and weight gain were also reported commonly. "
        "Rarely, patients have experienced angioedema, with swelling of the face.\n\n"
        "#### Stopping treatment\nAfter abrupt discontinuation some patients reported insomnia.\n",
    )
    assert (found["HP:0002321"].frequency_band, found["HP:0002321"].freq_max_pct) == (
        "very_common",
        45,
    )
    assert found["HP:0000622"].frequency_band == "common"
    assert found["HP:0100665"].frequency_band == "rare"
    assert "HP:0100785" not in found  # a discontinuation symptom, not a side effect


def test_explanation_mentioning_stopping_keeps_the_item(lexicon) -> None:
    found = effects(
        lexicon,
        "* **Memory loss or confusion:** rarely reported, and reversible after stopping the medicine.",
    )
    assert {"HP:0002354", "HP:0001289"} <= set(found)


def test_comma_list_shares_its_head_noun(lexicon) -> None:
    # "fast" names nothing alone; with the next fragment's noun it is tachycardia.
    found = effects(lexicon, "* a fast, irregular or pounding heartbeat, or fainting")
    assert set(found) == {"HP:0001649", "HP:0011675", "HP:0001962", "HP:0001279"}


def test_adjective_before_a_comma_joins_the_next_effect(lexicon) -> None:
    found = effects(lexicon, "* unusual bleeding, such as black, tarry stools")
    assert set(found) == {"HP:0001892", "HP:0002249"}


def test_and_inside_a_known_name_does_not_split_it(lexicon) -> None:
    found = effects(
        lexicon, "Uncommon side effects include itching, sleeping problems and pins and needles."
    )
    assert set(found) == {"HP:0000989", "HP:0002360", "HP:0003401"}
    assert {m.frequency_band for m in found.values()} == {"uncommon"}


def test_symptoms_described_after_with_are_not_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "* serotonin syndrome, with symptoms such as confusion, shivering and a high temperature",
    )
    assert set(found) == {"local:serotonin-syndrome"}


def test_bold_name_renamed_by_the_parenthesis_after_it(lexicon) -> None:
    found = effects(lexicon, "* **Swelling of the legs** (peripheral oedema)")
    assert set(found) == {"HP:0012398"}


def test_lead_in_keeps_an_earlier_sentence_about_side_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "Serious side effects are rare. Get emergency help if you have:\n\n- Angioedema\n- Fainting",
    )
    assert {m.frequency_band for m in found.values()} == {"rare"}
    assert all(m.serious for m in found.values())


def test_generic_words_are_not_review_rows(lexicon) -> None:
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Side Effects\nSerious side effects are rare.\n"
    )
    result = extract_side_effects(page, lexicon)
    assert result.mentions == [] and result.unmapped == []


def test_frequency_word_among_examples_is_not_the_items(lexicon) -> None:
    found = effects(
        lexicon,
        "**Serious side effects (rare):**\n\n1. **Mood changes** such as agitation and, very "
        "rarely, suicidal thoughts.\n2. **Psychotic symptoms** such as hallucinations – these "
        "are very rare",
    )
    assert found["HP:0000712"].frequency_band == "rare"
    # A cue after the example list (past the dash) still speaks of the item.
    assert found["HP:0000709"].frequency_band == "very_rare"


def test_reported_most_often_is_very_common(lexicon) -> None:
    found = effects(
        lexicon, "Side effects are mild. The ones reported most often are headache and cough."
    )
    assert {m.frequency_band for m in found.values()} == {"very_common"}
    assert set(found) == {"HP:0002315", "HP:0012735"}


def test_curated_phrase_with_or_stays_whole(lexicon) -> None:
    found = effects(lexicon, "* Yellowing of the skin or the whites of the eyes, dark urine")
    # Jaundice and dark urine; not split into conjunctival icterus (HP:0032106).
    assert set(found) == {"HP:0000952", "HP:0040319"}
    # A variant of a curated phrase does not keep a list whole: two effects here.
    found = effects(lexicon, "* Feeling or being sick")
    assert set(found) == {"HP:0002018", "HP:0002013"}


def test_cause_after_the_name_is_not_part_of_it(lexicon) -> None:
    found = effects(lexicon, "* **Severe diarrhoea caused by C. difficile**")
    assert set(found) == {"HP:0002014"} and found["HP:0002014"].serious


def test_adjective_forms_after_feeling(lexicon) -> None:
    found = effects(lexicon, "* Feeling very agitated or confused")
    assert set(found) == {"HP:0000713", "HP:0001289"}


def test_parenthesis_names_an_and_list_whole(lexicon) -> None:
    found = effects(lexicon, "* tingling in the hands and feet (paraesthesia)")
    assert set(found) == {"HP:0003401"}


def test_with_secondary_joins_two_effects(lexicon) -> None:
    found = effects(lexicon, "* Acute myopia with secondary angle-closure glaucoma")
    assert set(found) == {"HP:0000545", "HP:0012109"}


def test_appositive_describing_the_effect_is_not_more_effects(lexicon) -> None:
    found = effects(
        lexicon,
        "* thrombotic thrombocytopenic purpura (TTP), a rare but serious blood disorder with "
        "fever, purple spots on the skin and extreme tiredness",
    )
    assert set(found) == {"local:thrombotic-thrombocytopenic-purpura"}
    assert found["local:thrombotic-thrombocytopenic-purpura"].serious


def test_short_relative_clause_then_or_another_effect(lexicon) -> None:
    found = effects(
        lexicon,
        "* bleeding that will not stop, or signs of bleeding in the brain\n"
        "* vomit that contains blood or looks like coffee grounds, or black, tarry stools",
    )
    assert set(found) == {"HP:0001892", "HP:0001342", "HP:0002248", "HP:0002249"}


def test_may_verb_phrase_names_an_effect(lexicon) -> None:
    found = effects(lexicon, "You may bruise more easily, or have nosebleeds.")
    assert set(found) == {"HP:0000978", "HP:0000421"}


@pytest.mark.parametrize(
    ("british", "hpo"),
    [("paraesthesia", "HP:0003401"), ("hypokalaemia", "HP:0002900"), ("rhinorrhoea", "HP:0031417")],
)
def test_british_endings(lexicon, british: str, hpo: str) -> None:
    assert set(effects(lexicon, f"* {british}")) == {hpo}


def test_pronoun_lead_and_causal_prose(lexicon) -> None:
    found = effects(
        lexicon,
        "Side effects are usually mild. They include headache and wind.\n\n"
        "Rarely, statins cause muscle damage (myopathy); in very rare cases this becomes "
        "rhabdomyolysis, a severe breakdown of muscle that can damage the kidneys.",
    )
    assert {k: found[k].frequency_band for k in found} == {
        "HP:0002315": "unknown",
        "HP:0033589": "unknown",
        "HP:0003198": "rare",
        "HP:0003201": "very_rare",
    }


def test_effect_with_accompanying_effects(lexicon) -> None:
    found = effects(lexicon, "* severe constipation with stomach pain and bloating")
    assert set(found) == {"HP:0002019", "HP:0002027", "HP:0003270"}
    assert found["HP:0002019"].serious
    # A reviewed phrase with 'with' in it stays one effect.
    assert set(effects(lexicon, "* problems with ejaculation")) == {"HP:0012875"}


def test_curated_phrase_is_looked_up_before_its_clause_is_cut(lexicon) -> None:
    assert set(effects(lexicon, "* feeling dizzy when standing up")) == {"HP:0001278"}


def test_relative_clause_ending_at_a_comma_before_and(lexicon) -> None:
    found = effects(
        lexicon,
        "QT interval prolongation, which is dose-dependent, and serotonin syndrome have been "
        "reported.",
    )
    assert set(found) == {"HP:0001657", "local:serotonin-syndrome"}
    # An explanation listing symptoms with an Oxford comma is still one effect.
    found = effects(
        lexicon, "* low blood sodium, which can cause headache, confusion, and weakness"
    )
    assert set(found) == {"HP:0002902"}


def test_despite_clause_and_slow_or_shallow_breathing(lexicon) -> None:
    found = effects(lexicon, "* Weight loss despite a normal appetite\n* slow or shallow breathing")
    assert set(found) == {"HP:0001824", "HP:0002791"}
