"""Merge sources of one drug: drugs, side_effects, drug_indications, dose_limits, conflicts.

Every choice between disagreeing sources goes through a policy named in
``precedence.yaml`` (data, reviewed like code), and every disagreement is
written to ``conflicts`` with the values per page and the resolution taken.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.contract.vocabularies import (
    BAND_ORDER,
    Band,
    Condition,
    IndicationStatus,
    PageStatus,
    RuleType,
)
from pipeline.extract.quantities import canonical_amount

PRECEDENCE_YAML = Path(__file__).parent / "data" / "precedence.yaml"

_POLICIES = {
    ("side_effect", "frequency_band"): {
        "numbers_then_most_frequent",
        "most_frequent",
        "source_trust",
    },
    ("side_effect", "serious"): {"any", "all", "source_trust"},
    ("indication", "status"): {"not_indicated_wins", "indicated_wins", "source_trust"},
    ("dosage", "maximum"): {"strictest", "most_permissive", "source_trust"},
    ("dosage", "initial"): {"lowest", "source_trust"},
}


@dataclass(frozen=True)
class Precedence:
    source_trust: tuple[str, ...] = ()
    policies: dict[tuple[str, str], str] = field(default_factory=dict)

    def policy(self, group: str, name: str) -> str:
        return self.policies[(group, name)]

    def trust_rank(self, source: str) -> tuple[int, str]:
        if source in self.source_trust:
            return (self.source_trust.index(source), source)
        return (len(self.source_trust), source)


def load_precedence(path: Path = PRECEDENCE_YAML) -> Precedence:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    policies: dict[tuple[str, str], str] = {}
    for (group, name), allowed in _POLICIES.items():
        value = (data.get(group) or {}).get(name)
        if value is None:
            raise ValueError(f"{path.name}: missing policy {group}.{name}")
        if value not in allowed:
            raise ValueError(
                f"{path.name}: {group}.{name} must be one of {sorted(allowed)}, not {value!r}"
            )
        policies[(group, name)] = value
    trust = tuple(str(s) for s in (data.get("source_trust") or []))
    return Precedence(trust, policies)


def _conflict(
    drug_id: str, field_name: str, key: str, values: list[str], resolution: str
) -> dict[str, Any]:
    return {
        "drug_id": drug_id,
        "field": field_name,
        "key": key,
        "values": sorted(values),
        "resolution": resolution,
    }


def _key_part(value: Any) -> Any:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else value


def grouped(
    frame: pd.DataFrame, keys: tuple[str, ...], order: tuple[str, ...] = ("page_id",)
) -> list[tuple[tuple[Any, ...], list[dict[str, Any]]]]:
    """Records grouped by ``keys`` in key order, each group sorted by ``order``.

    Plain Python over one ``to_dict`` call: pandas' per-group overhead made
    merging the slowest step of a run (37 s of 50 s on 200 pages).
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for record in frame.to_dict("records"):
        groups[tuple(_key_part(record[k]) for k in keys)].append(record)
    return [
        (key, sorted(groups[key], key=lambda r: tuple(str(_key_part(r[o])) for o in order)))
        for key in sorted(groups, key=lambda k: tuple(str(p) for p in k))
    ]


def merge_drugs(pages: pd.DataFrame) -> pd.DataFrame:
    ok = pages[pages["status"] == PageStatus.OK]
    rows: list[dict[str, Any]] = []
    for (drug_id,), group in grouped(ok, ("drug_id",)):
        titles = [r["title"] for r in group if r["title"]]
        fields = [
            r["generic_name_field"]
            for r in group
            if isinstance(r["generic_name_field"], str) and r["generic_name_field"]
        ]
        counts = Counter(titles)
        generic_name = sorted(counts, key=lambda t: (-counts[t], t))[0] if counts else str(drug_id)
        rows.append(
            {
                "drug_id": drug_id,
                "generic_name": generic_name,
                "name_variants": sorted(set(titles) | set(fields)),
                "components": sorted(str(drug_id).split("+")),
                "page_ids": sorted(r["page_id"] for r in group),
                "n_sources": len({r["source"] for r in group}),
                "sources": sorted({r["source"] for r in group}),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "drug_id",
            "generic_name",
            "name_variants",
            "components",
            "page_ids",
            "n_sources",
            "sources",
        ],
    )


def merge_side_effects(
    mentions: pd.DataFrame, precedence: Precedence
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    if mentions.empty:
        return pd.DataFrame(rows), conflicts
    for (drug_id, effect_id), records in grouped(mentions, ("drug_id", "effect_id")):
        chosen, reason = _choose_band(records, precedence)
        stated = {r["frequency_band"] for r in records if r["frequency_band"] != Band.UNKNOWN}
        band_conflict = len(stated) > 1
        serious_values = {bool(r["serious"]) for r in records}
        serious = _choose_serious(records, precedence)
        if band_conflict:
            conflicts.append(
                _conflict(
                    drug_id,
                    "side_effect.frequency_band",
                    effect_id,
                    [f"{r['page_id']}={r['frequency_band']}" for r in records],
                    f"{chosen['frequency_band']}: {reason}",
                )
            )
        if len(serious_values) > 1:
            conflicts.append(
                _conflict(
                    drug_id,
                    "side_effect.serious",
                    effect_id,
                    [f"{r['page_id']}={str(bool(r['serious'])).lower()}" for r in records],
                    f"{str(serious).lower()}: policy {precedence.policy('side_effect', 'serious')}",
                )
            )
        rows.append(
            {
                "drug_id": drug_id,
                "effect_id": effect_id,
                "effect_name": chosen["effect_name"],
                "body_system": chosen["body_system"],
                "frequency_band": chosen["frequency_band"],
                "freq_min_pct": chosen["freq_min_pct"],
                "freq_max_pct": chosen["freq_max_pct"],
                "serious": serious,
                "n_sources": len({r["source"] for r in records}),
                "page_ids": sorted(r["page_id"] for r in records),
                "band_conflict": band_conflict,
            }
        )
    return pd.DataFrame(rows), conflicts


def _numeric(record: dict[str, Any]) -> bool:
    return any(pd.notna(record[c]) for c in ("freq_min_pct", "freq_max_pct"))


def _most_frequent(records: list[dict[str, Any]]) -> dict[str, Any]:
    return min(
        records, key=lambda r: (BAND_ORDER[r["frequency_band"]], not _numeric(r), r["page_id"])
    )


def _choose_band(
    records: list[dict[str, Any]], precedence: Precedence
) -> tuple[dict[str, Any], str]:
    policy = precedence.policy("side_effect", "frequency_band")
    stated = [r for r in records if r["frequency_band"] != Band.UNKNOWN] or records
    if policy == "source_trust":
        best = min(stated, key=lambda r: (precedence.trust_rank(r["source"]), r["page_id"]))
        return best, f"most trusted source ({best['source']})"
    if policy == "numbers_then_most_frequent":
        numeric = [r for r in stated if _numeric(r)]
        if numeric and len(numeric) < len(stated):
            best = _most_frequent(numeric)
            return (
                best,
                f"backed by numbers ({best['frequency_text'] or 'stated rate'}) on {best['page_id']}",
            )
    best = _most_frequent(stated)
    return best, "the more frequent band"


def _choose_serious(records: list[dict[str, Any]], precedence: Precedence) -> bool:
    policy = precedence.policy("side_effect", "serious")
    values = [bool(r["serious"]) for r in records]
    if policy == "all":
        return all(values)
    if policy == "source_trust":
        best = min(records, key=lambda r: (precedence.trust_rank(r["source"]), r["page_id"]))
        return bool(best["serious"])
    return any(values)


def merge_indications(
    indications: pd.DataFrame, precedence: Precedence
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    if indications.empty:
        return pd.DataFrame(rows), conflicts
    policy = precedence.policy("indication", "status")
    for (drug_id, condition_id), records in grouped(
        indications, ("drug_id", "condition_id"), ("page_id", "status")
    ):
        page_status = _page_statuses(records)
        statuses = set(page_status.values())
        if policy == "source_trust":
            best = min(records, key=lambda r: (precedence.trust_rank(r["source"]), r["page_id"]))
            status = page_status[best["page_id"]]
        elif policy == "indicated_wins":
            status = (
                IndicationStatus.INDICATED
                if IndicationStatus.INDICATED in statuses
                else IndicationStatus.NOT_INDICATED
            )
        else:
            status = (
                IndicationStatus.NOT_INDICATED
                if IndicationStatus.NOT_INDICATED in statuses
                else IndicationStatus.INDICATED
            )
        # Pages may name one concept differently ("heart attack", "myocardial infarction"):
        # the name most pages use, then the shortest, names the merged row; only names
        # stated with the merged status, so a row kept `indicated` is never named after
        # the narrower case a page excluded ("type 1 diabetes" beside "type 2 diabetes"),
        # and only the pages that state it give its population.
        counts = Counter(r["condition_name"] for r in records)
        stated = [r for r in records if r["status"] == status == page_status[r["page_id"]]]
        kept = Counter(r["condition_name"] for r in stated)
        condition = min(kept, key=lambda n: (-kept[n], len(n), n))
        populations = sorted({r["population"] for r in stated if isinstance(r["population"], str)})
        conflict = len(statuses) > 1
        if conflict:
            conflicts.append(
                _conflict(
                    drug_id,
                    "indication.status",
                    condition,
                    [f"{page}={value}" for page, value in page_status.items()],
                    f"{status}: policy {policy}",
                )
            )
        rows.append(
            {
                "drug_id": drug_id,
                "condition_id": condition_id,
                "condition_name": condition,
                "status": status,
                "population": populations[0] if len(populations) == 1 else None,
                "n_sources": len({r["source"] for r in records}),
                "page_ids": sorted({r["page_id"] for r in records}),
                "status_conflict": conflict,
                "name_variants": sorted(counts),
            }
        )
    return pd.DataFrame(rows), conflicts


def _page_statuses(records: list[dict[str, Any]]) -> dict[str, str]:
    """Each page's one status for a concept: ``indicated`` if the page lists it at all.

    A page that lists a concept and also excludes it ("used for type 2 diabetes ... not
    used for type 1 diabetes", both one ICD category; "treats asthma ... not for acute
    attacks") excludes a narrower case, not the concept; its exclusion stays in
    ``indications``. Only pages that disagree are a conflict between sources, and a
    page's own exclusion never overturns what it lists.
    """
    by_page: dict[str, set[str]] = defaultdict(set)
    for record in records:
        by_page[record["page_id"]].add(record["status"])
    return {
        page: IndicationStatus.INDICATED
        if IndicationStatus.INDICATED in values
        else IndicationStatus.NOT_INDICATED
        for page, values in sorted(by_page.items())
    }


@dataclass(frozen=True, order=True)
class DoseKey:
    """What makes two stated maxima the same limit.

    Maxima for another population, condition, CrCl band, interacting drug,
    indication, route (a topical or nasal product merged with the tablets of one
    drug), unit family (mg against mg/kg) or period (per dose against per day) are
    different limits, never compared with each other.
    """

    drug_id: str
    population: str
    condition: str
    indication: str
    route: str
    unit: str
    period: str
    crcl_min: float
    crcl_max: float
    detail: str

    def text(self) -> str:
        parts = [self.population, self.condition or "standard"]
        if self.indication:
            parts.append(self.indication)
        if self.route:
            parts.append(self.route)
        if self.crcl_min >= 0 or self.crcl_max >= 0:
            low = "" if self.crcl_min < 0 else f"{self.crcl_min:g}"
            high = "" if self.crcl_max < 0 else f"{self.crcl_max:g}"
            parts.append(f"crcl {low}-{high}")
        if self.detail:
            parts.append(self.detail)
        parts.append(f"{self.unit}/{self.period}" if self.period else self.unit)
        return "/".join(parts)


def _clean(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _dose_key(record: dict[str, Any]) -> DoseKey:
    condition = _clean(record["condition"]) or ""
    crcl_min, crcl_max = _clean(record["crcl_min_ml_min"]), _clean(record["crcl_max_ml_min"])
    return DoseKey(
        drug_id=record["drug_id"],
        population=record["population"],
        condition=condition,
        indication=_clean(record["indication"]) or "",
        route=_clean(record["route"]) or "",
        unit=canonical_amount(1.0, _clean(record["dose_unit"]))[1],
        period=_clean(record["dose_period"]) or "",
        crcl_min=-1.0 if crcl_min is None else float(crcl_min),
        crcl_max=-1.0 if crcl_max is None else float(crcl_max),
        detail=(_clean(record["condition_detail"]) or "")
        if condition == Condition.DRUG_INTERACTION
        else "",
    )


def merge_dose_limits(
    rules: pd.DataFrame, precedence: Precedence
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    if rules.empty:
        return pd.DataFrame(rows), conflicts
    maxima = rules[(rules["rule_type"] == RuleType.MAXIMUM) & rules["dose_max"].notna()]
    policy = precedence.policy("dosage", "maximum")
    groups: dict[DoseKey, list[dict[str, Any]]] = defaultdict(list)
    for record in maxima.to_dict("records"):
        groups[_dose_key(record)].append(record)
    for key in sorted(groups):
        records = groups[key]

        def amount(record: dict[str, Any]) -> float:
            return canonical_amount(record["dose_max"], record["dose_unit"])[0]

        if policy == "most_permissive":
            chosen = max(records, key=lambda r: (amount(r), r["page_id"]))
        elif policy == "source_trust":
            chosen = min(
                records, key=lambda r: (precedence.trust_rank(r["source"]), amount(r), r["page_id"])
            )
        else:
            chosen = min(records, key=lambda r: (amount(r), r["page_id"]))
        values = {amount(r) for r in records}
        page_ids = {r["page_id"] for r in records}
        conflict = len(values) > 1 and len(page_ids) > 1
        if conflict:
            conflicts.append(
                _conflict(
                    key.drug_id,
                    "dosage.maximum",
                    key.text(),
                    sorted(
                        {
                            f"{r['page_id']}={r['dose_max']:g} {r['dose_unit'] or ''}".strip()
                            for r in records
                        }
                    ),
                    f"{chosen['dose_max']:g} {chosen['dose_unit'] or ''}".strip()
                    + f": policy {policy}",
                )
            )
        rows.append(
            {
                "drug_id": key.drug_id,
                "population": key.population,
                "condition": key.condition or None,
                "indication": key.indication or None,
                "route": key.route or None,
                "condition_detail": chosen["condition_detail"],
                "crcl_min_ml_min": None if key.crcl_min < 0 else key.crcl_min,
                "crcl_max_ml_min": None if key.crcl_max < 0 else key.crcl_max,
                "max_dose": chosen["dose_max"],
                "dose_unit": chosen["dose_unit"],
                "dose_period": chosen["dose_period"],
                "n_sources": len({r["source"] for r in records}),
                "page_ids": sorted(page_ids),
                "raw_text": chosen["raw_text"],
                "max_conflict": conflict,
            }
        )
    conflicts.extend(_initial_conflicts(rules, precedence))
    return pd.DataFrame(rows), conflicts


def _initial_conflicts(rules: pd.DataFrame, precedence: Precedence) -> list[dict[str, Any]]:
    """Starting doses of the standard regimen that pages of one drug state differently.

    Compared per population, indication, route and unit family, in the family's base
    unit (110 mcg is less than 60 mg; 0.085 mg/kg equals 85 mcg/kg), with every value a
    page states: a page giving two starting doses (two strengths, two schedules) is in
    conflict only with a page that states another value, never with itself.
    """
    conflicts: list[dict[str, Any]] = []
    initial = rules[
        (rules["rule_type"] == RuleType.INITIAL)
        & rules["dose_min"].notna()
        & rules["condition"].isna()
    ].copy()
    if initial.empty:
        return conflicts
    initial["unit_family"] = [
        canonical_amount(1.0, _clean(u))[1] for u in initial["dose_unit"].tolist()
    ]
    policy = precedence.policy("dosage", "initial")
    for (drug_id, population, indication, route, family), records in grouped(
        initial,
        ("drug_id", "population", "indication", "route", "unit_family"),
        ("page_id", "dose_min", "dose_max"),
    ):
        per_page: dict[str, set[tuple[float, float]]] = defaultdict(set)
        for r in records:
            per_page[r["page_id"]].add(_canonical_range(r))
        if len(per_page) < 2 or len({frozenset(v) for v in per_page.values()}) < 2:
            continue
        if policy == "source_trust":
            chosen = min(
                records,
                key=lambda r: (
                    precedence.trust_rank(r["source"]),
                    _canonical_range(r),
                    r["page_id"],
                ),
            )
        else:
            chosen = min(records, key=lambda r: (_canonical_range(r), r["page_id"]))
        conflicts.append(
            _conflict(
                drug_id,
                "dosage.initial",
                "/".join(str(p) for p in (population, indication, route, family) if p),
                sorted({f"{r['page_id']}={_range_text(r)}" for r in records}),
                f"{_range_text(chosen)}: policy {policy}",
            )
        )
    return conflicts


def _canonical_range(record: dict[str, Any]) -> tuple[float, float]:
    unit = _clean(record["dose_unit"])
    return (
        canonical_amount(float(record["dose_min"]), unit)[0],
        canonical_amount(float(record["dose_max"]), unit)[0],
    )


def _range_text(record: dict[str, Any]) -> str:
    low, high, unit = record["dose_min"], record["dose_max"], record["dose_unit"] or ""
    text = f"{low:g}" if low == high else f"{low:g}-{high:g}"
    return f"{text} {unit}".strip()
