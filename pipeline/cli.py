"""The ``pipeline`` command: run, evaluate, corpus-report, check-dose, provenance."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.contract.vocabularies import DOSE_PERIODS, POPULATIONS, DosePeriod, Population


def _default(env: str, fallback: str) -> Path:
    return Path(os.environ.get(env) or fallback)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.runner import run_pipeline

    summary = run_pipeline(
        args.raw_dir, args.out_dir, log_level=args.log_level, executor=args.executor
    )
    print(summary.render())
    if not summary.success:
        print(
            "run failed: see the Dagster log above (a blocking check or a step failed);"
            " --log-level INFO shows every step",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.contract.tables import read_tables
    from pipeline.evaluate.scoring import load_gold, score

    if not (args.out_dir / "pages.parquet").exists():
        print(f"no published tables in {args.out_dir}: run `pipeline run` first", file=sys.stderr)
        return 2
    report = score(read_tables(args.out_dir), load_gold(args.gold))
    print(report.render())
    if args.errors:
        print("\n".join(report.errors))
    return 0


def cmd_corpus_report(args: argparse.Namespace) -> int:
    from pipeline.evaluate.corpus_report import corpus_report, render_report
    from pipeline.runner import read_tables

    if not (args.out_dir / "pages.parquet").exists():
        print(f"no published tables in {args.out_dir}: run `pipeline run` first", file=sys.stderr)
        return 2
    figures, identity = corpus_report(read_tables(args.out_dir), top=args.top)
    print(render_report(figures, identity))
    return 0


def cmd_check_dose(args: argparse.Namespace) -> int:
    from pipeline.query.dose_check import Prescription, check_dose, load_rules, parse_dose

    try:
        amount, unit = parse_dose(args.dose)
        rules = load_rules(args.out_dir)
    except (ValueError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    rx = Prescription(
        drug=args.drug,
        dose=amount,
        unit=unit,
        per=args.per,
        doses_per_day=args.doses_per_day,
        crcl=args.crcl,
        population=args.population,
        with_drugs=tuple(args.with_drugs or ()),
    )
    result = check_dose(rx, rules)
    print(result.render())
    if result.error:
        return 2
    return 1 if result.breaks else 0


def cmd_provenance(args: argparse.Namespace) -> int:
    from pipeline.query.provenance import load_tables, provenance

    try:
        tables = load_tables(args.out_dir)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    text = provenance(args.drug, tables)
    print(text)
    return 2 if text.startswith("unknown drug") else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipeline", description="Drug pages -> typed datasets.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run", help="materialize every asset (changed pages only) and publish the tables"
    )
    run.add_argument("--raw-dir", type=Path, default=_default("PIPELINE_RAW_DIR", "raw"))
    run.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    run.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="Dagster's console event log (default WARNING: failures and warnings only)",
    )
    run.add_argument(
        "--executor",
        choices=["auto", "in_process", "multiprocess"],
        default="auto",
        help="one process, one process per step, or by corpus size (default; "
        "PIPELINE_MULTIPROCESS_MIN_PAGES pages and up run per step)",
    )
    run.set_defaults(func=cmd_run)

    evaluate = sub.add_parser("evaluate", help="score published tables against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument(
        "--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs")
    )
    evaluate.add_argument("--errors", action="store_true", help="also list every mismatch")
    evaluate.set_defaults(func=cmd_evaluate)

    report = sub.add_parser(
        "corpus-report",
        help="per-source figures of a run with no gold (label rows, coverage, HP share, identity)",
    )
    report.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    report.add_argument("--top", type=int, default=15, help="unmapped phrases to list per source")
    report.set_defaults(func=cmd_corpus_report)

    check = sub.add_parser(
        "check-dose",
        help="check a dose against the published dosage rules",
        description="Exit 0: within every stated rule that applies; 1: breaks one; 2: unknown drug or input.",
    )
    check.add_argument("drug")
    check.add_argument("dose", help="amount, mg unless a unit is given: 120, 120mg, 1g")
    check.add_argument("--per", choices=DOSE_PERIODS, default=DosePeriod.DOSE)
    check.add_argument("--doses-per-day", type=float)
    check.add_argument(
        "--crcl", type=float, metavar="ML_MIN", help="creatinine clearance in mL/min"
    )
    check.add_argument("--population", choices=POPULATIONS, default=Population.ADULT)
    check.add_argument(
        "--with",
        dest="with_drugs",
        nargs="+",
        metavar="DRUG_OR_CLASS",
        help="co-prescribed drugs or classes",
    )
    check.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    check.set_defaults(func=cmd_check_dose)

    prov = sub.add_parser(
        "provenance", help="show each merged value of a drug next to its raw text per page"
    )
    prov.add_argument("drug")
    prov.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    prov.set_defaults(func=cmd_provenance)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
