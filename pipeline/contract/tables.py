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


def _schema(*fields: tuple[str, pa.DataType, bool]) -> pa.Schema:
    return pa.schema([pa.field(name, dtype, nullable=nullable) for name, dtype, nullable in fields])


PAGES = TableSpec(
    "pages",
    _schema(
        ("page_id", STR, False),
        ("source", STR, False),
        ("title", STR, True),
        ("drug_id", STR, True),
        ("content_sha256", STR, False),
        ("status", STR, False),
        ("error", STR, True),
        # additions
        ("generic_name_field", STR, True),
        ("identity_note", STR, True),
        ("ingest_note", STR, True),
        ("section_kinds", LIST_STR, False),
        ("n_side_effects", I32, True),
        ("n_indications", I32, True),
        ("n_dosage_rules", I32, True),
    ),
    ("page_id",),
    "One row per file found under raw/, with its status (ok, quarantined, failed) and coverage.",
)

DRUGS = TableSpec(
    "drugs",
    _schema(
        ("drug_id", STR, False),
        ("generic_name", STR, False),
        ("name_variants", LIST_STR, False),
        ("components", LIST_STR, False),
        ("page_ids", LIST_STR, False),
        ("n_sources", I32, False),
        # additions
        ("sources", LIST_STR, False),
    ),
    ("drug_id",),
    "One row per drug after duplicate sources are merged.",
)

SIDE_EFFECT_MENTIONS = TableSpec(
    "side_effect_mentions",
    _schema(
        ("drug_id", STR, False),
        ("page_id", STR, False),
        ("source", STR, False),
        ("effect_id", STR, False),
        ("effect_name", STR, False),
        ("body_system", STR, True),
        ("frequency_band", STR, False),
        ("freq_min_pct", F64, True),
        ("freq_max_pct", F64, True),
        ("frequency_text", STR, True),
        ("serious", BOOL, False),
        ("raw_text", STR, False),
        # additions
        ("phrase", STR, False),
        ("match_source", STR, False),
    ),
    ("page_id", "effect_id"),
    "One row per (page, effect): what each source says about each side effect.",
)

SIDE_EFFECTS = TableSpec(
    "side_effects",
    _schema(
        ("drug_id", STR, False),
        ("effect_id", STR, False),
        ("effect_name", STR, False),
        ("body_system", STR, True),
        ("frequency_band", STR, False),
        ("freq_min_pct", F64, True),
        ("freq_max_pct", F64, True),
        ("serious", BOOL, False),
        ("n_sources", I32, False),
        ("page_ids", LIST_STR, False),
        ("band_conflict", BOOL, False),
    ),
    ("drug_id", "effect_id"),
    "One row per (drug, effect), sources merged by the precedence policy.",
)

INDICATIONS = TableSpec(
    "indications",
    _schema(
        ("drug_id", STR, False),
        ("page_id", STR, False),
        ("source", STR, False),
        ("condition_name", STR, False),
        ("status", STR, False),
        ("population", STR, True),
        # additions
        ("raw_text", STR, False),
    ),
    ("page_id", "condition_name", "status"),
    "One row per (page, condition) the page says the drug is or is not for.",
)

DOSAGE_RULES = TableSpec(
    "dosage_rules",
    _schema(
        ("drug_id", STR, False),
        ("page_id", STR, False),
        ("source", STR, False),
        ("population", STR, False),
        ("indication", STR, True),
        ("rule_type", STR, False),
        ("condition", STR, True),
        ("condition_detail", STR, True),
        ("crcl_min_ml_min", F64, True),
        ("crcl_max_ml_min", F64, True),
        ("dose_min", F64, True),
        ("dose_max", F64, True),
        ("dose_period", STR, True),
        ("dose_unit", STR, True),
        ("doses_per_day", F64, True),
        ("duration_days", F64, True),
        ("interval_days", F64, True),
        ("route", STR, True),
        ("raw_text", STR, False),
        # additions
        ("rule_index", I32, False),
        ("age_min_years", F64, True),
        ("age_max_years", F64, True),
        ("weight_min_kg", F64, True),
        ("weight_max_kg", F64, True),
    ),
    ("page_id", "rule_index"),
    "One row per dosage rule a page states, with the sentence it came from.",
)

CONFLICTS = TableSpec(
    "conflicts",
    _schema(
        ("drug_id", STR, False),
        ("field", STR, False),
        ("key", STR, False),
        ("values", LIST_STR, False),
        ("resolution", STR, False),
    ),
    ("drug_id", "field", "key"),
    "One row per disagreement between sources of one drug.",
)

DRUG_INDICATIONS = TableSpec(
    "drug_indications",
    _schema(
        ("drug_id", STR, False),
        ("condition_name", STR, False),
        ("status", STR, False),
        ("population", STR, True),
        ("n_sources", I32, False),
        ("page_ids", LIST_STR, False),
        ("status_conflict", BOOL, False),
    ),
    ("drug_id", "condition_name"),
    "One row per (drug, condition), sources merged (addition to the contract).",
)

DOSE_LIMITS = TableSpec(
    "dose_limits",
    _schema(
        ("drug_id", STR, False),
        ("population", STR, False),
        ("condition", STR, True),
        ("indication", STR, True),
        ("condition_detail", STR, True),
        ("crcl_min_ml_min", F64, True),
        ("crcl_max_ml_min", F64, True),
        ("max_dose", F64, False),
        ("dose_unit", STR, True),
        ("dose_period", STR, True),
        ("n_sources", I32, False),
        ("page_ids", LIST_STR, False),
        ("raw_text", STR, False),
        ("max_conflict", BOOL, False),
    ),
    (
        "drug_id",
        "population",
        "condition",
        "indication",
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
        ("phrase", STR, False),
        ("n_mentions", I32, False),
        ("page_ids", LIST_STR, False),
        ("example_text", STR, False),
        ("candidate_ids", LIST_STR, False),
        ("candidate_names", LIST_STR, False),
        ("candidate_scores", pa.list_(F64), False),
    ),
    ("phrase",),
    "Phrases the vocabulary did not map, with fuzzy candidates for a reviewer (never auto-mapped).",
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
