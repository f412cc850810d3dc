"""Benchmark: wall time and peak memory of a full run on a synthetic corpus of N pages.

Pages are the bundled ones copied under new drug names, so every copy is a
distinct drug with realistic content.  The figures are printed, not asserted:
speed is measured here, not in timed tests.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path


def make_corpus(sources: list[Path], pages: int, target: Path) -> int:
    """Write ``pages`` pages under target, cycling through the source pages."""
    usable = [p for p in sources if p.stat().st_size > 0]
    target.mkdir(parents=True, exist_ok=True)
    for index in range(pages):
        source = usable[index % len(usable)]
        text = source.read_text(encoding="utf-8", errors="replace")
        suffix = f"x{index:05d}"
        # A new drug per copy: rename the title so identity and merging are exercised.
        text = re.sub(r"(?m)^(title:\s*.+?)\s*$", rf"\g<1> {suffix}", text, count=1)
        (target / f"{source.stem}-{suffix}.md").write_text(text, encoding="utf-8")
    return pages


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipeline-bench", description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--source", type=Path, default=Path("tests/fixtures/dev"))
    args = parser.parse_args(argv)

    from pipeline.runner import run_pipeline

    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        sources = sorted(args.source.glob("*.md")) + sorted(Path("raw").rglob("*.md"))
        make_corpus(sources, args.pages, work / "raw")
        before = peak_rss_mb()
        started = time.perf_counter()
        cold = run_pipeline(work / "raw", work / "out", cache_dir=work / "cache")
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        warm = run_pipeline(work / "raw", work / "out2", cache_dir=work / "cache")
        warm_s = time.perf_counter() - started
        print(f"pages: {args.pages} ({cold.pages_ok} ok, {cold.pages_quarantined} quarantined)")
        print(
            f"rows: side_effect_mentions {cold.rows.get('side_effect_mentions')}, dosage_rules {cold.rows.get('dosage_rules')}"
        )
        print(f"cold run (lexicon built): {cold_s:.2f} s, {args.pages / cold_s:.0f} pages/s")
        print(f"warm run (lexicon cached): {warm_s:.2f} s, {args.pages / warm_s:.0f} pages/s")
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before runs {before:.0f} MB)")
        return 0 if cold.success and warm.success else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
