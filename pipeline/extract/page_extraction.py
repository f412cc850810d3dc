"""Everything extracted from one page, and the per-page tables built from many.

``extract_page`` is the unit of per-page work: a pure function of the page
and the lexicon, so results can be cached by content hash or sharded across
executors without changing anything downstream.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from pipeline.extract.dosage import DosageRule, extract_dosage_rules
from pipeline.extract.indications import IndicationMention, extract_indications
from pipeline.extract.side_effects import EffectMention, UnmappedPhrase, extract_side_effects
from pipeline.ingest.pages import Page
from pipeline.vocabulary.conditions import ConditionVocabulary
from pipeline.vocabulary.lexicon import Lexicon


@dataclass
class PageExtraction:
    page_id: str
    drug_id: str
    source: str
    side_effects: list[EffectMention] = field(default_factory=list)
    unmapped: list[UnmappedPhrase] = field(default_factory=list)
    indications: list[IndicationMention] = field(default_factory=list)
    dosage_rules: list[DosageRule] = field(default_factory=list)


def extract_page(
    page: Page, lexicon: Lexicon, conditions: ConditionVocabulary | None = None
) -> PageExtraction:
    assert page.ok and page.drug_id is not None, "only pages that passed ingest are extracted"
    effects = extract_side_effects(page, lexicon)
    indications = extract_indications(page, lexicon, conditions)
    indicated = [i.condition_name for i in indications if i.status == "indicated"]
    return PageExtraction(
        page_id=page.page_id,
        drug_id=page.drug_id,
        source=page.source,
        side_effects=effects.mentions,
        unmapped=effects.unmapped,
        indications=indications,
        dosage_rules=extract_dosage_rules(page, indicated),
    )


def _base(ex: PageExtraction) -> dict[str, Any]:
    return {"drug_id": ex.drug_id, "page_id": ex.page_id, "source": ex.source}


MENTION_COLUMNS = [
    "drug_id",
    "page_id",
    "source",
    "effect_id",
    "effect_name",
    "body_system",
    "frequency_band",
    "freq_min_pct",
    "freq_max_pct",
    "frequency_text",
    "serious",
    "raw_text",
    "phrase",
    "match_source",
]
INDICATION_COLUMNS = [
    "drug_id",
    "page_id",
    "source",
    "condition_name",
    "condition_id",
    "status",
    "population",
    "raw_text",
]
DOSAGE_COLUMNS = [
    "drug_id",
    "page_id",
    "source",
    "population",
    "indication",
    "rule_type",
    "condition",
    "condition_detail",
    "crcl_min_ml_min",
    "crcl_max_ml_min",
    "dose_min",
    "dose_max",
    "dose_period",
    "dose_unit",
    "doses_per_day",
    "duration_days",
    "interval_days",
    "route",
    "raw_text",
    "rule_index",
    "age_min_years",
    "age_max_years",
    "weight_min_kg",
    "weight_max_kg",
]


def mentions_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **asdict(m)} for ex in extractions for m in ex.side_effects]
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def indications_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **asdict(m)} for ex in extractions for m in ex.indications]
    return pd.DataFrame(rows, columns=INDICATION_COLUMNS)


def dosage_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [
        {**_base(ex), **asdict(rule), "rule_index": index}
        for ex in extractions
        for index, rule in enumerate(ex.dosage_rules)
    ]
    return pd.DataFrame(rows, columns=DOSAGE_COLUMNS)


def unmapped_frame(extractions: list[PageExtraction], lexicon: Lexicon) -> pd.DataFrame:
    """The review queue: unmapped phrases, how often, where, and fuzzy candidates."""
    grouped: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "pages": set(), "example": ""}
    )
    for ex in extractions:
        for item in ex.unmapped:
            key = item.phrase.lower().strip()
            if not key:
                continue
            entry = grouped[key]
            entry["n"] += 1
            entry["pages"].add(ex.page_id)
            if not entry["example"] or item.raw_text < entry["example"]:
                entry["example"] = item.raw_text
    rows: list[dict[str, Any]] = []
    for phrase in sorted(grouped):
        entry = grouped[phrase]
        candidates = lexicon.fuzzy_candidates(phrase)
        rows.append(
            {
                "phrase": phrase,
                "n_mentions": entry["n"],
                "page_ids": sorted(entry["pages"]),
                "example_text": entry["example"],
                "candidate_ids": [c.effect_id for c, _, _ in candidates],
                "candidate_names": [c.effect_name for c, _, _ in candidates],
                "candidate_scores": [score for _, _, score in candidates],
            }
        )
    columns = [
        "phrase",
        "n_mentions",
        "page_ids",
        "example_text",
        "candidate_ids",
        "candidate_names",
        "candidate_scores",
    ]
    return pd.DataFrame(rows, columns=columns)
