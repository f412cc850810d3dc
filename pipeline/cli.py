"""The ``pipeline`` command: run, evaluate, check-dose, provenance."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _default(env: str, fallback: str) -> Path:
    return Path(os.environ.get(env) or fallback)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.runner import run_pipeline

    summary = run_pipeline(args.raw_dir, args.out_dir)
    print(summary.render())
    if not summary.success:
        print(
            "run failed: see the Dagster log above (a blocking check or a step failed)",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate.scoring import load_gold, score
    from pipeline.runner import read_tables

    if not (args.out_dir / "pages.parquet").exists():
        print(f"no published tables in {args.out_dir}: run `pipeline run` first", file=sys.stderr)
        return 2
    report = score(read_tables(args.out_dir), load_gold(args.gold))
    print(report.render())
    if args.errors:
        print("\n".join(report.errors))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipeline", description="Drug pages -> typed datasets.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialize every asset in-process and publish the tables")
    run.add_argument("--raw-dir", type=Path, default=_default("PIPELINE_RAW_DIR", "raw"))
    run.add_argument("--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs"))
    run.set_defaults(func=cmd_run)

    evaluate = sub.add_parser("evaluate", help="score published tables against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument(
        "--out-dir", type=Path, default=_default("PIPELINE_OUTPUT_DIR", "outputs")
    )
    evaluate.add_argument("--errors", action="store_true", help="also list every mismatch")
    evaluate.set_defaults(func=cmd_evaluate)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
