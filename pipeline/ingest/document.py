"""The generic section model every extractor reads.

Drug sites lay pages out differently (markdown headings at any level, bold
paragraph labels such as ``**Usage:**``, lists with bold item names, tables,
Q/A pairs).  Extractors should not care which: they see a tree of
:class:`Section` objects whose children are blocks in page order, and each
section carries a ``kind`` (``side_effects``, ``dosage``, ...) derived from
its title, inherited by its sub-sections.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    """One bullet or numbered item.

    ``label`` is a bold lead (``**Nausea:** explanation``) and ``text`` what
    follows it; items without a bold lead have ``label=None``.
    """

    text: str
    label: str | None = None
    children: tuple[ListBlock, ...] = ()

    @property
    def full_text(self) -> str:
        if self.label and self.text:
            return f"{self.label}: {self.text}"
        return self.label or self.text


@dataclass(frozen=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class QA:
    question: str
    answer: str


Block = Paragraph | ListBlock | Table | QA


@dataclass
class Section:
    """A heading (markdown or bold label) and everything under it.

    ``level`` is the markdown heading level; bold-label sections sit one
    pseudo-level below every markdown heading (``LABEL_LEVEL``).
    """

    title: str
    level: int
    kind: str | None
    children: list[Block | Section] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [c for c in self.children if not isinstance(c, Section)]

    @property
    def subsections(self) -> list[Section]:
        return [c for c in self.children if isinstance(c, Section)]

    def walk(self) -> Iterator[tuple[tuple[Section, ...], Block]]:
        """Yield (section path from self down, block) in page order."""
        yield from _walk(self, (self,))

    def find(self, kind: str) -> list[Section]:
        """Top-most sections of ``kind`` (their sub-sections are included in them)."""
        if self.kind == kind:
            return [self]
        found: list[Section] = []
        for sub in self.subsections:
            found.extend(sub.find(kind))
        return found

    def text(self) -> str:
        """All text under the section, one block per line (for search and previews)."""
        parts: list[str] = []
        for _, block in self.walk():
            parts.extend(block_lines(block))
        return "\n".join(parts)


LABEL_LEVEL = 7


def _walk(
    section: Section, path: tuple[Section, ...]
) -> Iterator[tuple[tuple[Section, ...], Block]]:
    for child in section.children:
        if isinstance(child, Section):
            yield from _walk(child, (*path, child))
        else:
            yield path, child


def block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, QA):
        return [f"Q: {block.question} A: {block.answer}"]
    if isinstance(block, Table):
        return [" | ".join(block.header)] + [" | ".join(r) for r in block.rows]
    lines: list[str] = []
    for item in block.items:
        lines.append(item.full_text)
        for child in item.children:
            lines.extend(block_lines(child))
    return lines
