"""Bold item labels that name no effect: frequency or seriousness groups, notes, components.

Pages group effects under labels (``* **Common:** Nausea, vomiting``,
``* **Less common but serious side effects:** ...``) and, on combination
products, under each component (``* **Ofloxacin:** Nausea, ...``).  Such a
label is not an effect (output contract, 'What counts as a side effect'):
the phrases after it are, with the label's cues.  A ``Note:`` item is a
remark and gives nothing.  The words are data (``data/item_labels.csv``);
this module keeps the grammar.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pipeline.ingest.document import ListBlock
from pipeline.ingest.pages import Page
from pipeline.vocabulary.lexicon import read_csv_rows

ITEM_LABELS_CSV = Path(__file__).parent / "data" / "item_labels.csv"

CUE = "cue"
NOTE = "note"
COMPONENT = "component"


@lru_cache(maxsize=1)
def _words() -> dict[str, str]:
    return {r["word"].strip().lower(): r["role"].strip() for r in read_csv_rows(ITEM_LABELS_CSV)}


def _label_words(label: str) -> list[str]:
    # Parentheses hold numbers or sources ("(>10%)", "(<1%, post-marketing)"): the cue
    # module reads them from the label itself; they do not make it name an effect.
    text = re.sub(r"\([^()]*\)?", " ", label.lower())
    text = re.sub(r"[^a-z-]+", " ", text)
    return [w for w in text.split() if w and w != "-"]


def is_note_label(label: str) -> bool:
    """``Note``, ``Important note``, ``Disclaimer``: a remark, not a list of effects."""
    text = " ".join(_label_words(label))
    return _words().get(text) == NOTE


def is_remark(text: str) -> bool:
    """A body part alone, or a remark ("generally well tolerated", "drug interactions")."""
    words = _label_words(text)
    key = " ".join(words)
    if words and all(
        _words().get(w) == "body_part" for w in words if w not in ("and", "or", "the")
    ):
        return True
    return _words().get(key) == "remark" or bool(_REMARK.search(key))


# Remarks that pages put among effects.
_REMARK = re.compile(
    r"\bwell[- ]tolerated\b|\brequires? (?:immediate )?medical attention\b|^in rare cases$"
    r"|\binteractions? with (?:other )?(?:medications|medicines|drugs)\b|^drug interactions$"
)


def is_cue_label(label: str) -> bool:
    """A label made only of frequency/seriousness words and glue, with at least one cue word.

    ``Common``, ``Less common but serious``, ``Common side effects (1-10%)``,
    ``Rare but serious side effects``; not ``Serious skin reactions`` (names a kind
    of effect) and not ``Side effects`` alone (no cue: it is a section name).
    """
    words = _label_words(label)
    roles = [_words().get(w) for w in words]
    return bool(words) and all(r in (CUE, "glue") for r in roles) and CUE in roles


def is_group_label(label: str) -> bool:
    """Cue labels and bare group words (``Other``, ``Other side effects``) name no effect."""
    words = _label_words(label)
    return bool(words) and all(_words().get(w) in (CUE, "glue") for w in words)


def name_key(text: str) -> str:
    """Comparable form of a drug name: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# "Amoxicillin + Clavulanic Acid", "Amlodipine/Benazepril", "A, B and C": a title's components.
_COMPONENT_SPLIT = re.compile(r"\s*(?:\+|/|&|,|\band\b|\bwith\b)\s*", re.IGNORECASE)


def component_keys(page: Page) -> frozenset[str]:
    """Name keys of a combination product's components, from its title and drug_id.

    A single-ingredient page has none: an item named after its only drug is not
    a grouping label there.
    """
    keys: set[str] = set()
    if page.title:
        title = re.sub(r"\([^()]*\)?", " ", page.title)
        pieces = [p for p in _COMPONENT_SPLIT.split(title) if p.strip()]
        if len(pieces) > 1:
            keys.update(name_key(p) for p in pieces)
    if page.drug_id and "+" in page.drug_id:
        keys.update(name_key(c) for c in page.drug_id.split("+"))
    keys.discard("")
    if keys and page.root is not None:
        # "Nicotinamide (Niacinamide):" names the same component under a second name.
        for _, block in page.root.walk():
            if isinstance(block, ListBlock):
                for item in block.items:
                    if item.label and "(" in item.label and names_component(item.label, keys):
                        keys.update(name_key(m) for m in re.findall(r"\(([^()]+)\)", item.label))
    return frozenset(keys)


def names_component(label: str, components: frozenset[str]) -> bool:
    """The label is one of the components (a parenthesis may rename it: "Nicotinamide (Niacinamide)";
    "From" may lead it: "From Diclofenac").

    Spacing and hyphens do not count ("L-Methylfolate" is "L-Methyl Folate"), and a
    label may name a component without its salt ("Calcium" for "Calcium Carbonate").
    """
    if not components:
        return False
    # "From Atenolol:", "Due to chlorthalidone:": the component the effects come from.
    label = re.sub(r"^\s*(?:from|due to|caused by|with)\s+", "", label, flags=re.IGNORECASE)
    main = name_key(re.sub(r"\([^()]*\)?", " ", label))
    inner = [name_key(m) for m in re.findall(r"\(([^()]+)\)", label)]
    squeezed = {c.replace(" ", "") for c in components}
    for key in (main, *inner):
        if not key:
            continue
        if key in components or key.replace(" ", "") in squeezed:
            return True
        if any(c.startswith(key + " ") for c in components):
            return True
        # "Vitamin D3" for "Vitamin D", "Irbesartan related", "Pyridoxal 5 phosphate": the
        # component's name, then a number or a few words that only qualify it.
        if any(_qualified_component(key, c) for c in components):
            return True
    return False


_COMPONENT_QUALIFIER = re.compile(
    r"^(?:\d+[a-z]?\b|related\b|specific\b|side effects?\b|effects?\b|component\b|alone\b"
    r"|\d+\s+phosphate\b|phosphate\b|high doses?\b)"
)


def _qualified_component(key: str, component: str) -> bool:
    if not key.startswith(component) or key == component:
        return False
    rest = key[len(component) :]
    if not (rest[0].isdigit() or rest[0] == " "):
        return False
    return bool(_COMPONENT_QUALIFIER.match(rest.strip()))
