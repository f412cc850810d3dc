"""The lexicon: real hp.obo, curated files, normalisation and lookup precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.curated import read_csv_rows
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.lexicon import (
    ANALYTES_CSV,
    ANCHORS_CSV,
    EXCEPTIONS_CSV,
    OVERRIDES_CSV,
    data_path,
)
from pipeline.vocabulary.normalise import normalise_phrase, of_inversion
from pipeline.vocabulary.obo import PHENOTYPIC_ABNORMALITY, bundled_hpo_path, load_obo, parse_obo


@pytest.fixture(scope="module")
def ontology():
    return load_obo(bundled_hpo_path())


def test_real_ontology_file_is_read(ontology) -> None:
    assert ontology.data_version == "hp/releases/2025-01-16"
    nausea = ontology.terms["HP:0002018"]
    assert nausea.name == "Nausea"
    assert any(s.type == "layperson" and s.scope == "EXACT" for s in nausea.synonyms)
    assert PHENOTYPIC_ABNORMALITY in ontology.ancestors("HP:0002018")


def test_obo_reader_keeps_scope_type_parents_and_obsolescence() -> None:
    onto = parse_obo(
        [
            "data-version: test/1\n",
            "\n",
            "[Term]\n",
            "id: HP:1\n",
            "name: One\n",
            'synonym: "Uno \\"quoted\\"" RELATED layperson []\n',
            "is_a: HP:0 ! Root\n",
            "\n",
            "[Term]\n",
            "id: HP:2\n",
            "name: Two\n",
            "is_obsolete: true\n",
            "[Typedef]\n",
            "id: part_of\n",
        ]
    )
    assert onto.data_version == "test/1"
    assert onto.terms["HP:1"].synonyms[0].text == 'Uno "quoted"'
    assert onto.terms["HP:1"].synonyms[0].scope == "RELATED" and onto.terms["HP:1"].parents == [
        "HP:0"
    ]
    assert onto.terms["HP:2"].obsolete and "part_of" not in onto.terms


def test_curated_files_name_real_terms(ontology) -> None:
    for name in (ANCHORS_CSV, EXCEPTIONS_CSV):
        for row in read_csv_rows(data_path(name)):
            assert ontology.terms[row["hpo_id"]].name == row["hpo_name"], row
    names = {t.name for t in ontology.terms.values()}
    for row in read_csv_rows(data_path(ANALYTES_CSV)):
        assert {row["low_label"], row["high_label"]} - {""} <= names, row
    overrides = read_csv_rows(data_path(OVERRIDES_CSV))
    assert len(overrides) >= 300
    for row in overrides:
        if row["effect_id"].startswith("HP:"):
            assert ontology.terms[row["effect_id"]].name == row["effect_name"], row
        else:
            assert row["effect_id"].startswith("local:") and row["body_system"], row


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Diarrhoea", "diarrhea"),
        ("Headaches", "headach"),
        ("headache", "headach"),
        ("Behavioural changes", "behavioral change"),
        ("Stevens–Johnson Syndrome", "steven johnson syndrome"),
        ("Swelling of the ankles", "swelling of ankle"),
        ("Oedema", "edema"),
    ],
)
def test_normalisation(text: str, key: str) -> None:
    assert normalise_phrase(text) == key


def test_of_inversion() -> None:
    assert of_inversion("swelling of ankle") == "ankle swelling"


@pytest.mark.parametrize(
    ("phrase", "effect_id"),
    [
        ("Nausea", "HP:0002018"),
        ("diarrhoea", "HP:0002014"),  # British spelling
        ("Dizziness", "HP:0002321"),  # HPO synonym
        ("Sweating", "HP:0000975"),  # override (lay phrase)
        ("High blood pressure", "HP:0000822"),
        ("Serotonin syndrome", "local:serotonin-syndrome"),  # not in HPO
        ("Stevens-Johnson syndrome", "local:stevens-johnson-syndrome"),
        ("hypersensitivity", "HP:0012393"),  # override beats HPO's emotional sense
        ("joint pains", "HP:0002829"),
        ("pain in the joints", "HP:0002829"),  # "X of Y" inversion
        ("low magnesium levels", "HP:0002917"),  # analyte table
        ("raised blood sugar", "HP:0003074"),
    ],
)
def test_lookup(lexicon, phrase: str, effect_id: str) -> None:
    concept = lexicon.lookup(phrase)
    assert concept is not None and concept.effect_id == effect_id


def test_lookup_prefers_names_over_synonyms(lexicon) -> None:
    concept = lexicon.lookup("Seizure")
    assert concept is not None and concept.match_source in ("name", "override")


def test_body_systems(lexicon) -> None:
    assert lexicon.lookup("anxiety").body_system == "Psychiatric"
    assert lexicon.lookup("dry mouth").body_system == "Gastrointestinal"  # per-term exception
    assert lexicon.lookup("palpitations").body_system == "Cardiac"
    assert lexicon.lookup("hypertension").body_system == "Vascular"
    assert lexicon.lookup("rash").body_system == "Skin and subcutaneous tissue"


def test_fuzzy_candidates_only_suggest(lexicon) -> None:
    assert lexicon.lookup("nausia") is None
    candidates = lexicon.fuzzy_candidates("nausia")
    assert candidates and candidates[0][0].effect_id == "HP:0002018"


def test_cache_rebuilds_only_when_inputs_change(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in (OVERRIDES_CSV, ANCHORS_CSV, EXCEPTIONS_CSV, ANALYTES_CSV):
        (data / name).write_bytes(data_path(name).read_bytes())
    first = load_lexicon(tmp_path / "cache", data_dir=data)
    again = load_lexicon(tmp_path / "cache", data_dir=data)
    assert first.rebuilt and not again.rebuilt and first.fingerprint == again.fingerprint
    assert again.data_version == "hp/releases/2025-01-16"
    with (data / OVERRIDES_CSV).open("a") as handle:
        handle.write("zzz test phrase,local:zzz,zzz,General,\n")
    changed = load_lexicon(tmp_path / "cache", data_dir=data)
    assert changed.rebuilt and changed.fingerprint != first.fingerprint
    assert changed.lexicon.lookup("zzz test phrase").effect_id == "local:zzz"
    assert len(list((tmp_path / "cache").glob("lexicon-*.parquet"))) == 1


def test_a_damaged_or_unwritable_lexicon_cache_costs_a_rebuild_not_the_run(tmp_path: Path) -> None:
    first = load_lexicon(tmp_path / "cache")
    assert first.rebuilt and first.note is None
    good = first.cache_file.read_bytes()
    first.cache_file.write_bytes(good[: len(good) // 2])  # a writer killed half-way
    again = load_lexicon(tmp_path / "cache")
    assert again.rebuilt and "unreadable, rebuilt" in (again.note or "")
    assert again.cache_file.read_bytes() == good and len(again.lexicon) == len(first.lexicon)
    assert not load_lexicon(tmp_path / "cache").rebuilt  # the rebuilt cache is used again
    (tmp_path / "a-file").write_text("x")
    unwritable = load_lexicon(tmp_path / "a-file" / "cache")
    assert unwritable.rebuilt and unwritable.note.startswith("cache not written to ")
    assert len(unwritable.lexicon) == len(first.lexicon)
