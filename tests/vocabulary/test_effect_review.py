"""Effect vocabulary at real-site scale: qualifier-free lookups and the reviewed overrides.

The overrides are reviewed concepts, so the file itself is held to the rules a reviewer
applies: one id per phrase, one name per local concept, live HPO terms only, and lay words
for one concept landing on one id.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.ingest.curated import read_csv_rows
from pipeline.vocabulary.lexicon import OVERRIDES_CSV, data_path
from pipeline.vocabulary.normalise import key_variants, normalise_phrase
from pipeline.vocabulary.obo import bundled_hpo_path, load_obo


@pytest.fixture(scope="module")
def ontology():
    return load_obo(bundled_hpo_path())


@pytest.fixture(scope="module")
def overrides() -> list[dict[str, str]]:
    return read_csv_rows(data_path(OVERRIDES_CSV))


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("injection site pain", "pain"),
        ("Pain at the injection site", "pain"),
        ("application site erythema", "erythema"),
        ("swelling around the IV infusion site", "swelling"),
        ("rash on treated areas", "rash"),
        ("pain at the site of injection", "pain"),
        ("itching where the cream is applied", "itching"),
        ("of existing heart failure", "heart failure"),
        ("hypoglycemia symptoms", "hypoglycemia"),
        ("bleeding problems", "bleeding"),
    ],
)
def test_key_variants_drop_qualifiers_that_name_no_other_effect(phrase: str, expected: str) -> None:
    variants = key_variants(normalise_phrase(phrase))
    assert variants[0] == normalise_phrase(phrase)  # the literal reading first
    assert normalise_phrase(expected) in variants


def test_key_variants_keep_what_is_not_a_qualifier_and_are_bounded() -> None:
    assert key_variants("headach") == ["headach"]
    assert "site" not in key_variants(normalise_phrase("pain at the injection site"))
    # A run of qualifiers is peeled one at a time, never past a bounded number of keys.
    long = normalise_phrase("of " * 40 + "pain at the injection site symptoms")
    assert len(key_variants(long)) <= 24


@pytest.mark.parametrize(
    ("phrase", "effect_id"),
    [
        ("injection site pain", "HP:0012531"),  # the site is a place, the effect is pain
        ("pain at the injection site", "HP:0012531"),
        ("injection site redness", "HP:0010783"),
        ("swelling at the application site", "HP:0000969"),
        ("itching where the gel is applied", "HP:0000989"),
        ("of existing heart failure", "HP:0001635"),
        ("hypoglycaemia symptoms", "HP:0001943"),
        ("increased serum ALT levels", "HP:0031964"),  # analyte table, 'serum' form
        ("elevated bilirubin", "HP:0002904"),
        ("decrease in blood pressure", "HP:0002615"),
    ],
)
def test_lookup_effect_reads_through_qualifiers(lexicon, phrase: str, effect_id: str) -> None:
    concept = lexicon.lookup_effect(phrase)
    assert concept is not None and concept.effect_id == effect_id


def test_literal_lookup_is_unchanged_for_conditions(lexicon) -> None:
    """Indications look phrases up literally: a site qualifier is not stripped there."""
    assert lexicon.lookup("injection site pain") is None
    assert lexicon.lookup_effect("injection site pain") is not None


def test_reactions_named_only_by_their_site_stay_one_local_concept(lexicon) -> None:
    ids = {
        lexicon.lookup_effect(p).effect_id
        for p in (
            "injection site reactions",
            "injection-site reaction",
            "reactions at the injection site",
        )
    }
    assert ids == {"local:injection-site-reaction"}


@pytest.mark.parametrize(
    "phrases",
    [
        # infections: one reviewed local concept of each kind
        ("infections", "infection", "serious infections", "secondary infections", "superinfection"),
        ("upper respiratory tract infection", "URTI", "upper respiratory infections"),
        ("thrush", "yeast infection", "candidiasis"),
        ("vaginal yeast infection", "vaginal thrush", "vulvovaginal candidiasis"),
        ("urinary tract infections", "UTI", "bladder infection"),
        ("pseudomembranous colitis", "C. difficile infection", "Clostridium difficile colitis"),
        ("bone marrow suppression", "myelosuppression", "bone marrow depression"),
        ("burning", "burning sensation", "skin burning", "burning at the application site"),
        ("stinging", "stinging sensation", "stinging where the cream is applied"),
        ("nervousness", "nervous", "jitteriness", "jittery", "feeling nervous"),
        ("dark stools", "darkening of the stools", "dark-colored stools"),
        ("hand-foot syndrome", "palmar-plantar erythrodysesthesia"),
        ("cold hands and feet", "cold extremities"),
        ("changes in urine color", "orange discoloration of urine", "urine discoloration"),
        ("dark urine", "darkening of urine", "darkened urine"),
        ("fractures", "bone fractures", "increased risk of fractures"),
    ],
)
def test_lay_words_for_one_concept_map_to_one_id(lexicon, phrases: tuple[str, ...]) -> None:
    concepts = {p: lexicon.lookup_effect(p) for p in phrases}
    assert all(c is not None for c in concepts.values()), concepts
    assert len({c.effect_id for c in concepts.values() if c}) == 1, concepts


def test_an_infection_is_a_local_concept_and_a_risk_of_infection_is_susceptibility(
    lexicon, ontology
) -> None:
    """An infection reported as an adverse effect is not HPO's 'Recurrent ...' phenotype
    (increased susceptibility), which HPO alone has, so it stays a reviewed local concept;
    'increased risk of infection' is that susceptibility and maps to it."""
    for phrase in ("infections", "urinary tract infection", "fungal infection", "skin infection"):
        concept = lexicon.lookup_effect(phrase)
        assert concept is not None and concept.effect_id.startswith("local:"), phrase
    risk = lexicon.lookup_effect("increased risk of infection")
    assert risk is not None and ontology.terms[risk.effect_id].name.startswith("Recurrent")


def test_each_override_phrase_has_one_id(overrides) -> None:
    ids: dict[str, set[str]] = defaultdict(set)
    for row in overrides:
        ids[normalise_phrase(row["phrase"])].add(row["effect_id"])
    assert {k: v for k, v in ids.items() if len(v) > 1} == {}


def test_each_local_concept_has_one_name_and_system(overrides) -> None:
    names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in overrides:
        if row["effect_id"].startswith("local:"):
            names[row["effect_id"]].add((row["effect_name"], row["body_system"]))
    assert {k: v for k, v in names.items() if len(v) > 1} == {}


def test_overrides_name_live_hpo_terms(overrides, ontology) -> None:
    for row in overrides:
        if row["effect_id"].startswith("HP:"):
            term = ontology.terms[row["effect_id"]]
            assert not term.obsolete and term.name == row["effect_name"], row
