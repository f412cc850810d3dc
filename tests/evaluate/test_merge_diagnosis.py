"""merge_diagnosis tells a reconcile fault from a vocabulary split and an extraction miss."""

from __future__ import annotations

import pandas as pd

from pipeline.evaluate.merge_diagnosis import diagnose


def item(name: str, band: str, hpo: str | None = None, aliases: tuple[str, ...] = ()) -> dict:
    return {"name": name, "aliases": list(aliases), "hpo": hpo, "band": band, "serious": False}


def mention(page: str, effect_id: str, name: str, band: str) -> dict:
    return {
        "drug_id": "d",
        "page_id": page,
        "effect_id": effect_id,
        "effect_name": name,
        "frequency_band": band,
        "freq_min_pct": None,
        "freq_max_pct": None,
        "serious": False,
    }


def merged(effect_id: str, name: str, band: str, pages: list[str], conflict: bool) -> dict:
    return {
        "drug_id": "d",
        "effect_id": effect_id,
        "effect_name": name,
        "frequency_band": band,
        "serious": False,
        "page_ids": pages,
        "band_conflict": conflict,
    }


GOLD = {
    "a.md": {
        "status": "ok",
        "drug_id": "d",
        "side_effects": [
            item("nausea", "common", "HP:0002018"),
            item("inhibitors", "common"),
            item("rash", "rare", "HP:0000988"),
        ],
    },
    "b.md": {
        "status": "ok",
        "drug_id": "d",
        "side_effects": [
            item("nausea", "very_common", "HP:0002018"),
            item("inhibitors", "rare", aliases=("antibodies",)),
        ],
    },
}


def test_each_error_gets_its_owner() -> None:
    tables = {
        "pages": pd.DataFrame(
            [{"page_id": p, "drug_id": "d", "status": "ok"} for p in ("a.md", "b.md")]
        ),
        "side_effect_mentions": pd.DataFrame(
            [
                mention("a.md", "HP:0002018", "Nausea", "common"),
                mention("b.md", "HP:0002018", "Nausea", "very_common"),
                mention("a.md", "local:inhibitors", "inhibitors", "common"),
                mention("b.md", "local:antibodies", "antibodies", "rare"),
            ]
        ),
        "side_effects": pd.DataFrame(
            [
                # both pages right, one id, yet no conflict: the merge's fault
                merged("HP:0002018", "Nausea", "very_common", ["a.md", "b.md"], False),
                merged("local:inhibitors", "inhibitors", "common", ["a.md"], False),
                merged("local:antibodies", "antibodies", "rare", ["b.md"], False),
            ]
        ),
    }
    kinds = {(f.owner, f.kind) for f in diagnose(tables, GOLD)}
    assert kinds == {
        ("reconcile", "band_conflict wrong though every page is right"),
        ("vocabulary", "conflict missed: effect_ids differ across pages"),
        ("vocabulary", "merged row split from its concept (effect_ids differ across pages)"),
        ("extraction", "effect on no page"),
    }
    tables["pages"].loc[1, "drug_id"] = "other"
    assert [f.owner for f in diagnose(tables, GOLD)] == ["identity"]
