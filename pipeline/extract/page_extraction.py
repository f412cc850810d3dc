"""Everything extracted from one page, and the per-page tables built from many.

``extract_page`` is the unit of per-page work: a pure function of the page
and the lexicon, so results can be cached by content hash or sharded across
executors without changing anything downstream.  ``extract_page_safely`` is
what every asset layout calls: an error while extracting one page marks that
page ``failed`` (stage and error in one line) and never reaches the run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from pipeline.contract.tables import (
    DOSAGE_RULES,
    INDICATIONS,
    SIDE_EFFECT_MENTIONS,
    UNMAPPED_EFFECTS,
)
from pipeline.contract.vocabularies import IndicationStatus, PageStatus
from pipeline.extract.dosage import DosageRule, extract_dosage_rules
from pipeline.extract.indications import (
    IndicationMention,
    anchor_mentions,
    extract_indications,
    phrases_read,
)
from pipeline.extract.item_labels import component_keys, names_component
from pipeline.extract.side_effects import EffectMention, UnmappedPhrase, extract_side_effects
from pipeline.extract.usage_prose import (
    class_conditions,
    group_conditions,
    running_text_conditions,
)
from pipeline.ingest.catalog import pages_frame
from pipeline.ingest.pages import Page, failure_line
from pipeline.vocabulary.conditions import (
    LOCAL_PREFIX,
    ConditionVocabulary,
    default_condition_vocabulary,
)
from pipeline.vocabulary.lexicon import Lexicon

T = TypeVar("T")


@dataclass
class PageExtraction:
    page_id: str
    drug_id: str
    source: str
    side_effects: list[EffectMention] = field(default_factory=list)
    unmapped: list[UnmappedPhrase] = field(default_factory=list)
    indications: list[IndicationMention] = field(default_factory=list)
    dosage_rules: list[DosageRule] = field(default_factory=list)
    # The side-effects section gave nothing and says no effect is known or listed.
    side_effects_stated_none: bool = False
    # Set when extracting the page raised: "<stage>: <Error>: <message>"; no rows then.
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


class PageStageError(Exception):
    """An error raised inside one stage of one page's extraction, with the stage's name."""

    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(stage, error)
        self.stage = stage
        self.error = error

    def __str__(self) -> str:
        return failure_line(self.stage, self.error)


def _stage(stage: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except Exception as exc:  # any error of this page's stage: reported with its stage
        raise PageStageError(stage, exc) from exc


def extract_page(
    page: Page, lexicon: Lexicon, conditions: ConditionVocabulary | None = None
) -> PageExtraction:
    """Extract one page; an error is raised as :class:`PageStageError` naming the stage."""
    assert page.ok and page.drug_id is not None, "only pages that passed ingest are extracted"
    effects = _stage("extract.side_effects", lambda: extract_side_effects(page, lexicon))
    indications = _stage("extract.indications", lambda: _indications(page, lexicon, conditions))
    indicated = [i.condition_name for i in indications if i.status == IndicationStatus.INDICATED]
    rules = _stage("extract.dosage", lambda: extract_dosage_rules(page, indicated))
    return PageExtraction(
        page_id=page.page_id,
        drug_id=page.drug_id,
        source=page.source,
        side_effects=effects.mentions,
        unmapped=effects.unmapped,
        indications=indications,
        dosage_rules=rules,
        side_effects_stated_none=effects.stated_none,
    )


def _indications(
    page: Page, lexicon: Lexicon, conditions: ConditionVocabulary | None
) -> list[IndicationMention]:
    """The trigger reader's conditions; the running-text reader only where it found none.

    Both are anchored on the condition vocabulary, so every row carries a condition_id."""
    vocabulary = conditions if conditions is not None else default_condition_vocabulary()
    found = drop_components(extract_indications(page, lexicon, vocabulary), page)
    if not any(i.status == IndicationStatus.INDICATED for i in found):
        running = running_text_conditions(page, lexicon)
        prose = anchor_mentions(running, vocabulary, lexicon)
        known = {i.condition_id for i in found}
        found += [i for i in drop_components(prose, page) if i.condition_id not in known]
        # Still nothing: the condition of a class the drug is used as ("a laxative"), then a
        # group name the terminology has no code for, as a local concept.
        if not any(i.status == IndicationStatus.INDICATED for i in found):
            found += anchor_mentions(class_conditions(page), vocabulary, lexicon)
        found += drop_components(
            group_conditions(phrases_read(page, lexicon) + running, found), page
        )
    return found


def drop_components(indications: list[IndicationMention], page: Page) -> list[IndicationMention]:
    """A combination product's component is not a condition it treats (contract, side effects).

    A name the terminology codes stays, though it begins a component's name: "tetanus" is
    the disease a "Tetanus Toxoid" component protects against, not the component."""
    components = component_keys(page)
    if not components:
        return indications
    return [
        i
        for i in indications
        if not names_component(i.condition_name, components)
        or (i.condition_id and not i.condition_id.startswith(LOCAL_PREFIX))
    ]


def extract_page_safely(
    page: Page, lexicon: Lexicon, conditions: ConditionVocabulary | None = None
) -> PageExtraction:
    """``extract_page``, with any error kept to this page: it comes back ``failed``, no rows.

    Why here and not in an asset: every layout of the asset graph (one step, shards, cached
    pages) calls this one function, so one page's fault can never stop a run or reach
    another page's rows.  Errors that are not the page's (KeyboardInterrupt, SystemExit)
    are not caught.
    """
    try:
        return extract_page(page, lexicon, conditions)
    except PageStageError as exc:
        error = str(exc)
    except Exception as exc:
        error = failure_line("extract", exc)
    return PageExtraction(
        page_id=page.page_id, drug_id=page.drug_id or "", source=page.source, error=error
    )


def failed_share(pages: list[Page], extractions: list[PageExtraction]) -> tuple[list[str], float]:
    """Failed pages (ingest or extraction) and their share of the pages that were read.

    Quarantined pages are not in the denominator: they were never the pipeline's to extract.
    """
    failed = sorted(
        {p.page_id for p in pages if p.status == PageStatus.FAILED}
        | {ex.page_id for ex in extractions if ex.failed}
    )
    read = sum(1 for p in pages if p.ok or p.status == PageStatus.FAILED)
    return failed, (len(failed) / read if read else 0.0)


def too_many_failed(
    pages: list[Page], extractions: list[PageExtraction], max_share: float
) -> str | None:
    """One line saying why the run must stop, or None while failed pages stay within the share.

    A few failed pages are a page-level fault and the run goes on; many mean the pipeline
    itself is broken, and publishing would replace good tables with thin ones.
    """
    failed, share = failed_share(pages, extractions)
    read = sum(1 for p in pages if p.ok or p.status == PageStatus.FAILED)
    return failure_verdict(failed, read, max_share)


def failure_verdict(failed: list[str], read: int, max_share: float) -> str | None:
    """``too_many_failed`` from the failed page ids and the number of pages read (rows, not objects)."""
    share = len(failed) / read if read else 0.0
    if not failed or share <= max_share:
        return None
    return (
        f"{len(failed)} page{'s' if len(failed) != 1 else ''} failed"
        f" ({share:.1%} of the pages read), over the "
        f"{max_share:.1%} allowed (PipelineConfig.max_failed_share): nothing was published; "
        f"first: {sorted(failed)[0]}"
    )


def pages_table(pages: list[Page], extractions: list[PageExtraction]) -> pd.DataFrame:
    """The ``pages`` table: ingest's rows, with each page's extraction outcome.

    A page whose extraction failed becomes ``failed`` with the stage and error; every
    extracted page says how many effects, indications and dosage rules it gave (null when
    it was not extracted), so pages that gave nothing can be listed by source, and whether
    a page that gave no effect says so itself (nothing known or listed) rather than was missed.
    """
    frame = pages_frame(pages)
    by_page = {ex.page_id: ex for ex in extractions}
    counts: dict[str, list[Any]] = {name: [] for name in COVERAGE_COLUMNS}
    stated_none: list[bool | None] = []
    statuses, errors = list(frame["status"]), list(frame["error"])
    for i, page_id in enumerate(frame["page_id"]):
        ex = by_page.get(page_id)
        if ex is not None and ex.failed:
            statuses[i], errors[i] = PageStatus.FAILED, ex.error
        done = ex is not None and not ex.failed
        counts["n_side_effects"].append(len(ex.side_effects) if done else None)
        counts["n_indications"].append(len(ex.indications) if done else None)
        counts["n_dosage_rules"].append(len(ex.dosage_rules) if done else None)
        stated_none.append(ex.side_effects_stated_none if done else None)
    frame["status"], frame["error"] = statuses, errors
    for name, values in counts.items():
        frame[name] = pd.array(values, dtype="Int32")
    frame["side_effects_stated_none"] = pd.array(stated_none, dtype="boolean")
    return frame


COVERAGE_COLUMNS = ["n_side_effects", "n_indications", "n_dosage_rules"]


def _base(ex: PageExtraction) -> dict[str, Any]:
    return {"drug_id": ex.drug_id, "page_id": ex.page_id, "source": ex.source}


def _fields(item: Any) -> dict[str, Any]:
    # A shallow copy of the dataclass's fields: ``asdict`` deep-copies every value and
    # cost 7 of the 10 s of building the per-page frames of the real corpus.
    return dict(vars(item))


def mentions_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **_fields(m)} for ex in extractions for m in ex.side_effects]
    return pd.DataFrame(rows, columns=SIDE_EFFECT_MENTIONS.columns)


def indications_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [{**_base(ex), **_fields(m)} for ex in extractions for m in ex.indications]
    return pd.DataFrame(rows, columns=INDICATIONS.columns)


def dosage_frame(extractions: list[PageExtraction]) -> pd.DataFrame:
    rows = [
        {**_base(ex), **_fields(rule), "rule_index": index}
        for ex in extractions
        for index, rule in enumerate(ex.dosage_rules)
    ]
    return pd.DataFrame(rows, columns=DOSAGE_RULES.columns)


# Fuzzy candidates are searched for this many phrases at most (the most mentioned first):
# a reviewer works down the head of the list, and the tail must not cost a run hours.
MAX_FUZZY_PHRASES = 25_000


UNMAPPED_ITEM_COLUMNS = ["page_id", "phrase", "raw_text"]
CANDIDATE_COLUMNS = ["candidate_ids", "candidate_names", "candidate_scores"]


def unmapped_items_frame(
    extractions: list[PageExtraction], lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Every unmapped phrase of every page, one row each: the per-page half of the review queue.

    With a lexicon, each row also carries the phrase's fuzzy candidates: they depend
    on the phrase alone, and finding them is the costly part of the review queue, so
    it is done (and stored) with the page, on every core, rather than once for the
    whole corpus.
    """
    rows = [
        {"page_id": ex.page_id, "phrase": item.phrase, "raw_text": item.raw_text}
        for ex in extractions
        for item in ex.unmapped
    ]
    frame = pd.DataFrame(rows, columns=UNMAPPED_ITEM_COLUMNS)
    if lexicon is not None:
        # A phrase recurs across pages: its candidates are searched once per call.
        memo: dict[str, tuple[list[str], list[str], list[float]]] = {}
        keys = [phrase.lower().strip() for phrase in frame["phrase"]]
        for key in keys:
            if key not in memo:
                memo[key] = _candidates(lexicon, key)
        found = [memo[key] for key in keys]
        for index, column in enumerate(CANDIDATE_COLUMNS):
            frame[column] = pd.Series([f[index] for f in found], dtype=object)
    return frame


def _candidates(lexicon: Lexicon, key: str) -> tuple[list[str], list[str], list[float]]:
    candidates = lexicon.fuzzy_candidates(key) if key else []
    return (
        [c.effect_id for c, _, _ in candidates],
        [c.effect_name for c, _, _ in candidates],
        [score for _, _, score in candidates],
    )


def unmapped_frame(
    extractions: list[PageExtraction], lexicon: Lexicon, max_fuzzy: int = MAX_FUZZY_PHRASES
) -> pd.DataFrame:
    """The review queue: unmapped phrases, how often, where, and fuzzy candidates."""
    return review_queue(unmapped_items_frame(extractions), lexicon, max_fuzzy)


def review_queue(
    items: pd.DataFrame, lexicon: Lexicon, max_fuzzy: int = MAX_FUZZY_PHRASES
) -> pd.DataFrame:
    """Group unmapped items (page_id, phrase, raw_text) by phrase, with fuzzy candidates.

    Works from rows, not extraction objects, so per-page rows stored by shard feed it
    the same way as a fresh extraction; candidates already on the rows are used as
    they are. Only the ``max_fuzzy`` most mentioned phrases get candidates.
    """
    grouped: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "pages": set(), "example": "", "row": 0}
    )
    columns = zip(
        items["page_id"].tolist(), items["phrase"].tolist(), items["raw_text"].tolist(), strict=True
    )
    for row, (page_id, phrase, raw_text) in enumerate(columns):
        key = phrase.lower().strip()
        if not key:
            continue
        entry = grouped[key]
        entry["n"] += 1
        entry["pages"].add(page_id)
        entry["row"] = row
        if not entry["example"] or raw_text < entry["example"]:
            entry["example"] = raw_text
    ranked = sorted(grouped, key=lambda phrase: (-grouped[phrase]["n"], phrase))
    searched = set(ranked[:max_fuzzy])
    stored = all(column in items for column in CANDIDATE_COLUMNS)
    rows: list[dict[str, Any]] = []
    for phrase in sorted(grouped):
        entry = grouped[phrase]
        if phrase not in searched:
            ids, names, scores = [], [], []
        elif stored:
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
    return pd.DataFrame(rows, columns=UNMAPPED_EFFECTS.columns)
