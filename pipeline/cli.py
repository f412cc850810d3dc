"""The ``pipeline`` command: run, evaluate, corpus-report, check-dose, provenance."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.contract.vocabularies import DOSE_PERIODS, POPULATIONS, Population


def _default(env: str, fallback: str) -> Path:
    return Path(os.environ.get(env) or fallback)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.runner import run_pipeline

    summary = run_pipeline(args.raw_dir, args.out_dir, log_level=args.log_level)
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


# check-dose: 0 within every rule that could be checked, 1 a rule broken, 2 unknown drug or
# input refused (the code of usage errors), 6 no stated rule could be compared at all.
CHECK_WITHIN, CHECK_BROKEN, CHECK_USAGE, CHECK_NOTHING_CHECKED = 0, 1, 2, 6


def cmd_check_dose(args: argparse.Namespace) -> int:
    from pipeline.query.dose_check import (
        MAX_CRCL,
        MAX_DOSES_PER_DAY,
        MAX_WEIGHT_KG,
        InputRefused,
        Prescription,
        check_dose,
        load_rules,
        parse_dose_spec,
        read_number,
    )

    try:
        amount, unit, per_day = parse_dose_spec(args.dose)
        if per_day and args.per == "dose":
            raise InputRefused(f"{args.dose!r} is a daily amount but --per dose was given")
        rx = Prescription(
            drug=args.drug,
            dose=amount,
            unit=unit,
            per="day" if per_day else (args.per or "dose"),
            doses_per_day=read_number(
                args.doses_per_day, "--doses-per-day", upper=MAX_DOSES_PER_DAY
            ),
            crcl=read_number(args.crcl, "--crcl", allow_zero=True, upper=MAX_CRCL),
            population=args.population,
            with_drugs=tuple(args.with_drugs or ()),
            weight_kg=read_number(args.weight_kg, "--weight-kg", upper=MAX_WEIGHT_KG),
        )
    except InputRefused as exc:
        print(f"pipeline check-dose: {exc}", file=sys.stderr)
        return CHECK_USAGE
    try:
        rules = load_rules(args.out_dir)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return CHECK_USAGE
    result = check_dose(rx, rules)
    print(result.render())
    if result.error:
        return CHECK_USAGE
    return {
        "breaks": CHECK_BROKEN,
        "within": CHECK_WITHIN,
        "nothing_checked": CHECK_NOTHING_CHECKED,
    }[result.verdict]


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

    run = sub.add_parser("run", help="materialize every asset in-process and publish the tables")
    run.add_argument("--raw-dir", type=Path, default=_default("PIPELINE_RAW_DIR", "raw"))
    run.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    run.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="Dagster's console event log (default WARNING: failures and warnings only)",
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
        description="Exit 0: within every stated rule that could be checked; 1: breaks one;"
        " 2: unknown drug or input refused (0, negative or non-numeric values, a weight given"
        " as the dose); 6: no stated rule could be compared with the prescription.",
    )
    check.add_argument("drug")
    check.add_argument(
        "dose", help="amount, mg unless a unit is given: 120, 120mg, 1g, 15mg/kg, 30mg/kg/day"
    )
    check.add_argument("--per", choices=DOSE_PERIODS, help="the dose is per dose (default)")
    # Numbers are read by the check itself (not argparse) so that a bad value is one line.
    check.add_argument("--doses-per-day", metavar="N")
    check.add_argument("--crcl", metavar="ML_MIN", help="creatinine clearance in mL/min")
    check.add_argument(
        "--weight-kg", metavar="KG", help="body weight, needed to check mg/kg limits"
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
