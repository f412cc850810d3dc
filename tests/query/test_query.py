"""check-dose and provenance on tables published from the seed pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.contract.tables import read_tables
from pipeline.query.dose_check import Prescription, check_dose, parse_dose, severity_band
from pipeline.query.provenance import provenance
from pipeline.runner import run_pipeline
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query")
    raw = root / "raw"
    raw.mkdir()
    for page in SEEDS.glob("*.md"):
        shutil.copy(page, raw / page.name)
    assert run_pipeline(raw, root / "out", cache_dir=root / "cache").success
    return root / "out"


def test_renal_maximum_is_the_most_allowed(
    out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check-dose", "levomilnacipran", "120", "--crcl", "45", "--out-dir", str(out_dir)])
    text = capsys.readouterr().out
    assert code == 1
    assert "most allowed: 80 mg per day" in text
    assert "exceeds the maximum of 80 mg per day" in text
    assert "creatinine clearance 30–59 mL/min" in text  # the sentence it came from
    assert "source: levomilnacipran.minimal-medicine.md" in text


def test_within_rules_and_interaction(out_dir: Path) -> None:
    rules = read_tables(out_dir)["dosage_rules"]
    ok = check_dose(Prescription("Levomilnacipran", 60), rules)
    assert not ok.breaks and ok.error is None
    interacting = check_dose(
        Prescription("levomilnacipran", 100, with_drugs=("ketoconazole",)), rules
    )
    assert interacting.breaks
    assert any(
        "strong CYP3A4 inhibitors" in f.message and f.verdict == "breaks"
        for f in interacting.findings
    )
    washout = check_dose(Prescription("levomilnacipran", 40, with_drugs=("MAOI",)), rules)
    assert any(f.rule_type == "washout" and f.verdict == "warning" for f in washout.findings)


def test_per_day_and_doses_per_day(out_dir: Path) -> None:
    rules = read_tables(out_dir)["dosage_rules"]
    # 2 x 70 mg = 140 mg a day breaks the 120 mg once-daily maximum per dose? No: 70 mg per dose is
    # within it, but at CrCl 45 the 80 mg per day limit is broken.
    result = check_dose(Prescription("levomilnacipran", 70, doses_per_day=2, crcl=45), rules)
    assert result.breaks and any("140 mg per day exceeds" in f.message for f in result.findings)
    result = check_dose(Prescription("levomilnacipran", 160, per="day", doses_per_day=2), rules)
    assert not result.breaks


def test_end_stage_renal_disease_by_severity(out_dir: Path) -> None:
    rules = read_tables(out_dir)["dosage_rules"]
    result = check_dose(Prescription("levomilnacipran", 20, crcl=10), rules)
    assert any(f.verdict == "breaks" and "not recommended" in f.message for f in result.findings)
    assert severity_band("moderate") == (30, 59.999)


def test_pediatric_not_recommended(out_dir: Path) -> None:
    rules = read_tables(out_dir)["dosage_rules"]
    result = check_dose(Prescription("levomilnacipran", 20, population="pediatric"), rules)
    assert result.breaks


def test_unknown_drug_and_bad_dose(out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-dose", "aspirin", "100", "--out-dir", str(out_dir)]) == 2
    assert "unknown drug 'aspirin'" in capsys.readouterr().out
    with pytest.raises(ValueError):
        parse_dose("a lot")
    assert parse_dose("1g") == (1.0, "g")


def test_provenance_shows_each_value_with_its_text(out_dir: Path) -> None:
    text = provenance("Levo-milnacipran", read_tables(out_dir))
    assert text.startswith("levomilnacipran (Levomilnacipran): 2 source(s)")
    nausea = text[text.index("HP:0002018 Nausea: very_common") :]
    assert "BAND CONFLICT" in nausea.splitlines()[0]
    assert "levomilnacipran.default.md: common" in nausea
    assert "This is a frequently reported side effect" in nausea
    assert "levomilnacipran.minimal-medicine.md: very_common [10-%]" in nausea
    assert "fibromyalgia: not_indicated" in text
    assert "side_effect.frequency_band HP:0002018" in text
    assert provenance("aspirin", read_tables(out_dir)).startswith("unknown drug")
