"""Extraction quality on the dev corpus and the written pages, and the scorer itself.

The thresholds are the figures measured when they were last raised, a
little below, so a regression fails here; they go up as extraction improves.
Both corpora are held to the same figures: rules tuned on one page set must
not cost the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.contract.tables import read_tables
from pipeline.evaluate.scoring import gold_merge, load_gold, score
from pipeline.runner import run_pipeline
from tests.conftest import DEV, WRITTEN

# Pages nobody tuned rules on: the real-site sample (blind gold) and the unseen batches.
# Their floors are the figures measured at the end of the session that scored them, a
# little below: they guard against regression while the rules climb toward the goals
# (side-effect F1, band and merged F1 0.95; indication and dosage-rule F1 0.90).
UNSEEN_FLOORS = {
    "real": {
        "side_effect_f1": 0.94,
        "band_accuracy": 0.98,
        "serious_accuracy": 0.98,
        "indication_f1": 0.85,
        "dosage_f1": 0.91,
        "drug_id_accuracy": 1.0,
        "merged_side_effect_f1": 0.94,
        "merged_band_accuracy": 0.97,
    },
    "unseen/batch-1": {"side_effect_f1": 0.85, "indication_f1": 0.69, "dosage_f1": 0.73},
    "unseen/batch-2": {"side_effect_f1": 0.85, "indication_f1": 0.67, "dosage_f1": 0.81},
    "unseen/batch-3": {"side_effect_f1": 0.89, "indication_f1": 0.77, "dosage_f1": 0.64},
    # Scored blind at 0b196a8 before any change, then once at the session's end (README);
    # its dosage errors were then studied and fixed by class (dose3): 0.457 -> 0.929.
    "real-2": {
        "side_effect_f1": 0.94,
        "band_accuracy": 0.96,
        "serious_accuracy": 0.98,
        "indication_f1": 0.82,
        "dosage_f1": 0.91,
        "drug_id_accuracy": 0.93,
        "merged_side_effect_f1": 0.91,
        "merged_band_accuracy": 0.97,
    },
    # Scored blind at d2b8305 before the third session's work and once at its end (README).
    "real-3": {
        "side_effect_f1": 0.93,
        "band_accuracy": 0.98,
        "serious_accuracy": 0.98,
        "indication_f1": 0.72,
        "dosage_f1": 0.69,
        "drug_id_accuracy": 1.0,
        "merged_side_effect_f1": 0.93,
        "merged_band_accuracy": 0.96,
    },
    "unseen/batch-4": {
        "side_effect_f1": 0.90,
        "band_accuracy": 0.97,
        "indication_f1": 0.77,
        "dosage_f1": 0.81,
        "drug_id_accuracy": 1.0,
        "merged_side_effect_f1": 0.91,
        "merged_band_accuracy": 0.94,
    },
}

THRESHOLDS = {
    # Issue figures for side effects and reconciliation.
    "side_effect_f1": 0.97,
    "band_accuracy": 0.97,
    "bounds_accuracy": 0.95,
    "serious_accuracy": 0.97,
    "indication_f1": 0.95,
    "dosage_f1": 0.93,
    "page_status_accuracy": 1.0,
    "drug_id_accuracy": 1.0,
    "merged_side_effect_f1": 0.97,
    "merged_band_accuracy": 0.97,
}


def _score_corpus(corpus: Path, root: Path):
    summary = run_pipeline(corpus, root / "out", cache_dir=root / "cache")
    assert summary.success
    return score(read_tables(root / "out"), load_gold(corpus / "gold.json"))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    return _score_corpus(DEV, tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="module")
def written_report(tmp_path_factory: pytest.TempPathFactory):
    return _score_corpus(WRITTEN, tmp_path_factory.mktemp("written"))


@pytest.mark.parametrize(("figure", "minimum"), sorted(THRESHOLDS.items()))
def test_dev_corpus_figures(report, figure: str, minimum: float) -> None:
    value = report.figures()[figure]
    assert value >= minimum, f"{figure} = {value:.3f} < {minimum}\n" + "\n".join(report.errors[:40])


@pytest.mark.parametrize(("figure", "minimum"), sorted(THRESHOLDS.items()))
def test_written_corpus_figures(written_report, figure: str, minimum: float) -> None:
    value = written_report.figures()[figure]
    assert value >= minimum, f"{figure} = {value:.3f} < {minimum}\n" + "\n".join(
        written_report.errors[:40]
    )


@pytest.fixture(scope="module")
def unseen_reports(tmp_path_factory: pytest.TempPathFactory):
    return {
        name: _score_corpus(DEV.parent / name, tmp_path_factory.mktemp(name.replace("/", "-")))
        for name in UNSEEN_FLOORS
    }


@pytest.mark.parametrize(
    ("corpus", "figure", "minimum"),
    [(c, f, m) for c, floors in sorted(UNSEEN_FLOORS.items()) for f, m in sorted(floors.items())],
)
def test_unseen_corpus_floors(unseen_reports, corpus: str, figure: str, minimum: float) -> None:
    report = unseen_reports[corpus]
    value = report.figures()[figure]
    assert value >= minimum, f"{corpus}: {figure} = {value:.3f} < {minimum}\n" + "\n".join(
        report.errors[:40]
    )


def test_scorer_counts_optional_items_neither_way(tmp_path: Path) -> None:
    gold = {
        "p.md": {
            "drug_id": "x",
            "status": "ok",
            "side_effects": [
                {
                    "name": "nausea",
                    "aliases": ["nausea"],
                    "hpo": "HP:0002018",
                    "band": "common",
                    "freq_min_pct": None,
                    "freq_max_pct": None,
                    "serious": False,
                    "optional": False,
                },
                {
                    "name": "rash",
                    "aliases": ["rash"],
                    "hpo": "HP:0000988",
                    "band": "rare",
                    "freq_min_pct": None,
                    "freq_max_pct": None,
                    "serious": False,
                    "optional": True,
                },
                {
                    "name": "tremor",
                    "aliases": ["tremor"],
                    "hpo": "HP:0001337",
                    "band": "rare",
                    "freq_min_pct": None,
                    "freq_max_pct": None,
                    "serious": False,
                    "optional": False,
                },
            ],
            "indications": [],
            "dosage_rules": [],
        },
        "q.md": {"drug_id": None, "status": "quarantined"},
    }
    mention = {
        "drug_id": "x",
        "page_id": "p.md",
        "source": "s",
        "body_system": None,
        "freq_min_pct": None,
        "freq_max_pct": None,
        "frequency_text": None,
        "raw_text": "",
        "phrase": "",
        "match_source": "name",
    }
    tables = {
        "pages": pd.DataFrame(
            [
                {"page_id": "p.md", "status": "ok", "drug_id": "x"},
                {"page_id": "q.md", "status": "ok", "drug_id": "y"},
            ]
        ),
        "side_effect_mentions": pd.DataFrame(
            [
                {
                    **mention,
                    "effect_id": "HP:0002018",
                    "effect_name": "Nausea",
                    "frequency_band": "rare",
                    "serious": False,
                },
                {
                    **mention,
                    "effect_id": "HP:0000988",
                    "effect_name": "Skin rash",
                    "frequency_band": "rare",
                    "serious": False,
                },
                {
                    **mention,
                    "effect_id": "local:x",
                    "effect_name": "x",
                    "frequency_band": "rare",
                    "serious": False,
                },
            ]
        ),
        "indications": pd.DataFrame(columns=["page_id", "condition_name", "status"]),
        "dosage_rules": pd.DataFrame(columns=["page_id"]),
        "side_effects": pd.DataFrame(
            columns=[
                "drug_id",
                "effect_id",
                "effect_name",
                "frequency_band",
                "serious",
                "band_conflict",
            ]
        ),
    }
    result = score(tables, gold)
    assert (result.side_effects.tp, result.side_effects.fp, result.side_effects.fn) == (1, 1, 1)
    assert result.band.value == 0.0 and result.page_status.value == 0.5


def test_gold_merge_rule() -> None:
    items = [
        {"band": "common", "freq_min_pct": None, "freq_max_pct": None, "serious": False},
        {"band": "very_common", "freq_min_pct": 10, "freq_max_pct": None, "serious": True},
    ]
    assert gold_merge(items) == ("very_common", True, True)
    json.dumps(items)


def test_every_gold_band_conflict_is_reported(report) -> None:
    assert report.gold_band_conflicts > 0
    assert report.band_conflicts_reported == report.gold_band_conflicts
