"""Publishing: contract schemas, atomic and deterministic files, blocking checks, Dagster definitions."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.contract.tables import (
    ALL_TABLES,
    CONFLICTS,
    DOSAGE_RULES,
    INDICATIONS,
    SIDE_EFFECT_MENTIONS,
)
from pipeline.defs.checks import contract_problems
from pipeline.extract.dosage import DosageRule
from pipeline.extract.indications import IndicationMention
from pipeline.extract.side_effects import EffectMention
from pipeline.publish import writer
from pipeline.publish.writer import to_arrow, write_table_files

REPO = Path(__file__).resolve().parents[2]


def conflicts_frame(values: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"drug_id": f"d{i}", "field": "f", "key": "k", "values": v, "resolution": "r"}
            for i, v in enumerate(values)
        ]
    )


def test_extracted_rows_fill_exactly_the_contract_columns() -> None:
    """A renamed dataclass field would otherwise publish an all-null column silently."""
    base = {"drug_id", "page_id", "source"}
    for row_type, spec, extra in (
        (EffectMention, SIDE_EFFECT_MENTIONS, set()),
        (IndicationMention, INDICATIONS, set()),
        (DosageRule, DOSAGE_RULES, {"rule_index"}),
    ):
        produced = base | {f.name for f in fields(row_type)} | extra
        assert produced == set(spec.columns), spec.name
    assert str(ALL_TABLES["drugs"].schema.field("n_sources").type) == "int32"
    assert str(ALL_TABLES["drugs"].schema.field("page_ids").type) == "list<item: string>"


def test_written_files_round_trip_with_json_lists(tmp_path: Path) -> None:
    table = to_arrow(
        conflicts_frame([["b.md=rare", 'a.md=say "x", y']]), CONFLICTS, {"hpo_data_version": "v"}
    )
    written = write_table_files(table, "conflicts", tmp_path)
    back = pq.read_table(tmp_path / written.parquet)
    assert back.column("values").to_pylist() == [["b.md=rare", 'a.md=say "x", y']]
    assert back.schema.metadata[b"hpo_data_version"] == b"v"
    assert (
        pq.ParquetFile(tmp_path / written.parquet).metadata.row_group(0).column(0).compression
        == "ZSTD"
    )
    assert written.csv == "csv/conflicts.csv" and written.rows == 1
    csv = pd.read_csv(tmp_path / written.csv)
    assert json.loads(csv.loc[0, "values"]) == ["b.md=rare", 'a.md=say "x", y']


def test_rows_sorted_by_key_so_files_are_deterministic(tmp_path: Path) -> None:
    frame = conflicts_frame([["x"], ["y"]]).iloc[::-1]
    first = write_table_files(to_arrow(frame, CONFLICTS), "conflicts", tmp_path / "a")
    second = write_table_files(to_arrow(frame.iloc[::-1], CONFLICTS), "conflicts", tmp_path / "b")
    assert first.parquet_sha256 == second.parquet_sha256 and first.csv_sha256 == second.csv_sha256
    parquet = tmp_path / "a" / first.parquet
    assert hashlib.sha256(parquet.read_bytes()).hexdigest() == first.parquet_sha256
    assert pq.read_table(parquet).column("drug_id").to_pylist() == ["d0", "d1"]


def test_csv_neutralises_formula_text_but_not_numbers_lists_or_parquet(tmp_path: Path) -> None:
    texts = ['=HYPERLINK("http://x","y")', "+1", "-x", "@a", "\tTab", "\rCR", "a=b", None]
    table = pa.table(
        {
            "text": pa.array(texts, pa.string()),
            "number": pa.array([-1.5, -2.0, 3.0, -0.25, 0.0, 1.0, 2.0, None], pa.float64()),
            "count": pa.array([-1, 2, 3, 4, 5, 6, 7, 8], pa.int32()),
            "items": pa.array([["=x"], ["-y"], [], None, ["a"], ["b"], ["c"], ["d"]]),
        }
    )
    rows = list(csv.reader(io.StringIO(writer.csv_text(table), newline="")))[1:]
    assert [r[0] for r in rows] == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-x",
        "'@a",
        "'\tTab",
        "'\rCR",
        "a=b",
        "",
    ]
    assert [r[1] for r in rows][:2] == ["-1.5", "-2.0"] and rows[0][2] == "-1"
    assert json.loads(rows[0][3]) == ["=x"]  # a JSON array starts with [: nothing to run
    pq.write_table(table, tmp_path / "t.parquet")
    assert pq.read_table(tmp_path / "t.parquet").column("text").to_pylist() == texts


def test_checks_find_contract_breaks() -> None:
    base = {
        "drug_id": "d",
        "page_id": "p",
        "source": "s",
        "effect_id": "HP:0002018",
        "effect_name": "Nausea",
        "body_system": None,
        "frequency_band": "common",
        "freq_min_pct": None,
        "freq_max_pct": None,
        "frequency_text": None,
        "serious": False,
        "raw_text": "x",
        "phrase": "x",
        "match_source": "name",
    }
    assert contract_problems(pd.DataFrame([base]), SIDE_EFFECT_MENTIONS) == []
    bad = pd.DataFrame([base, base, {**base, "effect_id": "nausea", "frequency_band": "often"}])
    problems = contract_problems(bad, SIDE_EFFECT_MENTIONS)
    assert any("duplicate keys" in p for p in problems)
    assert any("outside the contract" in p for p in problems)
    assert any("neither HP" in p for p in problems)
    assert contract_problems(pd.DataFrame([{"drug_id": "d"}]), SIDE_EFFECT_MENTIONS)[0].startswith(
        "does not fit"
    )


def test_definitions_load_and_validate() -> None:
    from pipeline.definitions import defs

    graph = defs.get_repository_def().asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw_pages", "hpo_lexicon", "side_effects", "published/side_effects"} <= keys
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups == {"ingest", "extract", "reconcile", "publish"}
    # Every published table has a blocking check upstream of publishing.
    checks = {c.asset_key.to_user_string() for c in graph.asset_check_keys}
    assert checks == set(ALL_TABLES)
    env = {**os.environ, "DAGSTER_HOME": ""}
    env.pop("DAGSTER_HOME")
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
