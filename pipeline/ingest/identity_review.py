"""Review drug identity over a whole corpus: every id's words ranked by count.

``uv run python -m pipeline.ingest.identity_review RAW_DIR [--dump FILE] [--before FILE]``
reads the pages only (no extraction: about a minute for the real site), and prints
the pages whose file name is in several sources but got more than one drug_id, then
every word of every drug_id ranked by the number of distinct titles it appears in,
with the role the word lists give it and an example title.  Words a reviewer should
look at first are the salt, ester, form and placeholder words that survive into ids.
``--dump`` writes page_id, title, Generic Name field and drug_id as JSON lines;
``--before`` compares with such a dump and prints the ids that changed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.ingest.catalog import ingest_pages
from pipeline.ingest.identity import word_role


def page_rows(raw_dir: Path) -> list[dict[str, str | None]]:
    return [
        {
            "page_id": p.page_id,
            "source": p.source,
            "title": p.title,
            "generic_name_field": p.generic_name,
            "drug_id": p.drug_id,
        }
        for p in ingest_pages(raw_dir)
        if p.page_id and not p.page_id.endswith("/")
    ]


def split_sources(rows: list[dict[str, str | None]]) -> list[tuple[str, dict[str, str | None]]]:
    """File names found under several sources whose pages got different drug_ids."""
    by_name: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in rows:
        source, _, rest = str(row["page_id"]).partition("/")
        by_name[rest][source] = row["drug_id"]
    return sorted(
        (name, ids) for name, ids in by_name.items() if len(ids) > 1 and len(set(ids.values())) > 1
    )


def ranked_words(rows: list[dict[str, str | None]]) -> list[tuple[str, int, str]]:
    """Every word of every drug_id, by the number of distinct titles it is in."""
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    seen: set[tuple[str | None, str | None]] = set()
    for row in rows:
        key = (row["title"], row["drug_id"])
        if not row["drug_id"] or key in seen:
            continue
        seen.add(key)
        for component in str(row["drug_id"]).split("+"):
            for word in component.split("-"):
                counts[word] += 1
                example.setdefault(word, str(row["title"]))
    return [(w, n, example[w]) for w, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args(argv)
    rows = page_rows(args.raw_dir)
    ids = {r["drug_id"] for r in rows if r["drug_id"]}
    split = split_sources(rows)
    print(f"pages {len(rows)}, drug_ids {len(ids)}, file names split across sources {len(split)}")
    for name, by_source in split[:50]:
        print(f"  split {name}: {by_source}")
    print("word\ttitles\trole\texample title")
    for word, count, title in ranked_words(rows)[: args.top]:
        print(f"{word}\t{count}\t{word_role(word) or '-'}\t{title}")
    if args.before:
        before = {
            r["page_id"]: r["drug_id"]
            for r in map(json.loads, args.before.read_text(encoding="utf-8").splitlines())
        }
        changed = [
            r for r in rows if r["page_id"] in before and before[r["page_id"]] != r["drug_id"]
        ]
        print(f"drug_ids changed on {len(changed)} pages")
        for row in changed:
            print(f"  {row['title']}: {before[row['page_id']]} -> {row['drug_id']}")
    if args.dump:
        args.dump.write_text(
            "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
