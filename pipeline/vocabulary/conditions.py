"""The condition vocabulary: ICD-10-CM (CMS tabular list) plus reviewed lay names.

Indications are anchored on a maintained, versioned disease terminology as side
effects are anchored on HPO.  ``simple-icd-10-cm`` (pinned) ships the official
CMS tabular XML (``icd10c-tabular-April-1-2026.xml``); it is read here directly,
so nothing is downloaded at run time.  Each code gives lookup keys from its
title and its inclusion terms, in the ICD conventions: a parenthesis holds
nonessential modifiers (``Essential (primary) hypertension`` is also
``essential hypertension``), ``NOS`` means "not otherwise specified", and what
follows a comma, ``with`` or ``without`` qualifies the head (``Major depressive
disorder, single episode, unspecified`` is a kind of ``major depressive
disorder``).  Lay names the terminology lacks ("heart attack", "high
cholesterol") and concepts it has no code for are reviewed rows of
``data/condition_overrides.csv``.

Keys are normalised with :func:`normalise_phrase`, the normaliser of the HPO
lexicon, so both vocabularies agree on spelling, plurals and punctuation.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import unicodedata
import xml.etree.ElementTree as ET
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.ingest.curated import read_csv_rows
from pipeline.ingest.text import slug
from pipeline.vocabulary.cache import write_cache
from pipeline.vocabulary.lexicon import curated_path
from pipeline.vocabulary.normalise import normalise_phrase, of_inversion

CONDITION_OVERRIDES_CSV = "condition_overrides.csv"
ICD_PACKAGE = "simple_icd_10_cm"
ICD_TABULAR = "icd10c-tabular-April-1-2026.xml"
# The release the bundled file is: the CMS ICD-10-CM tabular list effective April 1, 2026.
ICD10CM_VERSION = "ICD-10-CM 2026 (CMS tabular list, April 1, 2026; simple-icd-10-cm 1.5.0)"
LOCAL_PREFIX = "local:"

CONDITION_COLUMNS = ["key", "condition_id", "label", "match_source", "rank"]

# Codes that name no condition a drug is used for: external causes (V-Y) and poisoning or
# toxic effects of substances (T36-T65), whose titles are drug and chemical names.
_EXCLUDED_CODES = re.compile(r"^(?:[VWXY]|T3[6-9]|T[45]\d|T6[0-5])")
# Notes that are instructions, not names.
_NOT_A_NAME = re.compile(
    r"\b(?:any condition|classifiable to|classified (?:to|elsewhere)|code|codes|categor(?:y|ies)"
    r"|see\b|use additional|conditions in)\b",
    re.IGNORECASE,
)
# Qualifiers after a comma or 'with' that ICD adds to a head name.
_CUT = re.compile(r",|\s+(?:with|without|due to|in diseases classified elsewhere)\s+", re.I)
_CODE_REF = re.compile(r"\s*\((?:[A-Z]\d[\w.-]*(?:\s*[-,]\s*[A-Z]?\d?[\w.-]*)*)\)")
_MODIFIERS = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")

# Rank: lower wins when two concepts share a key.
RANKS = {"override": 0, "title": 1, "inclusion": 2}


@dataclass(frozen=True)
class ConditionConcept:
    condition_id: str  # an ICD-10-CM code, or local:<slug>
    label: str  # the terminology's title of the code (or the local concept's name)
    match_source: str  # override, title, inclusion (+ '_head' when a qualifier was cut)


def tabular_path() -> Path:
    """The bundled XML, located without importing the package (its import parses the
    whole list itself, a few seconds we do not need)."""
    spec = importlib.util.find_spec(ICD_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{ICD_PACKAGE} is not installed: run `uv sync`")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / ICD_TABULAR


def condition_key(text: str) -> str:
    """The lookup key: the HPO lexicon's normalisation, after folding accents
    ("Ménière's disease" and "Meniere's disease" agree)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return normalise_phrase("".join(c for c in decomposed if not unicodedata.combining(c)))


def _clean(text: str) -> str:
    text = _CODE_REF.sub("", text)
    text = re.sub(r"\bNOS\b", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:-")


def name_variants(text: str) -> list[tuple[str, int]]:
    """One ICD name -> (variant, penalty): the name without its nonessential modifiers
    (penalty 0), the head before a qualifier (1), and the condition after 'with' (2)."""
    text = _clean(text)
    if not text or _NOT_A_NAME.search(text):
        return []
    plain = re.sub(r"\s+", " ", _MODIFIERS.sub("", text)).strip(" ,")
    out: list[tuple[str, int]] = []
    for variant in (text, plain):
        if variant and (variant, 0) not in out:
            out.append((variant, 0))
    # "Acute nasopharyngitis [common cold]": a bracket holds a synonym.
    for synonym in re.findall(r"\[([^\[\]]{3,60})\]", text):
        out.append((synonym, 0))
    head = _CUT.split(plain, maxsplit=1)[0].strip()
    if head and head != plain and len(head.split()) >= 1:
        out.append((head, 1))
    with_part = re.search(r"\swith\s+(.+)$", plain, re.I)
    if with_part:
        tail = _CUT.split(with_part.group(1), maxsplit=1)[0].strip()
        if (
            len(tail.split()) >= 2
            and not re.search(r"\b(?:other|unspecified|complication)", tail)
            and not re.match(r"(?:the|a|an)\s", tail, re.I)  # "contact with the skin"
        ):
            out.append((tail, 2))
    for variant, penalty in list(out):
        # "Unspecified atrial fibrillation": the unqualified name.
        bare = re.sub(r"^(?:unspecified|other specified|other)\s+", "", variant, flags=re.I)
        if bare != variant and len(bare.split()) >= 2:
            out.append((bare, penalty + 1))
        # "Malignant neoplasm of breast": the lay name is "breast cancer".
        site = re.fullmatch(r"malignant neoplasm of (?:the )?(.+)", variant, re.I)
        if site and len(site.group(1).split()) <= 3:
            out.append((f"{site.group(1)} cancer", penalty + 1))
    for variant, penalty in list(out):
        # "Chronic kidney disease", "Adult osteomalacia": the name without its first
        # qualifier is the condition in general.
        general = re.sub(
            r"^(?:acute|chronic|adult|primary|secondary|juvenile|idiopathic|essential)\s+",
            "",
            variant,
            flags=re.I,
        )
        if general != variant:
            out.append((general, penalty + 2))
        # "Sprain of ankle", "Fracture of femur": a one-word head names the kind.
        kind = re.fullmatch(r"([a-z]+) of .+", variant, re.I)
        if kind and penalty == 0:
            out.append((kind.group(1), 3))
    for variant, penalty in list(out):
        if "-" in variant:
            # "Gastro-esophageal" is written "gastroesophageal" too.
            out.append((variant.replace("-", ""), penalty))
    pair = re.fullmatch(r"([a-z]+) and ([a-z]+)", head, re.I)
    if pair:
        # "Neuralgia and neuritis, unspecified": the title stands for each.
        out += [(pair.group(1), 2), (pair.group(2), 2)]
    return out


def _kept(code: str) -> bool:
    """Categories and subcategories down to one decimal place and a half: the finer codes
    add laterality, encounter and episode ("of right ankle, initial encounter"), never a
    condition name of their own, and are three quarters of the list."""
    digits = code.replace(".", "")
    return len(digits) <= (4 if code[0] in "ST" else 6)


def read_tabular(path: Path | None = None) -> list[tuple[str, str, list[str], int]]:
    """(code, title, inclusion terms, depth) for every code of the tabular list."""
    tree = ET.parse(path or tabular_path())
    out: list[tuple[str, str, list[str], int]] = []

    def visit(node: ET.Element, depth: int) -> None:
        for diag in node.findall("diag"):
            code = (diag.findtext("name") or "").strip()
            title = (diag.findtext("desc") or "").strip()
            terms = [
                (note.text or "").strip()
                for tag in ("inclusionTerm", "includes")
                for holder in diag.findall(tag)
                for note in holder.findall("note")
            ]
            if code and not _EXCLUDED_CODES.match(code):
                out.append((code, title, terms if _kept(code) else [], depth))
            visit(diag, depth + 1)

    root = tree.getroot()
    for chapter in root.findall("chapter"):
        for section in chapter.findall("section"):
            visit(section, 0)
    return out


def read_overrides(data_dir: Path | None = None) -> list[dict[str, str]]:
    return read_csv_rows(curated_path(CONDITION_OVERRIDES_CSV, data_dir))


def build_condition_frame(
    tabular: Path | None = None, data_dir: Path | None = None
) -> pd.DataFrame:
    """Every lookup key with its best concept (override, then title, then inclusion term;
    then the smallest penalty, the most general code, the code order)."""
    best: dict[str, tuple[tuple[float, ...], str, str, str]] = {}
    labels: dict[str, str] = {}

    def offer(key: str, rank: tuple[float, ...], code: str, label: str, source: str) -> None:
        if key and (key not in best or rank < best[key][0]):
            best[key] = (rank, code, label, source)

    for code, title, terms, depth in read_tabular(tabular):
        labels[code] = title
        if not _kept(code):
            continue  # a valid target of an override, but no keys of its own
        for source, names in (("title", [title]), ("inclusion", terms)):
            for name in names:
                for variant, penalty in name_variants(name):
                    match = source if penalty == 0 else f"{source}_head"
                    rank = (RANKS[source] + penalty * 2, depth, len(code))
                    offer(condition_key(variant), (*rank, 0), code, title, match)
    for row in read_overrides(data_dir):
        concept = row["condition_id"]
        if not concept.startswith(LOCAL_PREFIX) and concept not in labels:
            raise ValueError(
                f"{CONDITION_OVERRIDES_CSV}: {concept!r} (for {row['phrase']!r}) is no ICD-10-CM code"
            )
        if concept.startswith(LOCAL_PREFIX) and concept != LOCAL_PREFIX + slug(concept[6:]):
            raise ValueError(f"{CONDITION_OVERRIDES_CSV}: {concept!r} is not local:<slug>")
        label = labels.get(concept) or row.get("name") or concept[len(LOCAL_PREFIX) :]
        offer(condition_key(row["phrase"]), (RANKS["override"],), concept, label, "override")
    rows = [
        (key, code, label, source, float(rank[0]))
        for key, (rank, code, label, source) in sorted(best.items())
    ]
    return pd.DataFrame(rows, columns=CONDITION_COLUMNS)


class ConditionVocabulary:
    """Exact lookups on normalised keys, and the span of a phrase that names a concept."""

    def __init__(self, frame: pd.DataFrame, version: str = ICD10CM_VERSION) -> None:
        self.frame = frame
        self.version = version
        self._index: dict[str, ConditionConcept] = {
            key: ConditionConcept(cid, label, source)
            for key, cid, label, source in zip(
                frame["key"],
                frame["condition_id"],
                frame["label"],
                frame["match_source"],
                strict=True,
            )
        }

    def __len__(self) -> int:
        return len(self._index)

    def lookup(self, phrase: str) -> ConditionConcept | None:
        key = condition_key(phrase)
        concept = self._index.get(key)
        if concept is None and (inverted := of_inversion(key)):
            concept = self._index.get(inverted)  # "disease of the inner ear"
        if concept is None and re.search(r"\b(?:disorder|disease)$", key):
            # "peripheral vascular disorders" is "peripheral vascular disease": leaflets use
            # the two head nouns for one another.
            other = re.sub(
                r"(disorder|disease)$",
                lambda m: {"disorder": "disease"}.get(m.group(1), "disorder"),
                key,
            )
            concept = self._index.get(other)
        return concept

    @property
    def words(self) -> frozenset[str]:
        return _words_of(self)


@lru_cache(maxsize=4)
def _words_of(vocabulary: ConditionVocabulary) -> frozenset[str]:
    return frozenset(w for key in vocabulary._index for w in key.split())


def condition_fingerprint(tabular: Path | None = None, data_dir: Path | None = None) -> str:
    digest = hashlib.sha256()
    digest.update((tabular or tabular_path()).read_bytes())
    digest.update(curated_path(CONDITION_OVERRIDES_CSV, data_dir).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def load_condition_vocabulary(
    cache_dir: Path | None, tabular: Path | None = None, data_dir: Path | None = None
) -> ConditionVocabulary:
    """The vocabulary, from a Parquet cache keyed by the fingerprint of its inputs (reading
    the 10 MB tabular XML takes a few seconds; the cache a fraction of one)."""
    if cache_dir is None:
        return _remember(ConditionVocabulary(build_condition_frame(tabular, data_dir)))
    fingerprint = condition_fingerprint(tabular, data_dir)
    cache_file = cache_dir / f"conditions-{fingerprint}.parquet"
    if cache_file.exists():
        try:
            table = pq.read_table(cache_file)
            version = (table.schema.metadata or {}).get(b"icd10cm_version", b"").decode()
            return _remember(ConditionVocabulary(table.to_pandas(), version or ICD10CM_VERSION))
        except (OSError, pa.ArrowException):
            cache_file.unlink(missing_ok=True)  # a damaged cache is rebuilt
    frame = build_condition_frame(tabular, data_dir)
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        {"icd10cm_version": ICD10CM_VERSION, "fingerprint": fingerprint}
    )
    with suppress(OSError):  # a cache that cannot be written only costs a rebuild next time
        write_cache(table, cache_dir, cache_file, "conditions")
    return _remember(ConditionVocabulary(frame, ICD10CM_VERSION))


_LOADED: list[ConditionVocabulary] = []


def default_condition_vocabulary() -> ConditionVocabulary:
    """The vocabulary last loaded in this process (the run's, from its cache), else the
    packaged one built once: for readers that are handed no vocabulary."""
    if not _LOADED:
        _LOADED.append(ConditionVocabulary(build_condition_frame()))
    return _LOADED[-1]


def _remember(vocabulary: ConditionVocabulary) -> ConditionVocabulary:
    _LOADED[:] = [vocabulary]
    return vocabulary
