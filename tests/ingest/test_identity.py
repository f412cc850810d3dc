"""Drug identity from titles and Generic Name fields."""

from __future__ import annotations

import pytest

from pipeline.ingest.identity import drug_id_for, resolve_identity


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
        ("Paracetamol", "acetaminophen"),
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
    fuller = resolve_identity("Amlodipine", "Amlodipine and benazepril")
    assert fuller.drug_id == "amlodipine+benazepril" and "fuller" in fuller.note
    differ = resolve_identity("Tylenol Extra", "Paracetamol")
    assert differ.drug_id == "tylenol-extra" and "kept the title" in differ.note
    missing = resolve_identity(None, "Paracetamol")
    assert missing.drug_id == "acetaminophen"
