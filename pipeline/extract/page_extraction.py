"""Everything extracted from one page, and the per-page tables built from many.

``extract_page`` is the unit of per-page work: a pure function of the page
and the lexicon, so results can be cached by content hash or sharded across
executors without changing anything downstream.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.extract.dosage import DosageRule, extract_dosage_rules
from pipeline.extract.indications import IndicationMention, extract_indications
from pipeline.extract.side_effects import EffectMention, UnmappedPhrase, extract_side_effects
from pipeline.ingest.pages import Page
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


def extract_page(page: Page, lexicon: Lexicon) -> PageExtraction:
    assert page.ok and page.drug_id is not None, "only pages that passed ingest are extracted"
    effects = extract_side_effects(page, lexicon)
    indications = extract_indications(page, lexicon)
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


def _fields(item: Any) -> dict[str, Any]:
    # A shallow copy of the dataclass's fields: ``asdict`` deep-copies every value and
    # cost 7 of the 10 s of building the per-page frames of the real corpus.
    return dict(vars(item))


def mentions_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **_fields(m)} for ex in extractions for m in ex.side_effects]
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def indications_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **_fields(m)} for ex in extractions for m in ex.indications]
    return pd.DataFrame(rows, columns=INDICATION_COLUMNS)


def dosage_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [
        {**_base(ex), **_fields(rule), "rule_index": index}
        for ex in extractions
        for index, rule in enumerate(ex.dosage_rules)
    ]
    return pd.DataFrame(rows, columns=DOSAGE_COLUMNS)


UNMAPPED_ITEM_COLUMNS = ["page_id", "phrase", "raw_text"]
CANDIDATE_COLUMNS = ["candidate_ids", "candidate_names", "candidate_scores"]


def unmapped_items_frame(
    extractions: list[PageExtraction], lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Every unmapped phrase of every page, one row each: the per-page half of the review queue.

    With a lexicon, each row also carries the phrase's fuzzy candidates: they depend
    on the phrase alone, and finding them is the costly part of the review queue, so
    it is done (and stored) with the page rather than once for the whole corpus.
    """
    rows = [
        {"page_id": ex.page_id, "phrase": item.phrase, "raw_text": item.raw_text}
        for ex in extractions
        for item in ex.unmapped
    ]
    frame = pd.DataFrame(rows, columns=UNMAPPED_ITEM_COLUMNS)
    if lexicon is not None:
        found = [_candidates(lexicon, phrase) for phrase in frame["phrase"].tolist()]
        for index, column in enumerate(CANDIDATE_COLUMNS):
            frame[column] = pd.Series([f[index] for f in found], dtype=object)
    return frame


def _candidates(lexicon: Lexicon, phrase: str) -> tuple[list[str], list[str], list[float]]:
    key = phrase.lower().strip()
    candidates = lexicon.fuzzy_candidates(key) if key else []
    return (
        [c.effect_id for c, _, _ in candidates],
        [c.effect_name for c, _, _ in candidates],
        [score for _, _, score in candidates],
    )


def unmapped_frame(extractions: list[PageExtraction], lexicon: Lexicon) -> pd.DataFrame:
    """The review queue: unmapped phrases, how often, where, and fuzzy candidates."""
    return review_queue(unmapped_items_frame(extractions), lexicon)


def review_queue(items: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """Group unmapped items (page_id, phrase, raw_text) by phrase, with fuzzy candidates.

    Works from rows, not extraction objects, so per-page results stored by shard
    feed it the same way as a fresh extraction; candidates already on the rows
    are used as they are.
    """
    grouped: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "pages": set(), "example": "", "row": None}
    )
    for row, (page_id, phrase, raw_text) in enumerate(
        zip(
            items["page_id"].tolist(),
            items["phrase"].tolist(),
            items["raw_text"].tolist(),
            strict=True,
        )
    ):
        key = phrase.lower().strip()
        if not key:
            continue
        entry = grouped[key]
        entry["n"] += 1
        entry["pages"].add(page_id)
        entry["row"] = row
        if not entry["example"] or raw_text < entry["example"]:
            entry["example"] = raw_text
    stored = all(column in items for column in CANDIDATE_COLUMNS)
    rows: list[dict[str, Any]] = []
    for phrase in sorted(grouped):
        entry = grouped[phrase]
        if stored:
            ids, names, scores = (list(items[c].iat[entry["row"]]) for c in CANDIDATE_COLUMNS)
        else:
            ids, names, scores = _candidates(lexicon, phrase)
        rows.append(
            {
                "phrase": phrase,
                "n_mentions": entry["n"],
                "page_ids": sorted(entry["pages"]),
                "example_text": entry["example"],
                "candidate_ids": ids,
                "candidate_names": names,
                "candidate_scores": scores,
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
