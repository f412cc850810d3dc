"""Markdown body -> :class:`Section` tree, through mistune's AST.

Rules, independent of any site:

* A markdown heading opens a section at its level; a heading inside a
  section of known kind inherits that kind unless it names a kind itself
  *and* sits directly under the page title.
* A paragraph that starts with a bold label followed by a colon, or that is
  bold as a whole, is a label.  A label that is a section name of a different
  kind than the enclosing top-level section (``**Usage:**`` after
  ``**Generic Name:**``) opens a new top-level section; any other label opens
  a sub-section of the current section (``**Children:**`` under Dosage).
* Bold questions (``**Q: ...?** A: ...`` or ``**Is it addictive?** ...``) are
  Q/A pairs, whether written as paragraphs or list items.
"""

from __future__ import annotations

import re
from typing import Any

import mistune

from pipeline.ingest.document import (
    LABEL_LEVEL,
    QA,
    Block,
    ListBlock,
    ListItem,
    Paragraph,
    Section,
    Table,
)
from pipeline.ingest.section_kinds import classify_heading, is_section_name, normalise_heading

_PARSER = mistune.create_markdown(renderer="ast", plugins=["table", "strikethrough"])

Node = dict[str, Any]


def parse_markdown(body: str) -> list[Node]:
    return _PARSER(body)  # type: ignore[return-value]


def clean_text(text: str) -> str:
    """Runs of whitespace (no-break spaces too) as one space, none at the ends.

    The same as ``re.sub(r"\\s+", " ", text).strip()`` (``\\s`` and ``str.split`` agree on
    every code point), at a tenth of the cost: a paragraph's every space was a match.
    """
    return " ".join(text.split())


def inline_text(nodes: list[Node] | None) -> str:
    """Plain text of inline nodes; emphasis is dropped, its words kept."""
    if not nodes:
        return ""
    out: list[str] = []
    for node in nodes:
        kind = node.get("type")
        if kind in ("text", "codespan", "inline_html"):
            out.append(node.get("raw", ""))
        elif kind in ("softbreak", "linebreak"):
            out.append(" ")
        elif kind == "image":
            out.append(node.get("attrs", {}).get("alt", "") or inline_text(node.get("children")))
        else:
            out.append(inline_text(node.get("children")))
    return "".join(out)


def split_label(nodes: list[Node] | None) -> tuple[str | None, str, bool]:
    """Split a leading bold run off inline nodes.

    Returns (label, rest, colon) where ``colon`` tells whether the label was
    closed by a colon (inside or right after the bold run).
    """
    if not nodes:
        return None, "", False
    first = nodes[0]
    if first.get("type") != "strong":
        return None, clean_text(inline_text(nodes)), False
    label = clean_text(inline_text(first.get("children")))
    rest = clean_text(inline_text(nodes[1:]))
    colon = False
    if label.endswith(":"):
        label, colon = label[:-1].rstrip(), True
    elif rest.startswith(":"):
        rest, colon = rest[1:].lstrip(), True
    return label or None, rest, colon


_QUESTION = re.compile(r"^(q\s*[:.)-]\s*)?(.+\?)$", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(r"^a\s*[:.)-]\s*", re.IGNORECASE)


def _as_qa(label: str | None, rest: str) -> QA | None:
    if not label:
        return None
    match = _QUESTION.match(label)
    if not match:
        return None
    return QA(question=match.group(2).strip(), answer=_ANSWER_PREFIX.sub("", rest).strip())


def _table(node: Node) -> Table:
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    for part in node.get("children", []):
        if part["type"] == "table_head":
            header = tuple(clean_text(inline_text(c.get("children"))) for c in part["children"])
        elif part["type"] == "table_body":
            for row in part["children"]:
                rows.append(
                    tuple(clean_text(inline_text(c.get("children"))) for c in row["children"])
                )
    return Table(header=header, rows=tuple(rows))


def _list(node: Node) -> ListBlock:
    items: list[ListItem] = []
    for item in node.get("children", []):
        label: str | None = None
        texts: list[str] = []
        children: list[ListBlock] = []
        first = True
        for child in item.get("children", []):
            if child["type"] in ("block_text", "paragraph"):
                if first:
                    label, rest, _ = split_label(child.get("children"))
                    texts.append(rest)
                else:
                    texts.append(clean_text(inline_text(child.get("children"))))
                first = False
            elif child["type"] == "list":
                children.append(_list(child))
        text = clean_text(" ".join(t for t in texts if t))
        text = re.sub(r"^[\u2013\u2014-]+\s*", "", text)
        items.append(ListItem(text=text, label=label, children=tuple(children)))
    return ListBlock(items=tuple(items), ordered=bool(node.get("attrs", {}).get("ordered")))


class _TreeBuilder:
    def __init__(self, title: str | None) -> None:
        self.root = Section(title=title or "", level=0, kind="document")
        self.stack: list[Section] = [self.root]
        # Sections opened by a markdown heading (not by a bold label), by identity.
        self.headed: set[int] = set()

    @property
    def current(self) -> Section:
        return self.stack[-1]

    def _container_depth(self) -> int:
        """Index in the stack of the section that holds the page's top-level sections.

        That is the page-title heading (a level-1 heading) when there is one,
        else the root.
        """
        if len(self.stack) > 1 and self.stack[1].kind == "title":
            return 1
        return 0

    def heading(self, title: str, level: int) -> None:
        while len(self.stack) > 1 and self.current.level >= level:
            self.stack.pop()
        parent = self.current
        if level == 1 and parent is self.root and not self.root.subsections:
            section = Section(title=title, level=1, kind="title")
        else:
            kind = classify_heading(title)
            if parent.kind not in ("document", "title") and parent.kind is not None:
                kind = parent.kind
            section = Section(title=title, level=level, kind=kind)
        parent.children.append(section)
        self.stack.append(section)
        self.headed.add(id(section))

    def label(self, label: str, rest: str) -> None:
        depth = self._container_depth()
        top = self.stack[depth + 1] if len(self.stack) > depth + 1 else None
        kind = classify_heading(label)
        if (
            is_section_name(label)
            and (top is None or top.kind != kind)
            and not (top is not None and id(top) in self.headed and _dosing_topic(top, label))
        ):
            # A new top-level section: sibling of the current top-level one.
            del self.stack[depth + 1 :]
            level = top.level if top is not None else self.stack[depth].level + 1
            section = Section(title=label, level=level, kind=kind)
        else:
            while self.current.level >= LABEL_LEVEL:
                self.stack.pop()
            parent_kind = self.current.kind
            inherited = parent_kind if parent_kind not in ("document", "title") else kind
            section = Section(title=label, level=LABEL_LEVEL, kind=inherited)
        self.current.children.append(section)
        self.stack.append(section)
        if rest:
            self.current.children.append(Paragraph(rest))

    def block(self, block: Block) -> None:
        self.current.children.append(block)

    def list_block(self, block: ListBlock) -> None:
        """A list; where it sits outside any known section, items labelled with a section
        name are sections (``* **Side Effects:** a, b, c`` under a component's name)."""
        if self.current.kind not in (None, "document", "title", "generic_name"):
            self.block(block)
            return
        run: list[ListItem] = []
        for item in block.items:
            kind = classify_heading(item.label) if item.label else None
            if item.label and kind not in (None, self.current.kind) and is_section_name(item.label):
                if run:
                    self.block(ListBlock(items=tuple(run), ordered=block.ordered))
                    run = []
                section = Section(title=item.label, level=LABEL_LEVEL + 1, kind=kind)
                if item.text:
                    section.children.append(Paragraph(item.text))
                section.children.extend(item.children)
                self.current.children.append(section)
            else:
                run.append(item)
        if run:
            self.block(ListBlock(items=tuple(run), ordered=block.ordered))


def build_sections(nodes: list[Node], title: str | None = None) -> Section:
    builder = _TreeBuilder(title)
    _feed(builder, nodes)
    return builder.root


# Under a "### Dosage" heading, "**Discontinuation:**" or "**Drug interactions:**" says how to
# stop or what dose to give with another drug: a dosing sub-topic, not the next section.  So is
# "**Important Note:**" there (847 dosage sections of the real site have one, often before the
# doses or with the kidney, liver and children advice): the heading still bounds the section.
_DOSING_TOPIC = re.compile(
    r"^(?:withdrawal|discontinuation|stopping|(?:drug )?interactions?|(?:important )?notes?)\b"
)


def _dosing_topic(top: Section, label: str) -> bool:
    return top.kind == "dosage" and _DOSING_TOPIC.match(normalise_heading(label)) is not None


def _feed(builder: _TreeBuilder, nodes: list[Node]) -> None:
    for node in nodes:
        kind = node.get("type")
        if kind == "heading":
            text = clean_text(inline_text(node.get("children")))
            builder.heading(text.rstrip(":").strip(), int(node["attrs"]["level"]))
        elif kind == "paragraph":
            children = node.get("children") or []
            label, rest, colon = split_label(children)
            # A bold sentence ("**Do not exceed 1,500 mg a day.**") is emphasis, not a label.
            whole_bold = (
                len(children) == 1
                and label is not None
                and not (label.endswith((".", "!")) and len(label.split()) > 3)
            )
            qa = _as_qa(label, rest)
            if qa is not None:
                builder.block(qa)
            elif label is not None and (
                colon or whole_bold or re.match(r"^[\u2013\u2014-]\s", rest)
            ):
                builder.label(label, rest)
            else:
                text = clean_text(inline_text(children))
                if text:
                    builder.block(Paragraph(text))
        elif kind == "list":
            block = _list(node)
            qas = [_as_qa(i.label, i.text) for i in block.items]
            if qas and all(qa is not None for qa in qas):
                for qa in qas:
                    builder.block(qa)  # type: ignore[arg-type]
            else:
                builder.list_block(block)
        elif kind == "table":
            builder.block(_table(node))
        elif kind == "block_quote":
            _feed(builder, node.get("children") or [])
        elif kind == "block_code":
            text = clean_text(node.get("raw", ""))
            if text:
                builder.block(Paragraph(text))


def first_h1(nodes: list[Node]) -> str | None:
    for node in nodes:
        if node.get("type") == "heading" and node["attrs"]["level"] == 1:
            text = clean_text(inline_text(node.get("children")))
            if text:
                return text
    return None
