"""Benchmark: per-page cost against mistune's floor, full runs by corpus size, one changed page.

    uv run python -m pipeline.bench                       # 1,000 and 10,000 generated pages
    uv run python -m pipeline.bench --sizes 1000,10000,100000 --real /path/to/real-site

For each corpus it runs ``pipeline run`` as a child process (as a user would) and
records wall time and the peak resident memory of the whole process tree (the run
and every step process it starts), then changes one page and runs again (stored
per-page results reused). Per-page cost is measured in this process: mistune's AST
parse alone of a page (the floor) against reading it into the section model plus
extracting it, page by page, interleaved so both see the same machine load.

Figures are printed and written as a Markdown table (``--out``, default
bench/results.md) with the machine and its load; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.bench.corpus import write_corpus


@dataclass
class RunFigures:
    corpus: str
    pages: int
    full_s: float
    full_mb: float
    changed_s: float
    changed_mb: float
    executor: str
    ok: bool


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total / 2**20


def timed_run(command: list[str], log: Path) -> tuple[float, float, bool]:
    """Wall seconds and peak tree RSS (sampled every 0.2 s) of one command."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        peak = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_mb(process.pid))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
    return time.perf_counter() - started, peak, code == 0


def run_corpus(name: str, raw: Path, work: Path, executor: str) -> RunFigures:
    pages = sum(1 for _ in raw.rglob("*.md"))
    out = work / f"out-{name}"
    command = [sys.executable, "-m", "pipeline.cli", "run", "--raw-dir", str(raw)]
    command += ["--out-dir", str(out), "--executor", executor]
    full_s, full_mb, ok = timed_run(command, work / f"{name}-full.log")
    # One changed page: the first in sorted order gets a line more.
    first = min(raw.rglob("*.md"))
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    changed_s, changed_mb, ok2 = timed_run(command, work / f"{name}-changed.log")
    shutil.rmtree(out, ignore_errors=True)
    return RunFigures(name, pages, full_s, full_mb, changed_s, changed_mb, executor, ok and ok2)


def per_page_cost(paths: list[Path], raw: Path) -> dict[str, float]:
    """Median ms per page: mistune's AST parse alone, and read + extract (the pipeline's own)."""
    import frontmatter

    from pipeline.extract.page_extraction import extract_page_safely
    from pipeline.ingest.catalog import ingest_page
    from pipeline.ingest.markdown import _PARSER
    from pipeline.vocabulary.cache import load_lexicon
    from pipeline.vocabulary.conditions import load_condition_vocabulary

    cache = Path(tempfile.mkdtemp(prefix="perf-bench-vocabulary-"))
    lexicon = load_lexicon(cache).lexicon
    conditions = load_condition_vocabulary(cache)
    floor: list[float] = []
    ours: list[float] = []
    for warm in (True, False):
        for path in paths:
            data = path.read_bytes()
            body = frontmatter.loads(data.decode("utf-8", "replace")).content
            started = time.perf_counter()
            _PARSER(body)
            parsed = time.perf_counter()
            page = ingest_page(path, raw)
            if page.ok and extract_page_safely(page, lexicon, conditions).failed:
                continue  # a page the extractor fails on is no figure
            done = time.perf_counter()
            if not warm:
                floor.append(parsed - started)
                ours.append(done - parsed)
    floor_ms = statistics.fmean(floor) * 1000
    ours_ms = statistics.fmean(ours) * 1000
    return {
        "pages": len(ours),
        "floor_ms": floor_ms,
        "ours_ms": ours_ms,
        "ratio": ours_ms / floor_ms,
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        mem = 0.0
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, Python {platform.python_version()}"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def render(costs: dict[str, dict[str, float]], runs: list[RunFigures], started_load: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Load average (1, 5, 15 min) at start {started_load}, "
        f"at end {load()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "## Per page: ingest + extraction against mistune's AST parse (the floor)",
        "",
        "| corpus | pages | floor ms/page | ingest+extract ms/page | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, c in costs.items():
        lines.append(
            f"| {name} | {c['pages']:.0f} | {c['floor_ms']:.2f} | {c['ours_ms']:.2f} | {c['ratio']:.1f}x |"
        )
    lines += [
        "",
        "## Full runs (`pipeline run`, peak RSS of the whole process tree)",
        "",
        "| corpus | pages | executor | full run s | peak MB | one page changed s | peak MB | changed / full |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        status = "" if r.ok else " (failed)"
        lines.append(
            f"| {r.corpus}{status} | {r.pages} | {r.executor} | {r.full_s:.1f} | {r.full_mb:.0f} | "
            f"{r.changed_s:.1f} | {r.changed_mb:.0f} | {r.changed_s / r.full_s:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__)
    parser.add_argument(
        "--sizes", default="1000,10000", help="generated corpus sizes, comma-separated"
    )
    parser.add_argument(
        "--real", type=Path, help="a real corpus to run too (copied, never written)"
    )
    parser.add_argument("--sample", type=int, default=500, help="pages for the per-page cost")
    parser.add_argument(
        "--executor", default="auto", choices=["auto", "in_process", "multiprocess"]
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=Path("bench/results.md"))
    args = parser.parse_args(argv)

    started_load = load()
    work = args.work or Path(tempfile.mkdtemp(prefix="perf-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    try:
        sample_raw = work / "sample"
        sample = write_corpus(sample_raw, args.sample, args.seed)
        costs = {"generated": per_page_cost(sample, sample_raw)}
        real_copy: Path | None = None
        if args.real:
            real_copy = work / "real"
            shutil.copytree(args.real, real_copy, symlinks=True)
            pages = sorted(real_copy.rglob("*.md"))
            step = max(1, len(pages) // args.sample)
            costs["real"] = per_page_cost(pages[::step], real_copy)
        print(render(costs, [], started_load), flush=True)
        runs: list[RunFigures] = []
        for size in sizes:
            raw = work / f"gen-{size}"
            write_corpus(raw, size, args.seed)
            runs.append(run_corpus(f"generated {size}", raw, work, args.executor))
            print(render(costs, runs, started_load).splitlines()[-1], flush=True)
            shutil.rmtree(raw, ignore_errors=True)
        if real_copy is not None:
            runs.append(run_corpus("real", real_copy, work, args.executor))
        report = render(costs, runs, started_load)
        print(report)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
        print(f"written to {args.out}; logs under {work}")
        return 0 if all(r.ok for r in runs) else 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
