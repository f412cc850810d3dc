"""The published tables: columns, Arrow types, keys and descriptions.

The interface analysts rely on; every stage that builds or checks a table
takes its columns from here.

Column names and types follow ``output-contract.md`` exactly; columns after
the contract's are additions (marked below).  Each table also declares its
key, used for sorting (determinism) and uniqueness checks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

STR = pa.string()
F64 = pa.float64()
I32 = pa.int32()
BOOL = pa.bool_()
LIST_STR = pa.list_(pa.string())


@dataclass(frozen=True)
class TableSpec:
    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    description: str

    @property
    def columns(self) -> list[str]:
        return self.schema.names

    @property
    def column_descriptions(self) -> dict[str, str]:
        """Column -> what it means: the data dictionary, shown in the Dagster UI and by pandera."""
        return {f.name: (f.metadata or {}).get(b"description", b"").decode() for f in self.schema}


def _schema(*fields: tuple[str, pa.DataType, bool, str]) -> pa.Schema:
    """Arrow schema whose fields carry their description (also written into the Parquet files).

    Every column needs one (tests/publish/test_validation.py fails on an empty description).
    """
    return pa.schema(
        [
            pa.field(
                name, dtype, nullable=nullable, metadata={"description": rest[0] if rest else ""}
            )
            for name, dtype, nullable, *rest in fields
        ]
    )


PAGES = TableSpec(
    "pages",
    _schema(
        (
            "page_id",
            STR,
            False,
            "Path of the file relative to raw/, '/'-separated; the page's key.",
        ),
        (
            "source",
            STR,
            False,
            "Front-matter layout, else the first folder under raw/, else 'unknown'.",
        ),
        ("title", STR, True, "Front-matter title, else the first level-1 heading."),
        (
            "drug_id",
            STR,
            True,
            "The drug the page is about (active-moiety slug); null unless the page is ok.",
        ),
        (
            "content_sha256",
            STR,
            False,
            "Hex SHA-256 of the file's bytes (empty when the file could not be read).",
        ),
        (
            "status",
            STR,
            False,
            "ok, quarantined (the file cannot be used) or failed (extracting it raised: a pipeline fault).",
        ),
        ("error", STR, True, "Why the page is quarantined or failed, one line; null when ok."),
        # additions
        ("generic_name_field", STR, True, "The page's Generic Name field, as written."),
        (
            "identity_note",
            STR,
            True,
            "How a disagreement between title and Generic Name was decided.",
        ),
        (
            "ingest_note",
            STR,
            True,
            "What ingest noticed but read anyway (e.g. duplicate front-matter keys), one line.",
        ),
        (
            "section_kinds",
            LIST_STR,
            False,
            "Kinds of the sections the page has (side effects, usage, dosage, ...).",
        ),
        ("n_side_effects", I32, True, "Side-effect mentions read from the page; null unless ok."),
        ("n_indications", I32, True, "Indications read from the page; null unless ok."),
        ("n_dosage_rules", I32, True, "Dosage rules read from the page; null unless ok."),
        (
            "side_effects_stated_none",
            BOOL,
            True,
            "True when the page gave no side effect and its side-effects section says none is "
            "known or listed (the page rightly gives none); false otherwise; null unless ok.",
        ),
    ),
    ("page_id",),
    "One row per file found under raw/, with its status (ok, quarantined, failed) and coverage.",
)

DRUGS = TableSpec(
    "drugs",
    _schema(
        ("drug_id", STR, False, "Active-moiety slug; combinations 'a+b', sorted."),
        ("generic_name", STR, False, "Display name: the most frequent title."),
        (
            "name_variants",
            LIST_STR,
            False,
            "Every distinct spelling seen in titles and Generic Name fields.",
        ),
        (
            "components",
            LIST_STR,
            False,
            "Single-ingredient drug_ids of a combination (the drug itself otherwise).",
        ),
        ("page_ids", LIST_STR, False, "Pages merged into this drug."),
        ("n_sources", I32, False, "Number of distinct sources."),
        # additions
        ("sources", LIST_STR, False, "Those sources."),
    ),
    ("drug_id",),
    "One row per drug after duplicate sources are merged.",
)

SIDE_EFFECT_MENTIONS = TableSpec(
    "side_effect_mentions",
    _schema(
        ("drug_id", STR, False, "The drug of the page (as in pages)."),
        ("page_id", STR, False, "The page the effect was read from."),
        ("source", STR, False, "The page's source (as in pages)."),
        (
            "effect_id",
            STR,
            False,
            "HP:nnnnnnn, or local:{slug} for concepts HPO lacks and unmapped phrases.",
        ),
        ("effect_name", STR, False, "HPO label, or the local concept's name / the cleaned phrase."),
        (
            "body_system",
            STR,
            True,
            "MedDRA-style organ system (Psychiatric, Nervous system, Cardiac, ...).",
        ),
        (
            "frequency_band",
            STR,
            False,
            "very_common, common, uncommon, rare, very_rare or unknown.",
        ),
        ("freq_min_pct", F64, True, "Lower frequency bound stated on the page, in percent."),
        ("freq_max_pct", F64, True, "Upper frequency bound stated on the page, in percent."),
        ("frequency_text", STR, True, "The words the band was read from."),
        (
            "serious",
            BOOL,
            False,
            "True when a heading, lead-in or the item calls the effect serious, severe or life-threatening.",
        ),
        ("raw_text", STR, False, "The list item or sentence the effect came from."),
        # additions
        ("phrase", STR, False, "The phrase that was looked up in the vocabulary."),
        (
            "match_source",
            STR,
            False,
            "How the phrase was mapped: override, analyte, name, exact, layperson, related, broad_narrow or unmapped.",
        ),
    ),
    ("page_id", "effect_id"),
    "One row per (page, effect): what each source says about each side effect.",
)

SIDE_EFFECTS = TableSpec(
    "side_effects",
    _schema(
        ("drug_id", STR, False, "The drug (as in drugs)."),
        ("effect_id", STR, False, "HP:nnnnnnn or local:{slug} (as in side_effect_mentions)."),
        ("effect_name", STR, False, "HPO label or local concept name."),
        ("body_system", STR, True, "MedDRA-style organ system."),
        (
            "frequency_band",
            STR,
            False,
            "Merged band: the one backed by numbers, else the more frequent (precedence.yaml).",
        ),
        ("freq_min_pct", F64, True, "Merged lower frequency bound, in percent."),
        ("freq_max_pct", F64, True, "Merged upper frequency bound, in percent."),
        ("serious", BOOL, False, "True if any source calls the effect serious."),
        ("n_sources", I32, False, "Number of distinct sources that list the effect."),
        ("page_ids", LIST_STR, False, "Pages that list the effect."),
        ("band_conflict", BOOL, False, "True when two sources state different bands."),
    ),
    ("drug_id", "effect_id"),
    "One row per (drug, effect), sources merged by the precedence policy.",
)

INDICATIONS = TableSpec(
    "indications",
    _schema(
        ("drug_id", STR, False, "The drug of the page (as in pages)."),
        ("page_id", STR, False, "The page the condition was read from."),
        ("source", STR, False, "The page's source (as in pages)."),
        ("condition_name", STR, False, "The condition, lower case, abbreviations expanded."),
        ("status", STR, False, "indicated or not_indicated."),
        (
            "population",
            STR,
            True,
            "adult, pediatric or geriatric where the page restricts it; null otherwise.",
        ),
        # additions
        (
            "condition_id",
            STR,
            False,
            "ICD-10-CM code of the condition, or local:<slug> for a reviewed local concept.",
        ),
        ("raw_text", STR, False, "The sentence or item the condition came from."),
    ),
    ("page_id", "condition_name", "status"),
    "One row per (page, condition) the page says the drug is or is not for.",
)

DOSAGE_RULES = TableSpec(
    "dosage_rules",
    _schema(
        ("drug_id", STR, False, "The drug of the page (as in pages)."),
        ("page_id", STR, False, "The page the rule was read from."),
        ("source", STR, False, "The page's source (as in pages)."),
        ("population", STR, False, "adult, pediatric, geriatric or all."),
        ("indication", STR, True, "The condition the rule is for, if the page names one."),
        (
            "rule_type",
            STR,
            False,
            "initial, titration, maintenance, maximum, adjustment, no_adjustment, not_recommended or washout.",
        ),
        (
            "condition",
            STR,
            True,
            "renal_impairment, hepatic_impairment, drug_interaction, discontinuation, ...; null for the standard regimen.",
        ),
        (
            "condition_detail",
            STR,
            True,
            "The qualifying words (moderate, strong CYP3A4 inhibitors, ...).",
        ),
        ("crcl_min_ml_min", F64, True, "Lower creatinine-clearance bound of a renal rule, mL/min."),
        ("crcl_max_ml_min", F64, True, "Upper creatinine-clearance bound of a renal rule, mL/min."),
        ("dose_min", F64, True, "Lower amount as stated."),
        ("dose_max", F64, True, "Upper amount as stated."),
        ("dose_period", STR, True, "dose (per administration) or day (daily total)."),
        ("dose_unit", STR, True, "mg, mcg, g, mg/kg, mg/m2, units, mL, ..."),
        (
            "doses_per_day",
            F64,
            True,
            "Administrations a day: once daily 1, every 8 hours 3, every other day 0.5.",
        ),
        ("duration_days", F64, True, "How long the step lasts, in days."),
        ("interval_days", F64, True, "Least days between titration steps, or a washout's length."),
        ("route", STR, True, "oral, intravenous, ..."),
        ("raw_text", STR, False, "The sentence the rule came from."),
        # additions
        ("rule_index", I32, False, "Order of the rule on its page; with page_id, the key."),
        ("age_min_years", F64, True, "Lower age bound the rule applies to, years."),
        ("age_max_years", F64, True, "Upper age bound the rule applies to, years."),
        ("weight_min_kg", F64, True, "Lower weight bound the rule applies to, kg."),
        ("weight_max_kg", F64, True, "Upper weight bound the rule applies to, kg."),
    ),
    ("page_id", "rule_index"),
    "One row per dosage rule a page states, with the sentence it came from.",
)

CONFLICTS = TableSpec(
    "conflicts",
    _schema(
        ("drug_id", STR, False, "The drug whose sources disagree."),
        (
            "field",
            STR,
            False,
            "What they disagree on: side_effect.frequency_band, side_effect.serious, indication.status, dosage.maximum, dosage.initial.",
        ),
        ("key", STR, False, "The effect_id, condition_name, or population/condition of a dose."),
        ("values", LIST_STR, False, "Each source's value, as page_id=value."),
        ("resolution", STR, False, "The value kept and why."),
    ),
    ("drug_id", "field", "key"),
    "One row per disagreement between sources of one drug.",
)

DRUG_INDICATIONS = TableSpec(
    "drug_indications",
    _schema(
        ("drug_id", STR, False, "The drug (as in drugs)."),
        (
            "condition_id",
            STR,
            False,
            "ICD-10-CM code or local:<slug> (as in indications); with drug_id the key.",
        ),
        ("condition_name", STR, False, "The condition (the most frequent name among the sources)."),
        ("status", STR, False, "Merged status: indicated or not_indicated."),
        ("population", STR, True, "Population the sources restrict it to, if any."),
        ("n_sources", I32, False, "Number of distinct sources that name the condition."),
        ("page_ids", LIST_STR, False, "Pages that name it."),
        ("status_conflict", BOOL, False, "True when sources disagree on the status."),
        ("name_variants", LIST_STR, False, "Every name the sources give the condition."),
    ),
    ("drug_id", "condition_id"),
    "One row per (drug, condition concept), sources merged (addition to the contract).",
)

DOSE_LIMITS = TableSpec(
    "dose_limits",
    _schema(
        ("drug_id", STR, False, "The drug (as in drugs)."),
        ("population", STR, False, "adult, pediatric, geriatric or all."),
        ("condition", STR, True, "The condition of the limit; null for the standard regimen."),
        ("indication", STR, True, "The condition treated, if the limit is for one."),
        (
            "route",
            STR,
            True,
            "oral, topical, intravenous, ... where the rules state one: each route its own limit.",
        ),
        ("condition_detail", STR, True, "The qualifying words."),
        ("crcl_min_ml_min", F64, True, "Lower creatinine-clearance bound, mL/min."),
        ("crcl_max_ml_min", F64, True, "Upper creatinine-clearance bound, mL/min."),
        ("max_dose", F64, False, "The strictest stated maximum (compared across mg, g and mcg)."),
        ("dose_unit", STR, True, "Unit of max_dose."),
        ("dose_period", STR, True, "dose (per administration) or day (daily total)."),
        ("n_sources", I32, False, "Number of distinct sources stating a maximum."),
        ("page_ids", LIST_STR, False, "Pages stating one."),
        ("raw_text", STR, False, "The sentence the kept maximum came from."),
        ("max_conflict", BOOL, False, "True when sources state different maxima."),
    ),
    (
        "drug_id",
        "population",
        "condition",
        "indication",
        "route",
        "dose_unit",
        "dose_period",
        "crcl_min_ml_min",
        "crcl_max_ml_min",
        "condition_detail",
    ),
    "Strictest stated maximum per (drug, population, condition) (addition to the contract).",
)

UNMAPPED_EFFECTS = TableSpec(
    "unmapped_effects",
    _schema(
        ("phrase", STR, False, "An effect phrase the vocabulary did not map."),
        ("n_mentions", I32, False, "How often it was seen."),
        ("page_ids", LIST_STR, False, "Pages it was seen on."),
        ("example_text", STR, False, "One sentence it came from."),
        (
            "candidate_ids",
            LIST_STR,
            False,
            "Up to three fuzzy HPO candidates, for a reviewer (never applied automatically).",
        ),
        ("candidate_names", LIST_STR, False, "Their labels."),
        ("candidate_scores", pa.list_(F64), False, "Their similarity scores, 0-1."),
    ),
    ("phrase",),
    "Phrases the vocabulary did not map, with fuzzy candidates for a reviewer (never auto-mapped).",
)

PAGE_PROBLEMS = TableSpec(
    "page_problems",
    _schema(
        ("page_id", STR, False, "The page (as in pages)."),
        ("source", STR, False, "The page's source (as in pages)."),
        (
            "status",
            STR,
            False,
            "quarantined (the file cannot be used) or failed (a pipeline fault).",
        ),
        ("error", STR, False, "Why, one line: what to fix in the page, or the fault to report."),
        ("content_sha256", STR, False, "Hex SHA-256 of the file's bytes, to tell a fixed page."),
    ),
    ("page_id",),
    "Every page that is not ok, with the reason: the pages a reader of the tables is missing.",
)

ALL_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        PAGES,
        DRUGS,
        SIDE_EFFECT_MENTIONS,
        SIDE_EFFECTS,
        INDICATIONS,
        DOSAGE_RULES,
        CONFLICTS,
        DRUG_INDICATIONS,
        DOSE_LIMITS,
        UNMAPPED_EFFECTS,
        PAGE_PROBLEMS,
    )
}


# Readers' paths go through this link to the run published last (see publish.release):
# outputs/<table>.parquet -> current/<table>.parquet.
CURRENT_RUN = "current"


def published_root(out_dir: Path) -> Path:
    """Where one run's tables are: ``out_dir/current`` resolved once (so never a mix of runs).

    Falls back to ``out_dir`` itself for a directory of plain files.
    """
    link = out_dir / CURRENT_RUN
    if link.is_symlink():
        target = (out_dir / os.readlink(link)).resolve()
        if target.is_dir():
            return target
    return out_dir


def read_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The published tables found in ``out_dir`` (the analysts' view), all of one run."""
    root = published_root(out_dir)
    return {
        name: pd.read_parquet(root / f"{name}.parquet")
        for name in ALL_TABLES
        if (root / f"{name}.parquet").exists()
    }


class TablesUnavailable(Exception):
    """Published tables are missing or unreadable; the message is one line."""


def load_published(out_dir: Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The named tables of one run, or ``TablesUnavailable`` saying which are missing.

    For commands that read published tables: one line instead of a traceback
    from deep inside pyarrow.
    """
    if not out_dir.is_dir():
        raise TablesUnavailable(f"no published tables in {out_dir}: run `pipeline run` first")
    root = published_root(out_dir)
    names = list(names)
    missing = [n for n in names if not (root / f"{n}.parquet").is_file()]
    if len(missing) == len(names):
        raise TablesUnavailable(f"no published tables in {out_dir}: run `pipeline run` first")
    if missing:
        raise TablesUnavailable(
            f"published tables missing in {out_dir}: {', '.join(missing)}; run `pipeline run` again"
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        try:
            tables[name] = pd.read_parquet(root / f"{name}.parquet")
        except Exception as exc:  # pyarrow raises many kinds for a damaged file
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise TablesUnavailable(
                f"published table {out_dir / (name + '.parquet')} cannot be read: {reason}"
            ) from None
    return tables
