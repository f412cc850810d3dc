"""The ``pipeline`` command: run, evaluate, corpus-report, check-dose, provenance.

Exit codes (the README lists them): a user's mistake is one line on stderr
and a code of its own, found before any work, and never touches outputs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.contract.vocabularies import DOSE_PERIODS, POPULATIONS, Population

EXIT_OK = 0
EXIT_BROKEN = 1  # check-dose: the dose breaks a rule; run: a blocking check failed
EXIT_USAGE = 2  # bad arguments, unknown drug, unreadable dose
EXIT_INPUT = 3  # input refused: raw directory, gold file, published tables
EXIT_OUTPUT = 4  # the output directory cannot take a run
EXIT_FAILED = 5  # the run failed (a step raised, another run held the lock too long)
EXIT_NOTHING_CHECKED = 6  # check-dose: no stated rule could be compared with the prescription


def _default(env: str, fallback: str) -> Path:
    return Path(os.environ.get(env) or fallback)


def _refuse(command: str, message: object, code: int) -> int:
    print(f"pipeline {command}: {message}", file=sys.stderr)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.ingest.preflight import RawDirRefused, check_raw_dir
    from pipeline.publish.release import OutputUnusable, check_out_dir

    try:
        check_raw_dir(args.raw_dir, args.allow_empty)
    except RawDirRefused as exc:
        return _refuse("run", exc, EXIT_INPUT)
    try:
        check_out_dir(args.out_dir)
    except OutputUnusable as exc:
        return _refuse("run", exc, EXIT_OUTPUT)

    from pipeline.instance import project_instance
    from pipeline.runner import run_pipeline

    with project_instance() as instance:
        summary = run_pipeline(
            args.raw_dir,
            args.out_dir,
            log_level=args.log_level,
            allow_empty=args.allow_empty,
            instance=instance,
            executor=args.executor,
        )
        home = instance.root_directory
    print(summary.render())
    print(
        f"run {summary.run_id} of job refresh_all recorded in the Dagster instance {home}"
        " (see it with `uv run dagster dev -w workspace.yaml`)"
    )
    if not summary.success:
        print(
            "run failed: see the Dagster log above (a blocking check or a step failed);"
            " --log-level INFO shows every step",
            file=sys.stderr,
        )
        return EXIT_BROKEN if summary.failed_checks else EXIT_FAILED
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.contract.tables import ALL_TABLES, TablesUnavailable, load_published
    from pipeline.evaluate.scoring import GoldFileError, load_gold, score

    try:
        gold = load_gold(args.gold)
        tables = load_published(args.out_dir, sorted(ALL_TABLES))
    except (GoldFileError, TablesUnavailable) as exc:
        return _refuse("evaluate", exc, EXIT_INPUT)
    try:
        report = score(tables, gold)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
        return _refuse(
            "evaluate", f"gold file {args.gold} does not fit the gold format: {detail}", EXIT_INPUT
        )
    print(report.render())
    if args.errors:
        print("\n".join(report.errors))
    return EXIT_OK


def cmd_corpus_report(args: argparse.Namespace) -> int:
    from pipeline.contract.tables import ALL_TABLES, TablesUnavailable, load_published
    from pipeline.evaluate.corpus_report import corpus_report, render_report

    try:
        tables = load_published(args.out_dir, sorted(ALL_TABLES))
    except TablesUnavailable as exc:
        return _refuse("corpus-report", exc, EXIT_INPUT)
    figures, identity = corpus_report(tables, top=args.top)
    print(render_report(figures, identity))
    return EXIT_OK


def cmd_check_dose(args: argparse.Namespace) -> int:
    from pipeline.contract.tables import TablesUnavailable
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
        return _refuse("check-dose", exc, EXIT_USAGE)
    try:
        rules = load_rules(args.out_dir)
    except TablesUnavailable as exc:
        return _refuse("check-dose", exc, EXIT_INPUT)
    result = check_dose(rx, rules)
    print(result.render())
    if result.error:
        return EXIT_USAGE
    return {
        "breaks": EXIT_BROKEN,
        "within": EXIT_OK,
        "nothing_checked": EXIT_NOTHING_CHECKED,
    }[result.verdict]


def cmd_provenance(args: argparse.Namespace) -> int:
    from pipeline.contract.tables import TablesUnavailable
    from pipeline.query.provenance import load_tables, provenance

    try:
        tables = load_tables(args.out_dir)
    except TablesUnavailable as exc:
        return _refuse("provenance", exc, EXIT_INPUT)
    text = provenance(args.drug, tables)
    print(text)
    return EXIT_USAGE if text.startswith("unknown drug") else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Drug pages -> typed datasets.",
        epilog="Exit codes: 0 ok; 1 a rule broken (check-dose) or a blocking check failed (run);"
        " 2 usage, unknown drug or dose; 3 input refused (raw directory, gold file, published"
        " tables); 4 output directory unusable; 5 the run failed; 6 check-dose could compare no"
        " stated rule.",
    )
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
    run.add_argument(
        "--executor",
        choices=["auto", "in_process", "multiprocess"],
        default="auto",
        help="one process, one process per step, or by corpus size (default; "
        "PIPELINE_MULTIPROCESS_MIN_PAGES pages and up run per step)",
    )
    run.add_argument(
        "--allow-empty",
        action="store_true",
        help="publish empty tables when the raw directory holds no page (refused otherwise)",
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
        " as the dose); 3: no published dosage rules; 6: no stated rule could be compared with"
        " the prescription.",
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
