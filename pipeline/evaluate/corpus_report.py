"""Figures of a whole corpus with no gold: what each source/template gives.

``pipeline corpus-report --out-dir DIR`` reads the published tables of a run
and prints, per source: pages, effect rows named after a frequency label, a
note or a component (none should be), the share of pages whose side-effects
section gives at least one effect, the share of pages with at least one
indication, the HP-mapped and ``local:`` shares of effect rows, the most
frequent unmapped phrases, and how well pages sharing a file name across
sources merge into one drug.  These are the real-site targets of issue 10.

Of the pages whose side-effects section gave nothing, it counts those whose section says
no effect is known ("comprehensive data on side effects are unavailable"), as extraction
recorded in ``pages.side_effects_stated_none``: such a page rightly gives none, so the share
is also printed without them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.extract.item_labels import is_group_label, is_note_label, name_key

ALL = "all"


@dataclass
class SourceFigures:
    source: str
    pages: int = 0
    pages_ok: int = 0
    pages_failed: int = 0
    pages_with_effects_section: int | None = None  # None: pages carry no section kinds
    effects_section_gave: int = 0
    # Of the pages whose section gave nothing: those whose section says no effect is known
    # (None when the run's pages carry no side_effects_stated_none column).
    section_states_none: int | None = None
    gave_nothing: list[str] = field(default_factory=list)
    pages_with_indication: int = 0
    effect_rows: int = 0
    label_rows: int = 0
    label_names: Counter[str] = field(default_factory=Counter)
    hp_rows: int = 0
    local_rows: int = 0
    top_unmapped: list[tuple[str, int]] = field(default_factory=list)

    def share(self, part: int, whole: int | None) -> str:
        return f"{part / whole:.4f}" if whole else "n/a"

    def render(self) -> list[str]:
        section_pages = self.pages_with_effects_section
        denominator = "pages with a side-effects section"
        if section_pages is None:
            section_pages, denominator = self.pages_ok, "ok pages (pages carry no section kinds)"
        lines = [
            f"[{self.source}] pages {self.pages} (ok {self.pages_ok}, failed {self.pages_failed})",
            f"  effect rows                                 {self.effect_rows}",
            f"  rows named after a label, note or component {self.label_rows}"
            + (f"  {dict(self.label_names.most_common(8))}" if self.label_rows else ""),
            f"  side-effects section gives >= 1 effect      "
            f"{self.share(self.effects_section_gave, section_pages)}"
            f"  ({self.effects_section_gave}/{section_pages} {denominator})",
        ]
        if self.section_states_none is not None:
            rest = section_pages - self.section_states_none
            lines += [
                f"  ... of the {section_pages - self.effects_section_gave} giving none, the section "
                f"states none: {self.section_states_none}; without them "
                f"{self.share(self.effects_section_gave, rest)}  ({self.effects_section_gave}/{rest})",
            ]
        lines += [
            f"  pages with >= 1 indication                  "
            f"{self.share(self.pages_with_indication, self.pages_ok)}"
            f"  ({self.pages_with_indication}/{self.pages_ok})",
            f"  HP-mapped share of effect rows              "
            f"{self.share(self.hp_rows, self.effect_rows)}",
            f"  local: share of effect rows                 "
            f"{self.share(self.local_rows, self.effect_rows)}",
        ]
        if self.top_unmapped:
            head = ", ".join(f"{name} {n}" for name, n in self.top_unmapped)
            lines.append(f"  top unmapped: {head}")
        return lines


@dataclass
class IdentityFigures:
    shared_names: int = 0
    shared_names_agreeing: int = 0
    disagreeing: list[str] = field(default_factory=list)
    sentence_ids: list[str] = field(default_factory=list)

    def render(self) -> list[str]:
        share = (
            f"{self.shared_names_agreeing / self.shared_names:.4f}" if self.shared_names else "n/a"
        )
        lines = [
            f"[identity] file names in several sources {self.shared_names}, one drug_id "
            f"{self.shared_names_agreeing} ({share})",
            f"  drug_ids built from a sentence {len(self.sentence_ids)}",
        ]
        lines.extend(f"  differs: {d}" for d in self.disagreeing[:20])
        lines.extend(f"  sentence: {s}" for s in self.sentence_ids[:20])
        return lines


def is_label_effect(name: str, drug_id: str | None) -> bool:
    """An effect row named after a grouping label, a note, or a component of its drug."""
    if is_group_label(name) or is_note_label(name):
        return True
    if drug_id and "+" in drug_id:
        return name_key(name) in {name_key(c) for c in drug_id.split("+")}
    return False


# Words that make a name a sentence: verbs, pronouns, articles and negations.
_SENTENCE_WORDS = re.compile(
    r"(?:^|-)(?:is|are|was|were|be|isn-t|isn|t|this|these|there|it|its|the|would|will|can|may"
    r"|not|when|which|that|known|information|describes|note)(?:-|$)"
)


def is_sentence_id(drug_id: str) -> bool:
    """A drug_id with a component built from a sentence rather than a name."""
    # Length alone is no sign: vaccine and biologic names run long.
    return any(len(_SENTENCE_WORDS.findall(part)) >= 2 for part in drug_id.split("+"))


def _source_figures(
    source: str,
    pages: pd.DataFrame,
    effects: pd.DataFrame,
    indications: pd.DataFrame,
    top: int,
) -> SourceFigures:
    figures = SourceFigures(source)
    figures.pages = len(pages)
    ok = pages[pages["status"] == "ok"]
    figures.pages_ok = len(ok)
    figures.pages_failed = int((pages["status"] == "failed").sum())
    pages_with_effects = set(effects["page_id"])
    if "section_kinds" in pages.columns:
        with_section = ok[ok["section_kinds"].map(lambda kinds: "side_effects" in list(kinds))]
        figures.pages_with_effects_section = len(with_section)
        figures.effects_section_gave = int(with_section["page_id"].isin(pages_with_effects).sum())
        empty = with_section[~with_section["page_id"].isin(pages_with_effects)]
        figures.gave_nothing = sorted(empty["page_id"])
        if "side_effects_stated_none" in empty.columns:
            figures.section_states_none = int(empty["side_effects_stated_none"].eq(True).sum())
    else:
        figures.effects_section_gave = int(ok["page_id"].isin(pages_with_effects).sum())
    indicated = indications[indications["status"] == "indicated"]
    figures.pages_with_indication = int(ok["page_id"].isin(set(indicated["page_id"])).sum())
    figures.effect_rows = len(effects)
    for name, drug_id in zip(effects["effect_name"], effects["drug_id"], strict=True):
        if is_label_effect(str(name), drug_id):
            figures.label_rows += 1
            figures.label_names[str(name).lower()] += 1
    ids = effects["effect_id"].astype(str)
    figures.hp_rows = int(ids.str.startswith("HP:").sum())
    figures.local_rows = int(ids.str.startswith("local:").sum())
    local = effects[ids.str.startswith("local:")]
    counts = Counter(str(n) for n in local["effect_name"])
    figures.top_unmapped = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return figures


def identity_figures(pages: pd.DataFrame) -> IdentityFigures:
    """Pages with the same file name in several sources name the same product: one drug_id."""
    figures = IdentityFigures()
    ok = pages[pages["status"] != "quarantined"]
    by_name: dict[str, dict[str, Any]] = {}
    for page_id, source, drug_id in zip(ok["page_id"], ok["source"], ok["drug_id"], strict=True):
        # "default/a/x.md" and "minimal-medicine/a/x.md", or "x.default.md" and "x.minimal-medicine.md"
        name = page_id.split("/", 1)[1] if "/" in page_id else page_id
        name = name.replace(f".{source}.", ".")
        by_name.setdefault(name, {})[source] = drug_id
    for name in sorted(by_name):
        ids = by_name[name]
        if len(ids) < 2:
            continue
        figures.shared_names += 1
        if len(set(ids.values())) == 1:
            figures.shared_names_agreeing += 1
        else:
            figures.disagreeing.append(
                f"{name}: " + ", ".join(f"{s}={d}" for s, d in sorted(ids.items()))
            )
    figures.sentence_ids = sorted({d for d in ok["drug_id"].dropna() if is_sentence_id(str(d))})
    return figures


def corpus_report(
    tables: dict[str, pd.DataFrame], top: int = 15
) -> tuple[list[SourceFigures], IdentityFigures]:
    pages = tables["pages"]
    effects = tables["side_effect_mentions"]
    indications = tables["indications"]
    figures = [
        _source_figures(
            source,
            pages[pages["source"] == source],
            effects[effects["source"] == source],
            indications[indications["source"] == source],
            top,
        )
        for source in sorted(pages["source"].unique())
    ]
    figures.append(_source_figures(ALL, pages, effects, indications, top))
    return figures, identity_figures(pages)


def render_report(figures: list[SourceFigures], identity: IdentityFigures) -> str:
    lines: list[str] = []
    for item in figures:
        lines.extend(item.render())
    lines.extend(identity.render())
    return "\n".join(lines)
