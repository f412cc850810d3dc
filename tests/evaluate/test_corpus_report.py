"""The corpus report's figures on small tables written for the test."""

from __future__ import annotations

import pandas as pd

from pipeline.evaluate.corpus_report import corpus_report, is_label_effect, is_sentence_id


def tables() -> dict[str, pd.DataFrame]:
    pages = pd.DataFrame(
        {
            "page_id": ["old/a/x.md", "old/b/y.md", "new/a/x.md", "new/b/y.md"],
            "source": ["old", "old", "new", "new"],
            "drug_id": ["alpha+beta", "gamma", "alpha+beta", "gamma-this-is-not-a-name"],
            "status": ["ok", "ok", "ok", "ok"],
            "section_kinds": [["side_effects", "usage"], ["side_effects"], ["usage"], []],
            # y's section gave nothing and says none is known (decided at extraction).
            "side_effects_stated_none": [False, True, False, False],
        }
    )
    effects = pd.DataFrame(
        {
            "page_id": ["old/a/x.md", "old/a/x.md", "old/a/x.md", "new/a/x.md"],
            "source": ["old", "old", "old", "new"],
            "drug_id": ["alpha+beta", "alpha+beta", "alpha+beta", "alpha+beta"],
            "effect_id": ["HP:0002018", "local:common", "local:alpha", "local:odd-feeling"],
            "effect_name": ["Nausea", "common", "alpha", "odd feeling"],
        }
    )
    indications = pd.DataFrame(
        {
            "page_id": ["old/a/x.md", "new/b/y.md"],
            "source": ["old", "new"],
            "condition_name": ["pain", "fever"],
            "status": ["indicated", "not_indicated"],
        }
    )
    return {"pages": pages, "side_effect_mentions": effects, "indications": indications}


def test_label_and_sentence_heuristics() -> None:
    assert is_label_effect("Less common but serious", "x")
    assert is_label_effect("Beta", "alpha+beta") and not is_label_effect("Beta", "beta")
    assert not is_label_effect("Nausea", "alpha+beta")
    assert is_sentence_id("are-available-generically-this-information-describes-the-effects+x")
    assert not is_sentence_id("japanese-encephalitis-virus-vaccine-inactivated")


def test_figures_per_source() -> None:
    figures, identity = corpus_report(tables())
    by_source = {f.source: f for f in figures}
    old, new = by_source["old"], by_source["new"]
    assert (old.pages, old.effect_rows, old.label_rows) == (2, 3, 2)
    assert (old.pages_with_effects_section, old.effects_section_gave) == (2, 1)
    assert old.pages_with_indication == 1 and new.pages_with_indication == 0
    assert old.hp_rows == 1 and new.local_rows == 1
    assert new.pages_with_effects_section == 0
    assert old.gave_nothing == ["old/b/y.md"] and old.section_states_none == 1
    assert "states none: 1; without them 1.0000  (1/1)" in "\n".join(old.render())
    assert by_source["all"].effect_rows == 4
    assert (identity.shared_names, identity.shared_names_agreeing) == (2, 1)
    assert identity.sentence_ids == ["gamma-this-is-not-a-name"]


def test_no_stated_none_figure_without_the_column() -> None:
    """Outputs of an older run carry no flag: no figure rather than a guess."""
    old_tables = tables()
    old_tables["pages"] = old_tables["pages"].drop(columns="side_effects_stated_none")
    figures, _ = corpus_report(old_tables)
    assert all(f.section_states_none is None for f in figures)
