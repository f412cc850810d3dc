"""Drug identity: titles and Generic Name fields -> drug_id (output contract, 'drugs').

Never from file names.  The id is the active moiety as an ASCII slug: salt,
ester and dosage-form words dropped when another word remains, stereo
prefixes written apart joined back (``levo-milnacipran``), British spellings
folded, names that differ outright mapped through a curated synonym table,
and combinations as sorted components joined by ``+``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.ingest.curated import curated_pairs, read_csv_rows
from pipeline.ingest.document import Paragraph, Section
from pipeline.ingest.text import fold, slug, us_spelling

SYNONYMS_CSV = Path(__file__).parent / "data" / "drug_synonyms.csv"

NAME_WORDS_CSV = Path(__file__).parent / "data" / "name_words.csv"


def _name_words(kind: str) -> frozenset[str]:
    return frozenset(w for w, k in curated_pairs(NAME_WORDS_CSV, "word", "kind") if k == kind)


SALT_WORDS = _name_words("salt")
FORM_WORDS = _name_words("form")
STEREO_PREFIXES = _name_words("stereo_prefix")
_COMBINATION_SPLIT = re.compile(r"\s*(?:\+|/|&|\band\b|\bwith\b|,)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    drug_id: str | None
    generic_name: str | None
    components: tuple[str, ...]
    note: str | None = None


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    return {_name_key(r["name"]): r["drug_id"] for r in read_csv_rows(SYNONYMS_CSV)}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", us_spelling(_ascii(name))).strip()


def component_id(name: str) -> str | None:
    """One ingredient name -> its id, or None when nothing is left."""
    text = re.sub(r"\([^)]*\)", " ", name)
    text = us_spelling(_ascii(text))
    synonym = _synonyms().get(_name_key(text))
    if synonym:
        return synonym
    words = [w for w in re.split(r"[^a-z0-9-]+", text) if w]
    words = [
        w for w in words if w not in FORM_WORDS and not re.fullmatch(r"\d+(mg|mcg|g|ml|%)?", w)
    ]
    if not words:
        return None
    # "levo-milnacipran", "levo milnacipran" -> "levomilnacipran"
    joined: list[str] = []
    for word in words:
        parts = word.split("-")
        if len(parts) > 1 and (parts[0] in STEREO_PREFIXES or len(parts[0]) <= 4):
            word = "".join(parts)
        if joined and joined[-1] in STEREO_PREFIXES:
            joined[-1] = joined[-1] + word
        else:
            joined.append(word)
    kept = [w for w in joined if w not in SALT_WORDS]
    words = kept or joined
    key = " ".join(words)
    synonym = _synonyms().get(_name_key(key))
    if synonym:
        return synonym
    return slug(key) or None


def drug_id_for(name: str) -> tuple[str | None, tuple[str, ...]]:
    """A product name -> (drug_id, component ids)."""
    cleaned = re.sub(r"\([^)]*\)", " ", name)
    synonym = _synonyms().get(_name_key(cleaned))
    if synonym:
        return synonym, tuple(sorted(synonym.split("+")))
    pieces = [p for p in _COMBINATION_SPLIT.split(cleaned) if p.strip()]
    ids = sorted({cid for p in pieces if (cid := component_id(p))})
    # "Sodium and potassium chloride": a piece that is only a salt word is not a component.
    if not ids:
        return None, ()
    components: list[str] = []
    for cid in ids:
        components.extend(cid.split("+"))
    components = sorted(set(components))
    return "+".join(components), tuple(components)


def generic_name_field(root: Section | None) -> str | None:
    if root is None:
        return None
    for section in root.find("generic_name"):
        for _, block in section.walk():
            if isinstance(block, Paragraph) and block.text.strip():
                return block.text.strip()
    return None


def resolve_identity(title: str | None, generic_field: str | None) -> Identity:
    """Title and Generic Name field -> identity; disagreements are noted.

    Rule: when one name's components include the other's (a combination's
    title versus one ingredient), the fuller one wins; otherwise the title
    wins, since it names what the whole page is about.
    """
    title_id, title_parts = drug_id_for(title) if title else (None, ())
    field_id, field_parts = drug_id_for(generic_field) if generic_field else (None, ())
    display = title or generic_field
    if title_id is None and field_id is None:
        return Identity(None, display, ())
    if title_id is None:
        return Identity(
            field_id, generic_field, field_parts, "title gives no drug name; used Generic Name"
        )
    if field_id is None or field_id == title_id:
        return Identity(title_id, title, title_parts)
    if set(field_parts) > set(title_parts):
        return Identity(
            field_id,
            generic_field,
            field_parts,
            f"title gives {title_id!r}, Generic Name {field_id!r}: kept the fuller combination",
        )
    return Identity(
        title_id,
        title,
        title_parts,
        f"title gives {title_id!r}, Generic Name {field_id!r}: kept the title",
    )
