"""Ingest: reading pages, quarantine reasons, and the generic section model."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.catalog import ingest_pages, pages_frame
from pipeline.ingest.document import QA, ListBlock, Paragraph, Table
from pipeline.ingest.pages import parse_page
from pipeline.ingest.section_kinds import classify_heading, is_section_name
from tests.conftest import SEEDS


def kinds(page) -> list[str]:
    title = page.root.subsections[0]
    return [s.kind for s in title.subsections]


def test_default_layout_bold_labels_become_sections() -> None:
    page = parse_page("a.md", (SEEDS / "levomilnacipran.default.md").read_bytes())
    assert page.ok and page.source == "default" and page.title == "Levomilnacipran"
    assert kinds(page) == [
        "generic_name",
        "usage",
        "side_effects",
        "mechanism",
        "faq",
        "disclaimer",
    ]
    side = page.root.find("side_effects")[0]
    # The bold lead-in "Serious side effects, though less common, include:" stays inside.
    assert [s.title for s in side.subsections] == [
        "Serious side effects, though less common, include"
    ]
    first_list = next(b for b in side.blocks if isinstance(b, ListBlock))
    assert first_list.items[0].label == "Nausea"
    assert first_list.items[0].text.startswith("This is a frequently reported")


def test_minimal_layout_headings_and_nested_labels() -> None:
    page = parse_page("b.md", (SEEDS / "levomilnacipran.minimal-medicine.md").read_bytes())
    assert kinds(page) == [
        "generic_name",
        "usage",
        "dosage",
        "side_effects",
        "mechanism",
        "precautions",
        "faq",
        "disclaimer",
    ]
    dosage = page.root.find("dosage")[0]
    assert [s.title for s in dosage.subsections] == [
        "Adults (Major Depressive Disorder)",
        "Children",
        "Dosage Adjustments",
    ]
    assert all(s.kind == "dosage" for s in dosage.subsections)
    faq = page.root.find("faq")[0]
    assert all(isinstance(b, QA) for b in faq.blocks)
    assert faq.blocks[0].question == "Can I drink alcohol while taking Levomilnacipran?"


def test_tables_nested_lists_and_any_heading_level() -> None:
    md = """---
title: Examplamine
---
## Adverse reactions
Nervous system:
- Headache
  - Migraine

| Effect | Frequency |
|---|---|
| Nausea | 12% |

#### Withdrawal
* Dizziness
"""
    page = parse_page("x/examplamine.md", md.encode())
    assert page.ok and page.source == "x"  # no layout: the first folder
    section = page.root.find("side_effects")[0]
    lists = [b for b in section.blocks if isinstance(b, ListBlock)]
    assert lists[0].items[0].children[0].items[0].text == "Migraine"
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.header == ("Effect", "Frequency") and table.rows == (("Nausea", "12%"),)
    assert section.subsections[0].title == "Withdrawal"
    assert isinstance(section.blocks[0], Paragraph)


def test_heading_classification_is_by_pattern_not_site() -> None:
    assert classify_heading("Side Effects:") == "side_effects"
    assert classify_heading("Adverse Reactions") == "side_effects"
    assert classify_heading("Dosage and Administration") == "dosage"
    assert classify_heading("How to take it") == "dosage"
    assert classify_heading("What is it used for?") == "usage"
    assert classify_heading("Frequently asked questions") == "faq"
    assert classify_heading("Kidney impairment (adults)") is None
    assert is_section_name("Usage") and not is_section_name(
        "Serious side effects, though less common, include"
    )


def test_quarantine_reasons_are_one_line_and_actionable(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    (tmp_path / "yaml.md").write_text('---\ntitle: "Unclosed\n\tnav: x\n---\n# T\n')
    (tmp_path / "untitled.md").write_text("Just text, no heading.\n")
    (tmp_path / "list.md").write_text("---\n- a\n- b\n---\n# Title\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.md").write_text("# Goodamine\n\n## Usage\nUsed to treat pain.\n")
    pages = {p.page_id: p for p in ingest_pages(tmp_path)}
    assert set(pages) == {
        "empty.md",
        "latin1.md",
        "yaml.md",
        "untitled.md",
        "list.md",
        "sub/good.md",
    }
    assert pages["sub/good.md"].ok and pages["sub/good.md"].drug_id == "goodamine"
    assert pages["sub/good.md"].source == "sub"
    assert pages["empty.md"].error.startswith("empty file")
    assert "UTF-8" in pages["latin1.md"].error
    assert "YAML" in pages["yaml.md"].error
    assert pages["untitled.md"].error.startswith("no title")
    assert "mapping" in pages["list.md"].error
    for page in pages.values():
        if not page.ok:
            assert "\n" not in page.error and page.status == "quarantined"
    frame = pages_frame(list(pages.values()))
    assert frame.loc[frame.status == "quarantined", "drug_id"].isna().all()
    assert frame["content_sha256"].str.len().eq(64).all()


def test_title_falls_back_to_first_h1() -> None:
    page = parse_page("p.md", b"---\nlayout: default\n---\n# Fallbackine\n")
    assert page.ok and page.title == "Fallbackine" and page.source == "default"


def test_hostile_files_are_rows_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tmp_path / "unsafe.md").write_text(
        '---\ntitle: !!python/object/apply:os.system ["echo hi"]\n---\n# X\n'
    )
    (tmp_path / "big.md").write_text("---\ntitle: Bigamine\n---\n# Bigamine\n" + "x" * 5000)
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "folder.md").mkdir()  # a directory named like a page is not a page
    pages = {p.page_id: p for p in ingest_pages(tmp_path, max_page_bytes=4096)}
    assert set(pages) == {"image.md", "unsafe.md", "big.md", "gone.md"}
    assert not any(p.ok for p in pages.values())
    assert "UTF-8" in pages["image.md"].error
    assert pages["unsafe.md"].error.startswith("front matter uses a YAML tag that is not allowed")
    assert "python/object/apply" in pages["unsafe.md"].error
    assert "limit" in pages["big.md"].error and len(pages["big.md"].content_sha256) == 64
    assert pages["gone.md"].error.startswith("cannot read file")


def test_very_long_comma_list_is_read_in_full(lexicon) -> None:
    # Thousands of comma fragments in one item: every one is read (and the search for
    # multi-fragment names is bounded, so this stays linear).
    from pipeline.extract.side_effects import extract_side_effects

    body = "- " + ", ".join(["nausea", "headache", "rash"] * 700) + "\n"
    page = parse_page(
        "long.md", f"---\ntitle: Longamine\n---\n# Longamine\n## Side Effects\n{body}".encode()
    )
    found = {m.effect_id for m in extract_side_effects(page, lexicon).mentions}
    assert found == {"HP:0002018", "HP:0002315", "HP:0000988"}
