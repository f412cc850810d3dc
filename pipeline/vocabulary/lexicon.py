"""The effect vocabulary: HPO phenotypic abnormalities plus our reviewed overrides.

The lexicon is a table of lookup keys (normalised phrases) to concepts.  It
is built once per ontology file + curated CSVs (see :func:`lexicon_fingerprint`)
and cached as Parquet by the Dagster asset, so extraction only pays for a
dictionary lookup per phrase.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from pipeline.ingest import text
from pipeline.ingest.curated import read_csv_rows
from pipeline.vocabulary.normalise import key_variants, normalise_phrase, of_inversion
from pipeline.vocabulary.obo import PHENOTYPIC_ABNORMALITY, Ontology, Term

DATA = resources.files("pipeline.vocabulary") / "data"
OVERRIDES_CSV = "effect_overrides.csv"
ANCHORS_CSV = "body_system_anchors.csv"
EXCEPTIONS_CSV = "body_system_exceptions.csv"
ANALYTES_CSV = "analytes.csv"

_LOW_WORDS = (
    "low",
    "lower",
    "decreased",
    "reduced",
    "lowered",
    "drop in",
    "fall in",
    "decrease in",
    "reduction in",
    "abnormally low",
)
_HIGH_WORDS = (
    "high",
    "higher",
    "raised",
    "increased",
    "elevated",
    "rise in",
    "increase in",
    "elevation of",
    "elevation in",
    "abnormally high",
)

# Lower rank wins when two concepts share a key: reviewed overrides, then
# HPO names, EXACT synonyms, layperson synonyms, RELATED, then BROAD/NARROW.
RANKS = {
    "override": 0,
    "analyte": 0.5,
    "name": 1,
    "exact": 2,
    "layperson": 3,
    "related": 4,
    "broad_narrow": 5,
}
_SKIPPED_SYNONYM_TYPES = {"obsolete_synonym", "HP:0034334"}
DEFAULT_BODY_SYSTEM = "General"

LEXICON_COLUMNS = [
    "key",
    "effect_id",
    "effect_name",
    "body_system",
    "match_source",
    "rank",
    "phrase",
]


def data_path(name: str) -> Path:
    return Path(str(DATA / name))


def curated_path(name: str, data_dir: Path | None) -> Path:
    """A curated file from ``data_dir`` (tests, reviews of a change) or the package."""
    return (data_dir / name) if data_dir else data_path(name)


def lexicon_fingerprint(obo_path: Path, data_dir: Path | None = None) -> str:
    """Hash of every input of the lexicon: rebuild exactly when one changes."""
    digest = hashlib.sha256()
    digest.update(obo_path.read_bytes())
    for name in (OVERRIDES_CSV, ANCHORS_CSV, EXCEPTIONS_CSV, ANALYTES_CSV):
        path = curated_path(name, data_dir)
        digest.update(name.encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update((Path(__file__).parent / "normalise.py").read_bytes())
    digest.update(Path(text.__file__).read_bytes())
    return digest.hexdigest()[:16]


def body_systems(
    ontology: Ontology, term_ids: set[str], data_dir: Path | None = None
) -> dict[str, str]:
    """One MedDRA-style organ system per HPO term, from an ordered anchor table.

    The first anchor (in file order) that is the term or one of its ancestors
    decides; per-term exceptions override where HPO's placement is unhelpful.
    """
    anchors = read_csv_rows(curated_path(ANCHORS_CSV, data_dir))
    exceptions = {
        r["hpo_id"]: r["body_system"] for r in read_csv_rows(curated_path(EXCEPTIONS_CSV, data_dir))
    }
    order = [(r["hpo_id"], r["body_system"]) for r in anchors]
    result: dict[str, str] = {}
    for term_id in term_ids:
        if term_id in exceptions:
            result[term_id] = exceptions[term_id]
            continue
        lineage = ontology.ancestors(term_id) | {term_id}
        result[term_id] = next(
            (system for anchor, system in order if anchor in lineage), DEFAULT_BODY_SYSTEM
        )
    return result


# Keys are normalised (singular, no articles), so "level" also covers "levels".
_ANALYTE_FORMS = (
    "{w} {a}",
    "{w} {a} level",
    "{w} {a} in the blood",
    "{w} {a} level in the blood",
    "{w} level of {a}",
    "{w} level of {a} in the blood",
    "{w} serum {a}",
    "{w} serum {a} level",
    "{w} blood {a}",
    "{w} blood {a} level",
    "{w} level of serum {a}",
    "{w} level of blood {a}",
    "{w} {a} concentration",
    "{w} serum {a} concentration",
)


def analyte_phrases(data_dir: Path | None = None) -> list[tuple[str, str]]:
    """('low sodium levels', 'Hyponatremia'), ... from the analyte table."""
    out: list[tuple[str, str]] = []
    for row in read_csv_rows(curated_path(ANALYTES_CSV, data_dir)):
        for words, label in ((_LOW_WORDS, row["low_label"]), (_HIGH_WORDS, row["high_label"])):
            if not label:
                continue
            for analyte in row["analyte"].split("|"):
                for word in words:
                    for form in _ANALYTE_FORMS:
                        out.append((form.format(w=word, a=analyte.strip()), label))
    return out


def _synonym_rank(scope: str, syn_type: str | None) -> int:
    if syn_type == "layperson":
        return RANKS["layperson"]
    if scope == "EXACT":
        return RANKS["exact"]
    if scope == "RELATED":
        return RANKS["related"]
    return RANKS["broad_narrow"]


def build_lexicon(ontology: Ontology, data_dir: Path | None = None) -> pd.DataFrame:
    """All lookup keys, best concept per key, deterministic order."""
    phenotypes = ontology.descendants_of(PHENOTYPIC_ABNORMALITY) - {PHENOTYPIC_ABNORMALITY}
    terms: dict[str, Term] = {
        t: ontology.terms[t] for t in phenotypes if not ontology.terms[t].obsolete
    }
    systems = body_systems(ontology, set(terms), data_dir)
    rows: list[tuple[str, str, str, str, str, float, str]] = []
    for term in terms.values():
        system = systems[term.id]
        rows.append(
            (
                normalise_phrase(term.name),
                term.id,
                term.name,
                system,
                "name",
                RANKS["name"],
                term.name,
            )
        )
        for syn in term.synonyms:
            if syn.type in _SKIPPED_SYNONYM_TYPES:
                continue
            rank = _synonym_rank(syn.scope, syn.type)
            source = next(k for k, v in RANKS.items() if v == rank)
            rows.append(
                (normalise_phrase(syn.text), term.id, term.name, system, source, rank, syn.text)
            )
    by_label = {t.name: t.id for t in terms.values()}
    for phrase, label in analyte_phrases(data_dir):
        term_id = by_label.get(label)
        if term_id is None:
            raise ValueError(
                f"{ANALYTES_CSV}: {label!r} is not a phenotypic abnormality in the ontology"
            )
        # After reviewed overrides, before HPO's own names (rank 0.5).
        rows.append(
            (normalise_phrase(phrase), term_id, label, systems[term_id], "analyte", 0.5, phrase)
        )
    for row in read_csv_rows(curated_path(OVERRIDES_CSV, data_dir)):
        effect_id = row["effect_id"]
        if effect_id.startswith("HP:"):
            term = ontology.terms.get(effect_id)
            if term is None or term.obsolete:
                state = "obsolete in" if term is not None else "not in"
                raise ValueError(
                    f"{OVERRIDES_CSV}: {effect_id} is {state} the ontology ({row['phrase']!r})"
                )
            if row["effect_name"] and row["effect_name"] != term.name:
                raise ValueError(
                    f"{OVERRIDES_CSV}: {effect_id} is {term.name!r}, not {row['effect_name']!r} "
                    f"({row['phrase']!r})"
                )
            name = term.name
            system = row["body_system"] or systems.get(effect_id, DEFAULT_BODY_SYSTEM)
        else:
            name = row["effect_name"] or row["phrase"].lower()
            system = row["body_system"] or DEFAULT_BODY_SYSTEM
        rows.append(
            (normalise_phrase(row["phrase"]), effect_id, name, system, "override", 0, row["phrase"])
        )
    frame = pd.DataFrame(rows, columns=LEXICON_COLUMNS)
    frame = frame[frame["key"] != ""]
    frame = frame.sort_values(["key", "rank", "effect_id", "phrase"], kind="stable")
    frame = frame.drop_duplicates("key", keep="first").reset_index(drop=True)
    return frame


@dataclass(frozen=True)
class Concept:
    effect_id: str
    effect_name: str
    body_system: str
    match_source: str


class Lexicon:
    """Exact lookups on normalised keys; fuzzy only for the review table."""

    def __init__(self, frame: pd.DataFrame, data_version: str = "") -> None:
        self.frame = frame
        self.data_version = data_version
        self._lookups: dict[str, Concept | None] = {}
        self._effect_lookups: dict[str, Concept | None] = {}
        self._index: dict[str, Concept] = {
            key: Concept(eid, name, system, source)
            for key, eid, name, system, source in zip(
                frame["key"],
                frame["effect_id"],
                frame["effect_name"],
                frame["body_system"],
                frame["match_source"],
                strict=True,
            )
        }

    def __len__(self) -> int:
        return len(self._index)

    def lookup_key(self, key: str) -> Concept | None:
        concept = self._index.get(key)
        if concept is None:
            inverted = of_inversion(key)
            if inverted:
                concept = self._index.get(inverted)
        return concept

    def lookup(self, phrase: str) -> Concept | None:
        key = normalise_phrase(phrase)
        if key not in self._lookups:
            self._lookups[key] = self.lookup_key(key)
        return self._lookups[key]

    def lookup_effect(self, phrase: str) -> Concept | None:
        """An effect phrase: as :meth:`lookup`, then without qualifiers that name no other
        effect (an administration site, a split's leading "of", a trailing "symptoms"; see
        :func:`key_variants`).  Side effects use it; conditions keep the literal lookup."""
        key = normalise_phrase(phrase)
        if key not in self._effect_lookups:
            self._effect_lookups[key] = next(
                (c for v in key_variants(key) if (c := self._index.get(v)) is not None), None
            )
        return self._effect_lookups[key]

    @cached_property
    def _keys_by_stem(self) -> dict[str, tuple[str, ...]]:
        """Lookup keys by the first four letters of each of their words (longer than two)."""
        index: dict[str, list[str]] = {}
        for key in sorted(self._index):
            for stem in {w[:4] for w in key.split() if len(w) > 2}:
                index.setdefault(stem, []).append(key)
        return {stem: tuple(keys) for stem, keys in index.items()}

    # Bounds of one fuzzy search, whatever the phrase: its length and word count, and how
    # many keys are compared character by character (the ones sharing most word stems).
    FUZZY_MAX_CHARS = 120
    FUZZY_MAX_WORDS = 12
    FUZZY_POOL = 150

    def fuzzy_candidates(
        self, phrase: str, n: int = 3, cutoff: float = 0.75
    ) -> list[tuple[Concept, str, float]]:
        """Close keys, for a person to review: never used to map automatically.

        Indexed, not pairwise: only keys sharing a word stem (first four letters) with the
        phrase are considered, at most ``FUZZY_POOL`` of them (most shared stems first)
        are scored, and the phrase is cut to ``FUZZY_MAX_CHARS``, so one search costs
        about the same on a 40,000-key lexicon whatever the phrase holds.
        """
        key = normalise_phrase(phrase[: self.FUZZY_MAX_CHARS * 2])[: self.FUZZY_MAX_CHARS]
        stems = list(dict.fromkeys(w[:4] for w in key.split() if len(w) > 2))
        shared: Counter[str] = Counter()
        for stem in stems[: self.FUZZY_MAX_WORDS]:
            shared.update(self._keys_by_stem.get(stem, ()))
        if not shared:
            return []
        pool = sorted(shared, key=lambda k: (-shared[k], abs(len(k) - len(key)), k))
        scored = []
        matcher = difflib.SequenceMatcher(None, b=key)
        for candidate in pool[: self.FUZZY_POOL]:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((ratio, candidate))
        scored.sort(key=lambda rc: (-rc[0], rc[1]))
        return [(self._index[c], c, round(r, 3)) for r, c in scored[:n]]
