"""Why merged side effects and band conflicts miss the gold: each error by kind.

Run after ``pipeline run`` on a gold fixture::

    uv run python -m pipeline.evaluate.merge_diagnosis --gold tests/fixtures/real/gold.json \
        --out-dir /tmp/real-out [--all]

Gold merged effects are matched to published ``side_effects`` rows exactly as
``scoring`` does; each error is then traced to the per-page matching of its gold
items and mentions, so that a fault of reconciliation (both pages read right, the
merged row wrong) is told apart from a per-page extraction miss or a drug_id that
differs from the gold.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.contract.tables import read_tables
from pipeline.evaluate.scoring import (
    _effect_same,
    _match,
    _norm,
    _rows_by_page,
    gold_merge,
    load_gold,
    merged_gold,
)

RECONCILE = "reconcile"
VOCABULARY = (
    "vocabulary"  # one concept under two effect_ids on two pages: the merge cannot join them
)
EXTRACTION = "extraction"
IDENTITY = "identity"


@dataclass(frozen=True)
class Finding:
    owner: str  # reconcile, vocabulary, extraction or identity
    kind: str
    drug_id: str
    detail: str

    def line(self) -> str:
        return f"[{self.owner}: {self.kind}] {self.drug_id}: {self.detail}"


def _items_text(items: list[dict[str, Any]], matched: list[dict[str, Any] | None]) -> str:
    parts = []
    for item, mention in zip(items, matched, strict=True):
        seen = (
            f"{mention['effect_id']} {mention['frequency_band']}" if mention else "not on its page"
        )
        parts.append(f"{item['name']!r} {item['band']} -> {seen}")
    return "; ".join(parts)


def diagnose(tables: dict[str, pd.DataFrame], gold: dict[str, dict[str, Any]]) -> list[Finding]:
    """Every merged side-effect error and every gold band conflict not reported, by kind."""
    mentions = _rows_by_page(tables["side_effect_mentions"], gold)
    pages = _rows_by_page(tables["pages"], gold)
    matched: dict[int, dict[str, Any]] = {}
    gold_of: dict[tuple[str, str], dict[str, Any]] = {}
    for name, page in gold.items():
        if page.get("status") != "ok":
            continue
        pairs, _, _ = _match(page.get("side_effects", []), mentions.get(name, []), _effect_same)
        for item, mention in pairs:
            matched[id(item)] = mention
            gold_of[(mention["page_id"], mention["effect_id"])] = item
    groups = merged_gold(gold)
    findings: list[Finding] = []
    merged = tables["side_effects"]
    for drug in sorted({g.drug_id for g in groups}):
        names = [n for n, p in sorted(gold.items()) if p.get("drug_id") == drug]
        predicted = {r["drug_id"] for n in names for r in pages.get(n, [])}
        if predicted != {drug}:
            findings.append(
                Finding(IDENTITY, "drug_id differs", drug, f"published as {sorted(predicted)}")
            )
            continue
        golds = [
            {"group": g, "optional": g.optional, "hpo": sorted(g.hpos), "names": g.names}
            for g in groups
            if g.drug_id == drug
        ]
        preds = merged[merged["drug_id"] == drug].to_dict("records")

        def same(g: dict[str, Any], p: dict[str, Any]) -> bool:
            return p["effect_id"] in g["hpo"] or _norm(p["effect_name"]) in g["names"]

        pairs, missed, extra = _match(golds, preds, same)
        for g, pred in [*pairs, *((g, None) for g in missed)]:
            if g["optional"]:
                continue
            findings.extend(_group_findings(drug, g["group"], pred, matched))
        for pred in extra:
            hits = [gold_of.get((p, pred["effect_id"])) for p in pred["page_ids"]]
            items = [h["name"] for h in hits if h is not None]
            if items:
                findings.append(
                    Finding(
                        VOCABULARY,
                        "merged row split from its concept (effect_ids differ across pages)",
                        drug,
                        f"{pred['effect_id']} {pred['effect_name']!r} is gold {items}",
                    )
                )
            else:
                findings.append(
                    Finding(
                        EXTRACTION,
                        "extra merged row (its mentions are extra)",
                        drug,
                        pred["effect_id"],
                    )
                )
    return findings


def _group_findings(
    drug: str, group: Any, pred: dict[str, Any] | None, matched: dict[int, dict[str, Any]]
) -> list[Finding]:
    band, _, conflict = gold_merge(group.items)
    items = [i for i in group.items if not i.get("optional")] or group.items
    mentions = [matched.get(id(i)) for i in items]
    text = _items_text(items, mentions)
    pages_right = all(
        m is not None and m["frequency_band"] == i["band"]
        for i, m in zip(items, mentions, strict=True)
    )
    ids = {m["effect_id"] for m in mentions if m is not None}
    out: list[Finding] = []
    if pred is None:
        if any(m is not None for m in mentions):
            out.append(Finding(RECONCILE, "merged row missing though a page has it", drug, text))
        else:
            out.append(Finding(EXTRACTION, "effect on no page", drug, text))
        return out
    if pred["frequency_band"] != band:
        owner = RECONCILE if pages_right and len(ids) == 1 else EXTRACTION
        owner = VOCABULARY if len(ids) > 1 else owner
        kind = "merged band wrong" + ("" if owner == RECONCILE else " (a page's band or id)")
        out.append(Finding(owner, kind, drug, f"{pred['frequency_band']} (gold {band}): {text}"))
    if bool(pred["band_conflict"]) != conflict:
        if len(ids) > 1:
            owner, kind = VOCABULARY, "conflict missed: effect_ids differ across pages"
        elif pages_right:
            owner, kind = RECONCILE, "band_conflict wrong though every page is right"
        elif any(m is None for m in mentions):
            owner, kind = EXTRACTION, "band_conflict wrong: an item missed on its page"
        else:
            owner, kind = EXTRACTION, "band_conflict wrong: a page's band"
        out.append(Finding(owner, kind, drug, f"published {pred['band_conflict']}: {text}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--all", action="store_true", help="list extraction findings too")
    args = parser.parse_args(argv)
    findings = diagnose(read_tables(args.out_dir), load_gold(args.gold))
    for finding in findings:
        if args.all or finding.owner in (RECONCILE, VOCABULARY):
            print(finding.line())
    counts = Counter((f.owner, f.kind) for f in findings)
    for (owner, kind), n in sorted(counts.items()):
        print(f"{n:5}  {owner}: {kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
