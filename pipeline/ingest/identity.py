"""Drug identity: titles and Generic Name fields -> drug_id (output contract, 'drugs').

Never from file names.  The id is the active moiety as an ASCII slug: salt,
ester, hydrate and dosage-form words dropped when a drug word remains (a name of
ions and ester parts only, ``Zinc Oxide``, ``Methyl Salicylate``, is a compound and
stays whole), stereo prefixes written apart joined back (``levo-milnacipran``),
British and old spellings folded, and combinations as sorted components joined by
``+``.  A name is the page's own: another name of the same drug (``Acetaminophen``)
is not replaced, since a reader of the page writes the name it gives; the synonym
table only tells a second name in the same title (``Lidocaine/Lignocaine``) from a
second component.
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


def word_role(word: str) -> str | None:
    """The role the reviewed word list gives a word (salt, form, ...), or None."""
    return next((role for role, words in _name_words().items() if word in words), None)


_COMBINATION_SPLIT = re.compile(r"\s*(?:\+|/|&|\band\b|\bwith\b|,)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    drug_id: str | None
    generic_name: str | None
    components: tuple[str, ...]
    note: str | None = None


@lru_cache(maxsize=1)
def _synonym_rows() -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (_name_key(r["name"]), r["drug_id"], r["kind"]) for r in read_csv_rows(SYNONYMS_CSV)
    )


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    """Spellings and combination names: folded wherever they stand."""
    return {key: drug for key, drug, kind in _synonym_rows() if kind != "name"}


@lru_cache(maxsize=1)
def _other_names() -> dict[str, str]:
    """Every reviewed name -> its drug, for telling a renaming within one title only."""
    return {key: drug for key, drug, _ in _synonym_rows()}


def _same_drug(first: str, second: str) -> bool:
    """``Lidocaine`` / ``Lignocaine``: two names the synonym table gives one drug, or ``T4``."""
    if re.fullmatch(r"[A-Z][A-Z0-9]{0,4}", second.strip()) and second.strip().lower() != "b":
        return True  # "Levothyroxine/ T4", "Insulin Isophane/NPH": an abbreviation
    names = _other_names()
    a, b = _name_key(first), _name_key(second)
    if a not in names and b not in names:
        return False
    return (names.get(a) or component_id(first)) == (names.get(b) or component_id(second))


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
    words = _drop_salts(joined)
    key = " ".join(words)
    synonym = _synonyms().get(_name_key(key))
    if synonym:
        return synonym
    return slug(key) or None


def _drop_salts(words: list[str]) -> list[str]:
    """Salt, ester and hydrate words out, unless the name is a compound of them.

    Hydrates go whenever another word remains.  Salt words go when a word that is
    not a salt, mineral or alkyl word remains: ``rosuvastatin calcium`` is rosuvastatin,
    while ``sodium chloride``, ``zinc oxide``, ``methyl salicylate`` are compounds made
    only of such words and stay whole (contract: a name made only of salt words).
    """
    words = [w for w in words if w not in _words("hydrate")] or words
    kept = [w for w in words if w not in _words("salt")]
    compound_part = _words("salt") | _words("mineral") | _words("alkyl")
    # An isotope or code ("Sodium Fluoride F18") is no drug word of its own.
    if all(w in compound_part or re.fullmatch(r"[a-z]{0,2}\d+[a-z]?", w) for w in kept):
        return words
    return kept


# A parenthesis the site lost when it built a title: "Docosahexanoic acidDHA" was
# "Docosahexanoic acid (DHA)", "Hydroxyethyl StarchHES" "Hydroxyethyl Starch (HES)", and
# "ThiamineVitamin B" "Thiamine (Vitamin B1)": an acronym, or a capitalised word and a
# letter code, glued to the end of a lower-case word.  Short prefixes ("rDNA", "mRNA",
# "hCG", "nCoV") and one capital ("OnabotulinumtoxinA") are names, not glued parentheses.
_GLUED = re.compile(r"(?<=[a-z]{3})(?:[A-Z]{2,5}\b|[A-Z][a-z]+ [A-Z](?=\s*(?:$|[+/,&])))")


def _unglue(name: str) -> str:
    return _GLUED.sub("", name)


def _drop_renamings(name: str) -> str:
    """``Lidocaine/Lignocaine``, ``Clioquinol Iodochlorhydroxyquin``: the second name goes.

    A slash between two names of one drug (reviewed in the synonym table, or an
    abbreviation such as ``T4``) renames, it does not add a component; so does a
    second name written straight after the first.  The id keeps the page's first name.
    """
    pieces = re.split(r"(\s*(?:\+|&|\band\b|\bwith\b|,)\s*)", name, flags=re.IGNORECASE)
    out: list[str] = []
    for piece in pieces:
        if "/" in piece:
            names = [n for n in piece.split("/") if n.strip()]
            kept = names[:1]
            for other in names[1:]:
                if not _same_drug(kept[0], other):
                    kept.append(other)
            piece = "/".join(kept)
        else:
            words = piece.split()
            for cut in range(1, len(words)):
                left, right = " ".join(words[:cut]), " ".join(words[cut:])
                if _name_key(right) in _other_names() and _same_drug(left, right):
                    piece = left
                    break
        out.append(piece)
    return "".join(out)


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
        # "(Live/Bivalent/Oral)": qualifiers and a route; the qualifiers stay.
        qualifiers = [w for w in words if _is_qualifier(w) and not w.isdigit()]
        if qualifiers and all(_is_qualifier(w) or w.lower() in _words("form") for w in words):
            return " " + " ".join(qualifiers) + " "
        return " "

    # Square brackets are parentheses too: "Rifampicin [Rifampin]".
    return re.sub(r"[(\[]([^()\[\]]*)[)\]]?", keep, name)


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
    cleaned = _drop_renamings(_keep_qualifiers(_unglue(name)))
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
