"""Drug identity from titles and Generic Name fields."""

from __future__ import annotations

import pytest

from pipeline.ingest.identity import drug_id_for, name_in_field, resolve_identity


@pytest.mark.parametrize(
    ("name", "drug_id"),
    [
        ("Levomilnacipran", "levomilnacipran"),
        ("levo-milnacipran", "levomilnacipran"),
        ("Levo Milnacipran", "levomilnacipran"),
        ("LEVOMILNACIPRAN", "levomilnacipran"),
        ("Metformin Hydrochloride", "metformin"),
        ("Sertraline (as sertraline hydrochloride)", "sertraline"),
        ("Clopidogrel Bisulfate", "clopidogrel"),
        ("Esomeprazole magnesium", "esomeprazole"),
        ("Metformin ER tablets", "metformin"),
        ("Sodium chloride", "sodium-chloride"),
        ("Paracetamol", "paracetamol"),
        ("Acetaminophen", "paracetamol"),
        ("Sulphasalazine", "sulfasalazine"),
        ("Amlodipine + Benazepril", "amlodipine+benazepril"),
        ("Benazepril/Amlodipine", "amlodipine+benazepril"),
        ("Amlodipine besylate and benazepril hydrochloride", "amlodipine+benazepril"),
        ("Co-trimoxazole", "sulfamethoxazole+trimethoprim"),
        ("Lithium carbonate", "lithium"),
        ("Acétaminophène", "acetaminophene"),
    ],
)
def test_drug_ids(name: str, drug_id: str) -> None:
    assert drug_id_for(name)[0] == drug_id


def test_combination_components() -> None:
    assert drug_id_for("Amlodipine + Benazepril")[1] == ("amlodipine", "benazepril")


def test_title_and_generic_name_agree() -> None:
    identity = resolve_identity(
        "Amlodipine + Benazepril", "Amlodipine besylate and benazepril hydrochloride"
    )
    assert identity.drug_id == "amlodipine+benazepril" and identity.note is None


def test_disagreement_is_decided_and_recorded() -> None:
    # The title names the product; a fuller Generic Name field does not change it.
    fuller = resolve_identity("Imipenem", "Imipenem/Cilastatin")
    assert fuller.drug_id == "imipenem" and "kept the title" in fuller.note
    differ = resolve_identity("Tylenol Extra", "Paracetamol")
    assert differ.drug_id == "tylenol-extra" and "kept the title" in differ.note
    missing = resolve_identity(None, "Paracetamol")
    assert missing.drug_id == "paracetamol"


@pytest.mark.parametrize(
    ("name", "drug_id"),
    [
        ("Sodium Chloride", "sodium-chloride"),  # only salt words: a compound, kept whole
        ("Ammonium chloride", "ammonium-chloride"),
        ("Light Magnesium Oxide", "magnesium-oxide"),  # a grade word is no part of an id
        ("Minoxidil (topical)", "minoxidil"),  # a route in parentheses
        ("Zorbacillin (Zorbacilline)", "zorbacillin"),  # a second name in parentheses
        (
            "Japanese Encephalitis Virus Vaccine (Inactivated)",
            "japanese-encephalitis-virus-vaccine-inactivated",
        ),
        ("Fooxorubicin Liposomal", "fooxorubicin-liposomal"),
        ("Fooxorubicin (Liposomal)", "fooxorubicin-liposomal"),
        ("Barvax Vaccine Group A + C & W-135", "barvax-vaccine-group-a-c-w-135"),
        ("Barvax Vaccine (Group A + C & W-135)", "barvax-vaccine-group-a-c-w-135"),
        ("Alpha Beta Gammatropin ABG", "alpha-beta-gammatropin"),  # trailing initials
        ("Alpha Beta Gammatropin (ABG)", "alpha-beta-gammatropin"),
        ("Zidovir Disoproxil Fumarate", "zidovir"),  # ester and salt words dropped
        ("Interferon beta-1a", "interferon-beta-1a"),  # a code keeps its hyphen
        ("L-Methyl Folate + Levo Milnacipran", "l-methyl-folate+levomilnacipran"),
        ("Globulin, Human", "globulin-human"),  # a qualifier after a comma is no component
        ("Sterile Water for Injection", "sterile-water"),
        ("Ringer's Lactate", "ringers-lactate"),
    ],
)
def test_salts_forms_routes_and_qualifiers(name: str, drug_id: str) -> None:
    assert drug_id_for(name)[0] == drug_id


def test_generic_name_field_that_is_a_sentence_names_no_drug() -> None:
    sentence = (
        "This combination typically isn't sold as one generic product. The components,"
        " zorbacillin and quixifen, are available generically."
    )
    assert name_in_field(sentence) is None
    assert name_in_field("Zorbacillin (ZB), also known as Zorbacilline") == "Zorbacillin (ZB)"
    assert name_in_field("Zorbacillin + Quixifen (Note: there is no single name)") == (
        "Zorbacillin + Quixifen"
    )
    identity = resolve_identity(None, sentence)
    assert identity.drug_id is None
    assert resolve_identity("Zorbacillin + Quixifen", sentence).drug_id == "quixifen+zorbacillin"
