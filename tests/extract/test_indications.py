"""Indications: triggers, negation, abbreviations, populations, condition names."""

from __future__ import annotations

import pytest

from pipeline.extract.indications import (
    extract_indications,
    normalise_condition,
    page_abbreviations,
)
from tests.conftest import page_from


def found(body: str, lexicon=None) -> set[tuple[str, str]]:
    page = page_from(f"---\ntitle: Testamine\n---\n# Testamine\n### Usage\n{body}\n")
    return {(m.condition_name, m.status) for m in extract_indications(page, lexicon)}


def test_negation_and_abbreviations(lexicon) -> None:
    got = found(
        "Testamine is used to treat major depressive disorder (MDD). It is *not* approved for the "
        "treatment of fibromyalgia. It does not work against viral infections such as colds.",
        lexicon,
    )
    assert ("major depressive disorder", "indicated") in got
    assert ("fibromyalgia", "not_indicated") in got
    assert ("viral infections", "not_indicated") in got


@pytest.mark.parametrize(
    "phrase",
    [
        "is not approved for",
        "is not used for",
        "is not recommended for",
        "should not be used to treat",
        "does not work against",
        "is not a treatment for",
        "does not relieve",
        "is not meant for",
    ],
)
def test_every_contract_negation(lexicon, phrase: str) -> None:
    assert ("gout", "not_indicated") in found(f"Testamine {phrase} gout.", lexicon)


def test_list_items_with_explanations_and_populations(lexicon) -> None:
    page = page_from(
        "---\ntitle: T\n---\n# T\n## Uses\n**Primary uses (adults):**\n"
        "* Obsessive-compulsive disorder (OCD)\n* **Hypertension (high blood pressure)** in adults and children\n"
    )
    got = {(m.condition_name, m.population) for m in extract_indications(page, lexicon)}
    assert ("obsessive-compulsive disorder", "adult") in got
    # The item names both adults and children: no restriction, whatever the heading says.
    assert ("hypertension", None) in got


def test_prose_keeps_conditions_only(lexicon) -> None:
    got = found(
        "It is used after a heart attack to reduce the risk of another heart attack, a stroke, or death. "
        "It lowers blood sugar in people with type 2 diabetes.",
        lexicon,
    )
    names = {name for name, _ in got}
    assert "death" not in names and "blood sugar" not in names
    assert {"stroke", "type 2 diabetes"} <= names
    assert any("heart attack" in n or "myocardial" in n for n in names)


def test_shared_noun_and_parenthesis_names(lexicon) -> None:
    got = found(
        "Used to prevent clots in people with mechanical or bioprosthetic heart valves. "
        "It relieves the pain, swelling and stiffness of osteoarthritis and menstrual cramps (dysmenorrhea).",
        lexicon,
    )
    names = {name for name, _ in got}
    assert {
        "mechanical heart valves",
        "bioprosthetic heart valves",
        "osteoarthritis",
        "menstrual cramps",
    } <= names
    assert "swelling" not in names


def test_normalise_condition() -> None:
    abbreviations = page_abbreviations("post-traumatic stress disorder (PTSD)")
    assert normalise_condition("PTSD", abbreviations) == "post-traumatic stress disorder"
    assert normalise_condition("GERD", {}) == "gastroesophageal reflux disease"
    assert normalise_condition("ear infections (otitis media)", {}) == "ear infections"
    assert normalise_condition("swollen glands in the neck (lymphadenitis)", {}) == "lymphadenitis"
    assert normalise_condition("it", {}) is None


def test_and_distributes_a_shared_noun_between_known_conditions(lexicon) -> None:
    got = found("It is used to treat stomach and duodenal ulcers.", lexicon)
    assert {c for c, _ in got} == {"stomach ulcers", "duodenal ulcers"}
    # Not a known pair of concepts: one category stays one name.
    assert {c for c, _ in found("* Skin and soft-tissue infections", lexicon)} == {
        "skin and soft-tissue infections"
    }


def test_list_goes_on_after_a_population(lexicon) -> None:
    got = found(
        "It is used to treat major depressive disorder in adults and adolescents aged 12 to 17, "
        "and generalized anxiety disorder in adults.",
        lexicon,
    )
    assert {c for c, _ in got} == {"major depressive disorder", "generalized anxiety disorder"}


def test_negation_limited_to_a_situation_keeps_the_indication(lexicon) -> None:
    got = found(
        "It is used to treat high blood pressure (hypertension). It should not be used to treat "
        "high blood pressure during pregnancy.",
        lexicon,
    )
    assert ("hypertension", "indicated") in got
    assert ("high blood pressure during pregnancy", "not_indicated") in got


def test_with_clause_pair_named_by_its_parenthesis(lexicon) -> None:
    got = found(
        "It protects the kidneys in people with type 2 diabetes and kidney disease "
        "(diabetic nephropathy).",
        lexicon,
    )
    assert got == {("diabetic nephropathy", "indicated")}


def test_bold_name_continued_by_associated_with(lexicon) -> None:
    got = found(
        "* **Neuropathic pain** associated with diabetic peripheral neuropathy and postherpetic "
        "neuralgia",
        lexicon,
    )
    assert {"diabetic peripheral neuropathy", "postherpetic neuralgia"} <= {c for c, _ in got}


def test_bare_list_under_a_uses_heading(lexicon) -> None:
    got = found("**Off-label uses:** panic disorder and social anxiety disorder.", lexicon)
    assert got == {("panic disorder", "indicated"), ("social anxiety disorder", "indicated")}


def test_example_that_narrows_its_head_adds_nothing(lexicon) -> None:
    got = found(
        "* Urinary tract infections (UTIs), including complicated infections and pyelonephritis",
        lexicon,
    )
    assert {c for c, _ in got} == {"urinary tract infections", "pyelonephritis"}


def test_parenthesis_listing_kinds_names_each(lexicon) -> None:
    got = found("* Inflammatory bowel disease (Crohn's disease and ulcerative colitis)", lexicon)
    assert {"inflammatory bowel disease", "crohn's disease", "ulcerative colitis"} <= {
        c for c, _ in got
    }


def test_and_other_names_the_first_as_one_of_the_second(lexicon) -> None:
    got = found("* Lupus and other autoimmune conditions", lexicon)
    assert "lupus" in {c for c, _ in got}


def test_site_words_and_prevention_wording_in_names(lexicon) -> None:
    got = found(
        "It is used for the long-term prevention of asthma attacks, and for lower respiratory "
        "tract infections.",
        lexicon,
    )
    assert {c for c, _ in got} == {"asthma attacks", "lower respiratory tract infections"}


def test_situational_negations_keep_each_condition_indicated(lexicon) -> None:
    got = found(
        "* once weekly for rheumatoid arthritis\n* once weekly for psoriasis\n\n"
        "It must not be used to treat psoriasis or rheumatoid arthritis in pregnant women. "
        "It is used to prevent migraine. It is not meant to stop a migraine attack once it has "
        "started. It is used to reduce the risk of stroke. It is not used to treat a stroke "
        "that is happening.",
        lexicon,
    )
    indicated = {c for c, s in got if s == "indicated"}
    assert {"rheumatoid arthritis", "psoriasis", "migraine", "stroke"} <= indicated
    negated = {c for c, s in got if s == "not_indicated"}
    assert negated == {
        "psoriasis in pregnant women",
        "rheumatoid arthritis in pregnant women",
        "migraine attack once it has started",
        "stroke that is happening",
    }


def test_shared_head_is_the_shortest_known_tail(lexicon) -> None:
    got = found(
        "* monotherapy for partial-onset or primary generalised tonic-clonic seizures", lexicon
    )
    assert {c for c, _ in got} == {
        "partial-onset seizures",
        "primary generalised tonic-clonic seizures",
    }


def test_or_who_have_names_another_condition(lexicon) -> None:
    got = found(
        "It is used to reduce the risk of heart attack in people who have had a recent heart "
        "attack, or who have peripheral arterial disease.",
        lexicon,
    )
    assert "peripheral arterial disease" in {c for c, _ in got}


def test_people_with_after_surgery_and_death_are_not_names(lexicon) -> None:
    got = found(
        "It is used to reduce the risk of heart attack, stroke and death from heart disease, and "
        "to prevent DVT after hip or knee replacement surgery. It is not recommended for people "
        "with prosthetic heart valves. It is not a treatment for high triglycerides on their own "
        "when cholesterol is normal.",
        lexicon,
    )
    assert got == {
        ("heart attack", "indicated"),
        ("stroke", "indicated"),
        ("deep vein thrombosis", "indicated"),  # DVT, expanded
        ("prosthetic heart valves", "not_indicated"),
        ("high triglycerides", "not_indicated"),
    }


def test_item_naming_its_condition_before_a_purpose(lexicon) -> None:
    got = found(
        "* Gout, to prevent attacks by lowering uric acid levels\n"
        "* Kidney stones caused by uric acid or calcium oxalate\n"
        "* Suppression of thyroid-stimulating hormone (TSH) in some thyroid cancers",
        lexicon,
    )
    assert {c for c, _ in got} == {"gout", "kidney stones", "thyroid cancers"}


def test_negation_keeps_its_severity_and_spares_the_indication(lexicon) -> None:
    got = found(
        "Tramadol is used for moderate to moderately severe pain in adults. It is not suitable "
        "for mild pain that can be eased with paracetamol.",
        lexicon,
    )
    assert got == {("pain", "indicated"), ("mild pain", "not_indicated")}


def test_examples_of_a_category_and_shared_single_words(lexicon) -> None:
    got = found(
        "Doctors use it for chest infections such as pneumonia, for ear, nose and throat "
        "infections including sinusitis, and for some sexually transmitted infections such as "
        "chlamydia. It will not work for colds, flu or other viral infections.",
        lexicon,
    )
    indicated = {c for c, s in got if s == "indicated"}
    assert {"pneumonia", "ear, nose and throat infections", "sinusitis", "chlamydia"} <= indicated
    assert "nose and throat infections" not in indicated and "ear" not in indicated
    assert {c for c, s in got if s == "not_indicated"} == {"colds", "flu", "viral infections"}


def test_negated_prevention_parenthesis_and_place_clauses(lexicon) -> None:
    got = found(
        "* Acute treatment of migraine attacks in adults\n"
        "* Acute treatment of cluster headache episodes (injection only)\n"
        "* to prevent and treat malaria in areas where the parasite is sensitive to it\n\n"
        "It is not intended for the prevention of migraine. It has not been shown to work "
        "against COVID-19.",
        lexicon,
    )
    assert {"migraine attacks", "cluster headache episodes", "malaria"} <= {
        c for c, s in got if s == "indicated"
    }
    assert {c for c, s in got if s == "not_indicated"} == {"migraine prevention", "covid-19"}


def test_hedged_negation_is_a_negation(lexicon) -> None:
    got = found(
        "Testamine is used to treat gout. It is not typically used to treat migraine.", lexicon
    )
    assert ("migraine", "not_indicated") in got and ("gout", "indicated") in got


def test_no_cure_gives_no_row_against_the_condition(lexicon) -> None:
    got = found(
        "Testamine is used to treat Human Immunodeficiency Virus (HIV) infection. It is *not* a "
        "cure for HIV, but it lowers the viral load.",
        lexicon,
    )
    assert ("human immunodeficiency virus infection", "indicated") in got
    assert all(status == "indicated" for _, status in got)


def test_vaccines_name_the_diseases_they_protect_against(lexicon) -> None:
    got = found(
        "This vaccine protects against three serious diseases: tetanus, diphtheria, and "
        "hepatitis B. The rubella vaccine is used for active immunization against rubella.",
        lexicon,
    )
    assert {"tetanus", "diphtheria", "hepatitis b", "rubella"} <= {n for n, _ in got}


def test_course_forms_and_abbreviations_inside_names(lexicon) -> None:
    got = found(
        "Testamine is used to treat relapsing forms of multiple sclerosis (MS). This includes "
        "clinically isolated syndrome, relapsing-remitting MS, and active secondary progressive MS.",
        lexicon,
    )
    names = {n for n, _ in got}
    assert {"relapsing multiple sclerosis", "relapsing-remitting multiple sclerosis"} <= names


def test_adverbs_glosses_cases_and_appositions(lexicon) -> None:
    got = {
        n
        for n, _ in found(
            "Testamine is used topically to treat onychomycosis. It is also used as an adjunctive "
            "therapy (meaning it's used alongside other treatments) for cortical myoclonus. It is "
            "used to treat confirmed or suspected cases of diphtheria. It is used to treat angina "
            "pectoris, a type of chest pain.",
            lexicon,
        )
    }
    assert {"onychomycosis", "cortical myoclonus", "diphtheria", "angina pectoris"} <= got
    assert "chest pain" not in got


def test_deficiencies_of_each_nutrient(lexicon) -> None:
    got = {
        n
        for n, _ in found(
            "Testamine is used to address or prevent deficiencies in copper, manganese, and zinc.",
            lexicon,
        )
    }
    assert {"copper deficiency", "manganese deficiency", "zinc deficiency"} <= got


def test_not_approved_for_all_types_is_no_negation(lexicon) -> None:
    got = found(
        "Testamine is used to treat relapsing multiple sclerosis (MS). It is not approved for all "
        "types of MS.",
        lexicon,
    )
    assert not any(status == "not_indicated" for _, status in got)
