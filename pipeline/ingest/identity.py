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

from pipeline.ingest.curated import read_csv_rows
from pipeline.ingest.document import Paragraph, Section
from pipeline.ingest.text import fold, slug, us_spelling

SYNONYMS_CSV = Path(__file__).parent / "data" / "drug_synonyms.csv"

NAME_WORDS_CSV = Path(__file__).parent / "data" / "drug_name_words.csv"


@lru_cache(maxsize=1)
def _name_words() -> dict[str, frozenset[str]]:
    """Reviewed words of drug names by role (salt, form, stereo, qualifier)."""
    roles: dict[str, set[str]] = {}
    for row in read_csv_rows(NAME_WORDS_CSV):
        roles.setdefault(row["role"], set()).add(row["word"].lower())
    return {role: frozenset(words) for role, words in roles.items()}


def _words(role: str) -> frozenset[str]:
    return _name_words().get(role, frozenset())


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
    text = us_spelling(_ascii(name)).replace("'", "")  # "Ringer's" is "Ringers"
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def component_id(name: str) -> str | None:
    """One ingredient name -> its id, or None when nothing is left."""
    text = _keep_qualifiers(name)
    text = us_spelling(_ascii(text)).replace("'s ", "s ").replace("'", "")
    synonym = _synonyms().get(_name_key(text))
    if synonym:
        return synonym
    words = [w for w in re.split(r"[^a-z0-9-]+", text) if w]
    words = [
        w for w in words if w not in _words("form") and not re.fullmatch(r"\d+(mg|mcg|g|ml|%)?", w)
    ]
    # "Sterile Water for Injection": the form word gone, a dangling "for" goes too.
    while words and words[-1] in ("for", "of", "with", "in"):
        words.pop()
    if not words:
        return None
    # "levo-milnacipran", "levo milnacipran" -> "levomilnacipran"; a one-letter prefix
    # keeps its hyphen ("L-methylfolate"), and so do codes ("beta-1a", "W-135").
    stereo = _words("stereo")
    joined: list[str] = []
    for word in words:
        parts = word.split("-")
        if len(parts) > 1 and parts[0] in stereo:
            word = "".join(parts)
        if joined and joined[-1] in stereo:
            joined[-1] = joined[-1] + word
        else:
            joined.append(word)
    kept = [w for w in joined if w not in _words("salt")]
    words = kept or joined
    key = " ".join(words)
    synonym = _synonyms().get(_name_key(key))
    if synonym:
        return synonym
    return slug(key) or None


def _keep_qualifiers(name: str) -> str:
    """Parentheses out, except those that tell products apart.

    ``Minoxidil (topical)``, ``Paracetamol (Acetaminophen)``, ``(HCG)``: a route, form,
    second name or abbreviation, dropped.  ``(Inactivated)``, ``(Liposomal)``,
    ``(Group A + C + Y & W-135)``: made only of qualifier words and codes, kept.
    """

    def keep(match: re.Match[str]) -> str:
        inner = match.group(1)
        words = [w for w in re.split(r"[^A-Za-z0-9-]+", inner) if w]
        if words and all(_is_qualifier(w) for w in words):
            return f" {inner} "
        return " "

    return re.sub(r"\(([^()]*)\)?", keep, name)


def _is_qualifier(word: str) -> bool:
    """A word that tells products apart, or a code (a letter, a serotype such as W-135)."""
    low = word.lower()
    return low in _words("qualifier") or bool(re.fullmatch(r"[a-z]|[a-z]?-?\d+[a-z]?", low))


def _drop_acronym(words: list[str]) -> list[str]:
    """``Human chorionic gonadotropin hCG``: a last word spelling the initials before it."""
    if len(words) >= 3:
        initials = "".join(w[0] for w in words[:-1] if w).lower()
        if words[-1].lower() == initials[-len(words[-1]) :] and len(words[-1]) >= 2:
            return words[:-1]
    return words


def drug_id_for(name: str) -> tuple[str | None, tuple[str, ...]]:
    """A product name -> (drug_id, component ids)."""
    cleaned = _keep_qualifiers(name)
    synonym = _synonyms().get(_name_key(cleaned))
    if synonym:
        return synonym, tuple(sorted(synonym.split("+")))
    pieces: list[str] = []
    for piece in (p.strip() for p in _COMBINATION_SPLIT.split(cleaned)):
        if not piece:
            continue
        words = piece.split()
        # "Group A + C + Y & W-135", "Immune Globulin, Human": a piece of codes or
        # qualifiers only belongs to the name before it.
        if pieces and all(_is_qualifier(w) for w in re.split(r"[^A-Za-z0-9-]+", piece) if w):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(" ".join(_drop_acronym(words)))
    ids = sorted({cid for p in pieces if (cid := component_id(p))})
    # "Sodium and potassium chloride": a piece that is only a salt word is not a component.
    if not ids:
        return None, ()
    components: list[str] = []
    for cid in ids:
        components.extend(cid.split("+"))
    components = sorted(set(components))
    return "+".join(components), tuple(components)


# A Generic Name field that is a sentence ("This combination isn't sold as a single
# generic product ...") names no drug; nor does its tail after a note or a full stop.
_SENTENCE = re.compile(
    r"\b(?:is|are|isn't|aren't|was|were|be|there|this|these|it|it's|would|will|can|may"
    r"|not|which|that|does|doesn't|do|should|known|information|describes)\b",
    re.IGNORECASE,
)


def name_in_field(text: str) -> str | None:
    """The drug name a Generic Name field gives, or None when it is prose."""
    text = re.split(r"\s*\(?\b(?:note|notes|n\.b\.)\b\s*:", text, maxsplit=1, flags=re.I)[0]
    text = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])|;\s", text, maxsplit=1)[0].strip().rstrip(".")
    text = re.sub(r",?\s*\balso known as\b.*$", "", text, flags=re.IGNORECASE)
    if not text or _SENTENCE.search(re.sub(r"\([^()]*\)?", " ", text)):
        return None
    return text


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

    Rule: the title wins whenever it names a drug, since it names what the whole
    page is about (on the real site both templates title a product alike, while
    Generic Name fields vary: "Imipenem/Cilastatin" under the title "Imipenem",
    or a sentence).  The field is used only when the title names none, and then
    only when it is a name rather than prose.
    """
    title_id, title_parts = drug_id_for(title) if title else (None, ())
    field_name = name_in_field(generic_field) if generic_field else None
    field_id, field_parts = drug_id_for(field_name) if field_name else (None, ())
    display = title or field_name or generic_field
    if title_id is None and field_id is None:
        return Identity(None, display, ())
    if title_id is None:
        return Identity(
            field_id, field_name, field_parts, "title gives no drug name; used Generic Name"
        )
    if field_id is None or field_id == title_id:
        return Identity(title_id, title, title_parts)
    return Identity(
        title_id,
        title,
        title_parts,
        f"title gives {title_id!r}, Generic Name {field_id!r}: kept the title",
    )
