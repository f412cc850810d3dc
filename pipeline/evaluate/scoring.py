"""Score published tables against a gold file (format: corpus README, 'gold.json').

Matching rules, as the corpus README states them:

* side effect: same page, and effect_id equals the gold ``hpo`` or the
  effect_name (lower case, spaces collapsed) is one of the gold ``aliases``;
  then band, both bounds and serious are compared;
* indication: same page, condition_name among the aliases, same status;
* dosage rule: same page, rule_type, population and condition, and every
  number the gold rule gives is equal;
* ``optional`` gold items count neither for nor against;
* merged effects: gold items of pages sharing a drug_id are one effect when
  they share an hpo id or, where either has none, a name or alias.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.contract.vocabularies import BAND_ORDER, Band, PageStatus

DOSE_NUMBERS = (
    "crcl_min_ml_min",
    "crcl_max_ml_min",
    "dose_min",
    "dose_max",
    "doses_per_day",
    "duration_days",
    "interval_days",
)


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text).lower()).strip()


def _same_number(a: Any, b: Any) -> bool:
    a_null = a is None or (isinstance(a, float) and math.isnan(a))
    b_null = b is None or (isinstance(b, float) and math.isnan(b))
    if a_null or b_null:
        return a_null and b_null
    return abs(float(a) - float(b)) < 1e-6


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    side_effects: PRF = field(default_factory=PRF)
    band: Accuracy = field(default_factory=Accuracy)
    bounds: Accuracy = field(default_factory=Accuracy)
    serious: Accuracy = field(default_factory=Accuracy)
    indications: PRF = field(default_factory=PRF)
    dosage: PRF = field(default_factory=PRF)
    page_status: Accuracy = field(default_factory=Accuracy)
    drug_id: Accuracy = field(default_factory=Accuracy)
    merged: PRF = field(default_factory=PRF)
    merged_band: Accuracy = field(default_factory=Accuracy)
    merged_serious: Accuracy = field(default_factory=Accuracy)
    merged_band_conflict: Accuracy = field(default_factory=Accuracy)
    gold_band_conflicts: int = 0
    band_conflicts_reported: int = 0
    mapped_share: float = 0.0
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "side_effect_precision": self.side_effects.precision,
            "side_effect_recall": self.side_effects.recall,
            "side_effect_f1": self.side_effects.f1,
            "band_accuracy": self.band.value,
            "bounds_accuracy": self.bounds.value,
            "serious_accuracy": self.serious.value,
            "mapped_share_hpo": self.mapped_share,
            "indication_precision": self.indications.precision,
            "indication_recall": self.indications.recall,
            "indication_f1": self.indications.f1,
            "dosage_precision": self.dosage.precision,
            "dosage_recall": self.dosage.recall,
            "dosage_f1": self.dosage.f1,
            "page_status_accuracy": self.page_status.value,
            "drug_id_accuracy": self.drug_id.value,
            "merged_side_effect_precision": self.merged.precision,
            "merged_side_effect_recall": self.merged.recall,
            "merged_side_effect_f1": self.merged.f1,
            "merged_band_accuracy": self.merged_band.value,
            "merged_serious_accuracy": self.merged_serious.value,
            "merged_band_conflict_accuracy": self.merged_band_conflict.value,
            "gold_band_conflicts": float(self.gold_band_conflicts),
            "gold_band_conflicts_reported": float(self.band_conflicts_reported),
        }

    def render(self) -> str:
        lines = []
        for name, value in self.figures().items():
            shown = f"{int(value)}" if name.startswith("gold_band") else f"{value:.3f}"
            lines.append(f"{name:34} {shown}")
        return "\n".join(lines)


class GoldFileError(ValueError):
    """A gold file that is missing or not a gold file; the message is one line."""


def load_gold(path: Path) -> dict[str, dict[str, Any]]:
    """The gold pages of a JSON gold file (``{"pages": {page: {...}}}``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldFileError(f"gold file {path} does not exist") from None
    except IsADirectoryError:
        raise GoldFileError(f"gold file {path} is a directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise GoldFileError(f"gold file {path} cannot be read: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldFileError(
            f"gold file {path} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict) or not all(isinstance(v, dict) for v in pages.values()):
        raise GoldFileError(
            f'gold file {path} is not a gold file: expected {{"pages": {{page: {{...}}}}}}'
        )
    return pages


def _rows_by_page(
    frame: pd.DataFrame, gold_pages: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Rows keyed by the gold page name (page_id, or its file name under sub-folders)."""
    names = set(gold_pages)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for record in frame.to_dict("records"):
        page_id = str(record["page_id"])
        key = page_id if page_id in names else page_id.rsplit("/", 1)[-1]
        if key in out:
            out[key].append(record)
    return out


def _match(
    golds: list[dict[str, Any]],
    preds: list[dict[str, Any]],
    same: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Greedy one-to-one matching; required gold items claim predictions first."""
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    missed: list[dict[str, Any]] = []
    for gold in sorted(golds, key=lambda g: bool(g.get("optional"))):
        hit = next((i for i, p in enumerate(preds) if i not in used and same(gold, p)), None)
        if hit is None:
            missed.append(gold)
        else:
            used.add(hit)
            pairs.append((gold, preds[hit]))
    extra = [p for i, p in enumerate(preds) if i not in used]
    return pairs, missed, extra


def _effect_same(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if gold.get("hpo") and pred["effect_id"] == gold["hpo"]:
        return True
    aliases = {_norm(a) for a in gold.get("aliases", [])} | {_norm(gold["name"])}
    return _norm(pred["effect_name"]) in aliases


def score(tables: dict[str, pd.DataFrame], gold: dict[str, dict[str, Any]]) -> Report:
    report = Report()
    pages = tables["pages"]
    page_rows = _rows_by_page(pages, gold)
    mentions = _rows_by_page(tables["side_effect_mentions"], gold)
    indications = _rows_by_page(tables["indications"], gold)
    rules = _rows_by_page(tables["dosage_rules"], gold)
    all_mentions = tables["side_effect_mentions"]
    if len(all_mentions):
        report.mapped_share = float(all_mentions["effect_id"].str.startswith("HP:").mean())
    for name, page_gold in sorted(gold.items()):
        rows = page_rows.get(name) or []
        predicted_status = rows[0]["status"] if rows else None
        report.page_status.add(predicted_status == page_gold["status"])
        if predicted_status != page_gold["status"]:
            report.errors.append(f"{name}: status {predicted_status} (gold {page_gold['status']})")
        if page_gold["status"] != PageStatus.OK:
            continue
        predicted_drug = rows[0]["drug_id"] if rows else None
        report.drug_id.add(predicted_drug == page_gold["drug_id"])
        if predicted_drug != page_gold["drug_id"]:
            report.errors.append(f"{name}: drug_id {predicted_drug} (gold {page_gold['drug_id']})")
        _score_effects(name, page_gold.get("side_effects", []), mentions.get(name, []), report)
        _score_prf(
            name,
            "indication",
            page_gold.get("indications", []),
            indications.get(name, []),
            report.indications,
            report,
            lambda g, p: (
                _norm(p["condition_name"])
                in ({_norm(a) for a in g.get("aliases", [])} | {_norm(g["name"])})
                and p["status"] == g["status"]
            ),
        )
        _score_prf(
            name,
            "dosage",
            page_gold.get("dosage_rules", []),
            rules.get(name, []),
            report.dosage,
            report,
            _rule_same,
        )
    _score_merged(tables["side_effects"], gold, report)
    return report


def _score_effects(
    name: str, golds: list[dict[str, Any]], preds: list[dict[str, Any]], report: Report
) -> None:
    pairs, missed, extra = _match(golds, preds, _effect_same)
    for gold, pred in pairs:
        if gold.get("optional"):
            continue
        report.side_effects.tp += 1
        report.band.add(pred["frequency_band"] == gold["band"])
        if pred["frequency_band"] != gold["band"]:
            report.errors.append(
                f"{name}: band {gold['name']!r} {pred['frequency_band']} (gold {gold['band']})"
            )
        bounds_ok = _same_number(pred["freq_min_pct"], gold.get("freq_min_pct")) and _same_number(
            pred["freq_max_pct"], gold.get("freq_max_pct")
        )
        report.bounds.add(bounds_ok)
        if not bounds_ok:
            report.errors.append(
                f"{name}: bounds {gold['name']!r} {pred['freq_min_pct']}-{pred['freq_max_pct']} "
                f"(gold {gold.get('freq_min_pct')}-{gold.get('freq_max_pct')})"
            )
        report.serious.add(bool(pred["serious"]) == bool(gold["serious"]))
        if bool(pred["serious"]) != bool(gold["serious"]):
            report.errors.append(
                f"{name}: serious {gold['name']!r} {pred['serious']} (gold {gold['serious']})"
            )
    for gold in missed:
        if not gold.get("optional"):
            report.side_effects.fn += 1
            report.errors.append(f"{name}: missed effect {gold['name']!r} ({gold.get('hpo')})")
    for pred in extra:
        report.side_effects.fp += 1
        report.errors.append(
            f"{name}: extra effect {pred['effect_id']} {pred['effect_name']!r} <- {pred.get('phrase', '')!r}"
        )


def _rule_same(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if gold["rule_type"] != pred["rule_type"] or gold.get("population") != pred["population"]:
        return False
    pred_condition = pred["condition"] if isinstance(pred["condition"], str) else None
    if gold.get("condition") != pred_condition:
        return False
    return all(_same_number(pred[f], gold[f]) for f in DOSE_NUMBERS if gold.get(f) is not None)


def _score_prf(
    name: str,
    what: str,
    golds: list[dict[str, Any]],
    preds: list[dict[str, Any]],
    prf: PRF,
    report: Report,
    same: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> None:
    pairs, missed, extra = _match(golds, preds, same)
    prf.tp += sum(1 for g, _ in pairs if not g.get("optional"))
    for gold in missed:
        if not gold.get("optional"):
            prf.fn += 1
            label = gold.get("name") or {
                k: v for k, v in gold.items() if k not in ("optional", "note", "aliases")
            }
            report.errors.append(f"{name}: missed {what} {label}")
    for pred in extra:
        prf.fp += 1
        label = pred.get("condition_name") or {
            k: v
            for k, v in pred.items()
            if k
            in ("rule_type", "population", "condition", "dose_min", "dose_max", "condition_detail")
            and v is not None
            and v == v
        }
        report.errors.append(f"{name}: extra {what} {label} <- {str(pred.get('raw_text'))[:90]!r}")


@dataclass
class _MergedGold:
    drug_id: str
    hpos: set[str]
    names: set[str]
    items: list[dict[str, Any]]

    @property
    def optional(self) -> bool:
        return all(i.get("optional") for i in self.items)


def merged_gold(gold: dict[str, dict[str, Any]]) -> list[_MergedGold]:
    groups: list[_MergedGold] = []
    for _, page in sorted(gold.items()):
        if page.get("status") != PageStatus.OK:
            continue
        for item in page.get("side_effects", []):
            names = {_norm(a) for a in item.get("aliases", [])} | {_norm(item["name"])}
            hpo = item.get("hpo")
            target = None
            for group in groups:
                if group.drug_id != page["drug_id"]:
                    continue
                if hpo and group.hpos:
                    if hpo in group.hpos:
                        target = group
                        break
                elif names & group.names:
                    target = group
                    break
            if target is None:
                target = _MergedGold(page["drug_id"], set(), set(), [])
                groups.append(target)
            if hpo:
                target.hpos.add(hpo)
            target.names |= names
            target.items.append(item)
    return groups


def gold_merge(items: list[dict[str, Any]]) -> tuple[str, bool, bool]:
    """(band, serious, band_conflict) of a merged gold effect, by the contract's rule."""
    required = [i for i in items if not i.get("optional")] or items
    stated = [i for i in required if i["band"] != Band.UNKNOWN]
    numeric = [
        i for i in stated if i.get("freq_min_pct") is not None or i.get("freq_max_pct") is not None
    ]
    pool = numeric if numeric and len(numeric) < len(stated) else stated
    band = min((i["band"] for i in pool), key=BAND_ORDER.__getitem__) if pool else Band.UNKNOWN
    serious = any(i["serious"] for i in required)
    conflict = len({i["band"] for i in stated}) > 1
    return band, serious, conflict


def _score_merged(merged: pd.DataFrame, gold: dict[str, dict[str, Any]], report: Report) -> None:
    groups = merged_gold(gold)
    drugs = {g.drug_id for g in groups}
    preds_by_drug: dict[str, list[dict[str, Any]]] = {d: [] for d in drugs}
    for record in merged.to_dict("records"):
        if record["drug_id"] in preds_by_drug:
            preds_by_drug[record["drug_id"]].append(record)
    for drug in sorted(drugs):
        golds = [
            {"group": g, "optional": g.optional, "hpo": sorted(g.hpos), "names": g.names}
            for g in groups
            if g.drug_id == drug
        ]

        def same(g: dict[str, Any], p: dict[str, Any]) -> bool:
            return p["effect_id"] in g["hpo"] or _norm(p["effect_name"]) in g["names"]

        pairs, missed, extra = _match(golds, preds_by_drug[drug], same)
        for g, pred in pairs:
            if g["optional"]:
                continue
            report.merged.tp += 1
            band, serious, conflict = gold_merge(g["group"].items)
            report.merged_band.add(pred["frequency_band"] == band)
            report.merged_serious.add(bool(pred["serious"]) == serious)
            report.merged_band_conflict.add(bool(pred["band_conflict"]) == conflict)
            if conflict:
                report.gold_band_conflicts += 1
                report.band_conflicts_reported += int(bool(pred["band_conflict"]))
        for g in missed:
            if not g["optional"]:
                report.merged.fn += 1
                if gold_merge(g["group"].items)[2]:
                    report.gold_band_conflicts += 1
        report.merged.fp += len(extra)
