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
        ("Acetaminophen", "acetaminophen"),  # another name of one drug: the page's name stays
        ("Sulphasalazine", "sulfasalazine"),
        ("Amlodipine + Benazepril", "amlodipine+benazepril"),
        ("Benazepril/Amlodipine", "amlodipine+benazepril"),
        ("Amlodipine besylate and benazepril hydrochloride", "amlodipine+benazepril"),
        ("Co-trimoxazole", "sulfamethoxazole+trimethoprim"),
        ("Lithium carbonate", "lithium-carbonate"),  # a metal ion and a salt word: a compound
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


@pytest.mark.parametrize(
    ("name", "drug_id"),
    [
        # Compounds of ions stay whole whatever the metal (contract: only salt words).
        ("Zinc Sulfate", "zinc-sulfate"),
        ("Zinc Sulphate Monohydrate", "zinc-sulfate"),  # hydrate dropped, compound kept
        ("Aluminium Hydroxide + Magnesium Hydroxide", "aluminum-hydroxide+magnesium-hydroxide"),
        ("Ferrous Fumarate + Folic Acid", "ferrous-fumarate+folic-acid"),
        ("Sodium Fluoride", "sodium-fluoride"),
        ("Potassium Hydrogen Carbonate", "potassium-hydrogen-carbonate"),
        ("Silver Nitrate (Ophthalmic)", "silver-nitrate"),
        # A metal that is the active part keeps its partner: no salt word to drop.
        ("Ferric Carboxymaltose", "ferric-carboxymaltose"),
        ("Iron Sucrose", "iron-sucrose"),
        # Esters named as two words are compounds too; an ester word after a drug goes.
        ("Methyl Salicylate + Menthol", "menthol+methyl-salicylate"),
        ("Dimethyl fumarate", "dimethyl-fumarate"),
        ("Zorbolone Decanoate", "zorbolone"),
        ("Quinzolol Etabonate + Zorbacillin", "quinzolol+zorbacillin"),
        ("Zorbacillin diethylamine", "zorbacillin"),
        ("Sodium Fluoride F18", "sodium-fluoride-f18"),  # an isotope is no drug word
        # Vitamins keep the page's name.
        ("Calcium Carbonate + Vitamin D3", "calcium-carbonate+vitamin-d3"),
        ("Vitamin C + Zinc", "vitamin-c+zinc"),
        # Grade words are no part of an id.
        ("Zorbolone Micronized", "zorbolone"),
        # Spelling variants fold.
        ("Quinzolam + Tazobactum", "quinzolam+tazobactam"),
        ("Amoxycillin", "amoxicillin"),
    ],
)
def test_salts_minerals_esters_vitamins(name: str, drug_id: str) -> None:
    assert drug_id_for(name)[0] == drug_id


@pytest.mark.parametrize(
    ("name", "drug_id"),
    [
        # Two names of one drug in one title: the second renames the first.
        ("Lidocaine/Lignocaine + Zorbacillin", "lidocaine+zorbacillin"),
        ("Epinephrine/ Adrenaline (Systemic)", "epinephrine"),
        ("Rifampicin [Rifampin] +Isoniazid", "isoniazid+rifampicin"),
        ("Paracetamol [Acetaminophen] + Caffeine", "caffeine+paracetamol"),
        ("Clioquinol Iodochlorhydroxyquin + Zorbacillin", "clioquinol+zorbacillin"),
        ("Zorbroxine/ T4", "zorbroxine"),  # an abbreviation after a slash
        # A slash between two drugs stays a combination.
        ("Tazobactam/ Ceftolozane", "ceftolozane+tazobactam"),
        # A parenthesis the site glued to the word before it.
        ("Docosahexanoic acidDHA + Zorbacillin", "docosahexanoic-acid+zorbacillin"),
        ("Hydroxyethyl StarchHES", "hydroxyethyl-starch"),
        ("ThiamineVitamin B + Vitamin B", "thiamine+vitamin-b"),
        # ... but not a name written with inner capitals.
        ("Hepatitis B Vaccine rDNA", "hepatitis-b-vaccine-rdna"),
        ("OnabotulinumtoxinA", "onabotulinumtoxina"),
        # Qualifiers stay and the route goes inside one parenthesis.
        ("Barvax Vaccine (Live/Bivalent/Oral)", "barvax-vaccine-live-bivalent"),
    ],
)
def test_renamings_glued_parentheses_and_brackets(name: str, drug_id: str) -> None:
    assert drug_id_for(name)[0] == drug_id


def test_identity_review_ranks_id_words_and_finds_split_sources(tmp_path) -> None:
    from pipeline.ingest.identity_review import page_rows, ranked_words, split_sources

    for source, title in (("default", "Zorbacillin Hydrochloride"), ("minimal", "Zorbacillin")):
        folder = tmp_path / source / "z"
        folder.mkdir(parents=True)
        (folder / "zorbacillin.md").write_text(f"---\ntitle: {title}\n---\n\n# {title}\n")
        (folder / "quixifen-zorbacillin.md").write_text(
            "---\ntitle: Quixifen Vial + Zorbacillin\n---\n\n# x\n"
        )
    (tmp_path / "minimal" / "z" / "zorbacillin.md").write_text("---\ntitle: Zorbacillin XR\n---\n")
    rows = page_rows(tmp_path)
    assert split_sources(rows) == []  # every shared file name got one drug_id
    words = {word: count for word, count, _ in ranked_words(rows)}
    # Counted once per distinct title; "vial" is a form word the list lacks, left for review.
    assert words == {"zorbacillin": 3, "quixifen": 1, "vial": 1}
    (tmp_path / "minimal" / "z" / "zorbacillin.md").write_text("---\ntitle: Quixifen\n---\n")
    assert split_sources(page_rows(tmp_path)) == [
        ("z/zorbacillin.md", {"default": "zorbacillin", "minimal": "quixifen"})
    ]
