"""The condition vocabulary (ICD-10-CM + reviewed overrides) and the anchoring of
condition phrases on it: boundaries, non-conditions, shared nouns, negations."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract.conditions import anchor_condition
from pipeline.extract.indications import extract_indications
from pipeline.vocabulary.conditions import (
    CONDITION_OVERRIDES_CSV,
    ICD10CM_VERSION,
    ConditionVocabulary,
    build_condition_frame,
    load_condition_vocabulary,
    name_variants,
)
from pipeline.vocabulary.lexicon import Lexicon
from tests.conftest import page_from


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("essential hypertension", "I10"),  # the title without its nonessential modifier
        ("High blood pressure", "I10"),  # an inclusion term
        ("acne vulgaris", "L70.0"),
        ("Ménière's disease", "H81.0"),  # accents folded
        ("Meniere's disease", "H81.0"),
        ("common cold", "J00"),  # a bracketed synonym: "Acute nasopharyngitis [common cold]"
        ("gastroesophageal reflux disease", "K21"),  # "Gastro-esophageal" unhyphenated
        ("breast cancer", "C50"),  # "Malignant neoplasm of breast"
        ("atrial fibrillation", "I48.91"),  # "Unspecified atrial fibrillation"
        ("heart attack", "I21.9"),  # a reviewed lay name
        ("inflammatory bowel disease", "local:inflammatory-bowel-disease"),  # a local concept
    ],
)
def test_lookup(conditions: ConditionVocabulary, phrase: str, code: str) -> None:
    concept = conditions.lookup(phrase)
    assert concept is not None and concept.condition_id == code


def test_version_and_no_drug_names(conditions: ConditionVocabulary) -> None:
    assert "2026" in conditions.version and conditions.version == ICD10CM_VERSION
    # Poisoning codes (T36-T65) and external causes name substances, not conditions.
    for phrase in ("calcium carbonate", "magnesium oxide", "paracetamol", "ointment"):
        assert conditions.lookup(phrase) is None


def test_name_variants_follow_icd_conventions() -> None:
    variants = dict(name_variants("Major depressive disorder, single episode, unspecified"))
    assert variants["Major depressive disorder"] == 1  # the head before a qualifier
    assert ("Pain", 0) in name_variants("Pain NOS")
    assert name_variants("any condition in I50.- due to hypertension") == []


def test_overrides_are_checked(tmp_path: Path) -> None:
    (tmp_path / CONDITION_OVERRIDES_CSV).write_text(
        "phrase,condition_id,name,note\nmade-up pain,Q99.999,,a typo in the code\n"
    )
    with pytest.raises(ValueError, match="is no ICD-10-CM code"):
        build_condition_frame(data_dir=tmp_path)
    (tmp_path / CONDITION_OVERRIDES_CSV).write_text(
        "phrase,condition_id,name,note\nmade-up pain,local:Made Up,,not a slug\n"
    )
    with pytest.raises(ValueError, match="local:<slug>"):
        build_condition_frame(data_dir=tmp_path)


def test_cache_is_reused(tmp_path: Path, conditions: ConditionVocabulary) -> None:
    first = load_condition_vocabulary(tmp_path)
    cached = list(tmp_path.glob("conditions-*.parquet"))
    assert len(cached) == 1
    second = load_condition_vocabulary(tmp_path)
    assert len(first) == len(second) == len(conditions)
    assert second.lookup("high blood pressure") == first.lookup("high blood pressure")


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("heal duodenal ulcers", "duodenal ulcers"),  # a leading verb
        ("acne vulgaris in individuals aged 12 years", "acne vulgaris"),  # a population
        ("major depressive disorder in adults", "major depressive disorder"),
        ("hypertension at the same time", "hypertension"),  # a time
        ("long-term prophylaxis of angina", "angina"),  # a purpose
        ("relapsing-remitting multiple sclerosis", "relapsing-remitting multiple sclerosis"),
        ("nausea and vomiting during pregnancy", "nausea and vomiting during pregnancy"),
        ("gastroesophageal variceal hemorrhage", "gastroesophageal variceal hemorrhage"),
    ],
)
def test_boundaries_are_cut_to_the_concept(
    conditions: ConditionVocabulary, lexicon: Lexicon, phrase: str, name: str
) -> None:
    anchored = anchor_condition(phrase, conditions, lexicon)
    assert anchored is not None and anchored.name == name


@pytest.mark.parametrize(
    "phrase",
    ["ointment", "transdermal patches", "magnesium oxide", "primary use", "after exposure", "use"],
)
def test_non_conditions_are_rejected(
    conditions: ConditionVocabulary, lexicon: Lexicon, phrase: str
) -> None:
    assert anchor_condition(phrase, conditions, lexicon) is None


def _found(body: str, lexicon: Lexicon, conditions: ConditionVocabulary) -> set[tuple[str, str]]:
    page = page_from(f"---\ntitle: Testamine\n---\n# Testamine\n### Usage\n{body}\n")
    mentions = extract_indications(page, lexicon, conditions)
    assert all(m.condition_id for m in mentions)  # every condition is anchored
    return {(m.condition_name, m.status) for m in mentions}


def test_shared_noun_and_cause(lexicon: Lexicon, conditions: ConditionVocabulary) -> None:
    assert _found(
        "Testamine is used to heal gastric and duodenal ulcers.", lexicon, conditions
    ) == {
        ("gastric ulcers", "indicated"),
        ("duodenal ulcers", "indicated"),
    }
    # A condition named through its cause is the condition treated, not the cause.
    assert _found(
        "Testamine is used to treat nerve pain caused by diabetes.", lexicon, conditions
    ) == {("nerve pain", "indicated")}


def test_forms_and_ingredients_are_no_indications(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "- Ointment: applied to the skin for long-term prophylaxis of angina.\n"
        "- Magnesium oxide: plays a role in many bodily functions.\n",
        lexicon,
        conditions,
    )
    assert ("ointment", "indicated") not in got
    assert ("magnesium oxide", "indicated") not in got


def test_negation_keeps_its_situation(lexicon: Lexicon, conditions: ConditionVocabulary) -> None:
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Usage\nTestamine treats psoriasis. It "
        "should not be used to treat psoriasis during pregnancy.\n"
    )
    mentions = {m.condition_name: m for m in extract_indications(page, lexicon, conditions)}
    assert mentions["psoriasis"].status == "indicated"
    assert mentions["psoriasis"].condition_id == "L40.9" or mentions[
        "psoriasis"
    ].condition_id.startswith("L40")
    negated = mentions["psoriasis during pregnancy"]
    assert negated.status == "not_indicated"
    assert negated.condition_id == "local:psoriasis-during-pregnancy"


def test_a_vocabulary_concept_is_a_condition_without_a_disease_word(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    # No disease word and no HPO term: the condition vocabulary alone says these are conditions.
    got = _found(
        "Testamine is used to treat and prevent calcium deficiency and acid indigestion.",
        lexicon,
        conditions,
    )
    assert {("calcium deficiency", "indicated"), ("acid indigestion", "indicated")} <= got


def test_a_loose_icd_head_does_not_make_a_condition(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    # "skin" (from "... in contact with the skin") and an adverb are no part of a condition.
    assert anchor_condition("skin", conditions, lexicon) is None
    anchored = anchor_condition("primarily strokes", conditions, lexicon)
    assert anchored is not None and anchored.name == "strokes"
    got = _found("Testamine helps manage the stiffness of the skin.", lexicon, conditions)
    assert ("skin", "indicated") not in got


def test_label_over_a_bare_list_gives_each_condition(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "Testamine relieves pain in conditions such as:\n\n"
        "* **Joint pain:** Osteoarthritis, rheumatoid arthritis, gout.\n"
        "* **Spondylitis:** A form of arthritis affecting the spine, causing stiffness.\n",
        lexicon,
        conditions,
    )
    assert {("osteoarthritis", "indicated"), ("rheumatoid arthritis", "indicated")} <= got
    assert ("gout", "indicated") in got
    # A description after a label is no list of conditions.
    assert ("stiffness", "indicated") not in got


@pytest.mark.parametrize(
    ("sentence", "expected", "absent"),
    [
        # "lower high X": lowering what is raised treats it.
        ("Testamine is used to lower high blood pressure in adults.", "high blood pressure", None),
        # the list goes on after a population and a comma
        (
            "Doctors prescribe it for gout in adults and, as a cream, for psoriasis.",
            "psoriasis",
            None,
        ),
        # "in individuals with": a population with its condition
        ("It is used to prevent bleeding in individuals with hemophilia A.", "hemophilia a", None),
    ],
)
def test_more_use_wordings(
    lexicon: Lexicon,
    conditions: ConditionVocabulary,
    sentence: str,
    expected: str,
    absent: str | None,
) -> None:
    assert (expected, "indicated") in _found(sentence, lexicon, conditions)


@pytest.mark.parametrize(
    ("sentence", "negated", "not_indicated_wrongly"),
    [
        (
            "Testamine treats gout. It has not been shown to lower the risk of heart attack.",
            None,
            "heart attack",
        ),
        (
            "Testamine treats gout. Studies show it does not prevent heart disease or cancer.",
            "cancer",
            "cancer",
        ),
        (
            "Testamine treats gout. It is not meant to correct low calcium in people with "
            "hypoparathyroidism.",
            None,
            "hypoparathyroidism",
        ),
    ],
)
def test_negations_never_give_indications(
    lexicon: Lexicon,
    conditions: ConditionVocabulary,
    sentence: str,
    negated: str | None,
    not_indicated_wrongly: str,
) -> None:
    got = _found(sentence, lexicon, conditions)
    assert (not_indicated_wrongly, "indicated") not in got
    if negated:
        assert (negated, "not_indicated") in got


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("pneumonia", "J18.9"),  # not the first pneumonia code (a named organism)
        ("community-acquired pneumonia", "J18.9"),
        ("fungal infections", "B49"),
        ("bacterial vaginosis", "N76.0"),
        ("menstrual cramps", "N94.6"),
        ("skin infections", "L08.9"),
    ],
)
def test_reviewed_lay_names(conditions: ConditionVocabulary, phrase: str, code: str) -> None:
    concept = conditions.lookup(phrase)
    assert concept is not None and concept.condition_id == code


def test_negated_way_of_use_spares_the_condition(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    # The way of use is negated, not the condition.
    got = _found(
        "Testamine relieves symptoms of hay fever. It is not for long-term management of "
        "allergies or hay fever.",
        lexicon,
        conditions,
    )
    assert ("hay fever", "indicated") in got
    assert ("hay fever", "not_indicated") not in got
    # A line of therapy negated keeps its row but does not cancel the indication.
    got = _found(
        "Testamine is indicated for the treatment of gout in adults. It is not indicated for "
        "initial therapy of gout.",
        lexicon,
        conditions,
    )
    assert ("gout", "indicated") in got


def test_examples_include_and_disorder_for_disease(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "Testamine treats skin conditions. Examples include psoriasis and lichen planus.",
        lexicon,
        conditions,
    )
    assert {("psoriasis", "indicated"), ("lichen planus", "indicated")} <= got
    assert conditions.lookup("peripheral vascular disorders") == conditions.lookup(
        "peripheral vascular diseases"
    )


def test_approved_uses_organism_infections_and_dangling_words(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "Approved uses include nosocomial pneumonia, complicated skin and skin structure "
        "infections, and appendicitis complicated by rupture. It is not appropriate for treating "
        "infections caused by methicillin-resistant Staphylococcus aureus.",
        lexicon,
        conditions,
    )
    assert ("nosocomial pneumonia", "indicated") in got
    assert ("complicated skin and skin structure infections", "indicated") in got
    assert ("appendicitis", "indicated") in got  # the participle starts a clause
    assert any(name.startswith("methicillin-resistant") and s == "not_indicated" for name, s in got)
    anchored = anchor_condition("open-angle glaucoma and", conditions, lexicon)
    assert anchored is not None and anchored.name == "open-angle glaucoma"


def test_does_not_cure_never_cancels_the_indication(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "Testamine is used to treat amyotrophic lateral sclerosis (ALS). It is not a cure for ALS.",
        lexicon,
        conditions,
    )
    assert ("amyotrophic lateral sclerosis", "indicated") in got
    assert ("amyotrophic lateral sclerosis", "not_indicated") not in got
    # Another negation in the sentence still counts.
    got = _found(
        "Testamine treats gout. It does not cure gout and is not approved for psoriasis.",
        lexicon,
        conditions,
    )
    assert ("psoriasis", "not_indicated") in got


def test_category_examples_and_condition_labels(
    lexicon: Lexicon, conditions: ConditionVocabulary
) -> None:
    got = _found(
        "Testamine is used for a wide range of conditions including: headaches, back pain "
        "and toothaches. It treats forms of multiple sclerosis. This includes clinically "
        "isolated syndrome and relapsing-remitting multiple sclerosis.\n\n"
        "* **Rheumatoid arthritis:** An autoimmune disease. Testamine helps control joint pain "
        "and swelling.\n",
        lexicon,
        conditions,
    )
    assert {("back pain", "indicated"), ("clinically isolated syndrome", "indicated")} <= got
    assert ("relapsing-remitting multiple sclerosis", "indicated") in got
    # A label that names a condition is the indication; its description names symptoms.
    assert ("rheumatoid arthritis", "indicated") in got
    assert ("swelling", "indicated") not in got
