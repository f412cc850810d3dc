"""Which kind of section a heading or bold label introduces.

Sites word their headings differently ("Side Effects", "Adverse reactions",
"Dosage and Administration", "How to take"), so kinds are recognised by
patterns rather than exact titles.  ``None`` means "not a section name":
such a heading becomes a sub-section of whatever encloses it.
"""

from __future__ import annotations

import re

# Order matters: the first pattern that matches wins.
_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("generic_name", re.compile(r"^(generic|drug|medicine)\s+names?$|^generic\b")),
    ("faq", re.compile(r"\bfaqs?\b|frequently asked|^questions?$|common questions")),
    ("disclaimer", re.compile(r"^(disclaimer|note|notes|important note|references?|sources?)$")),
    ("overdose", re.compile(r"^overdos(e|age)\b|^overdose")),
    ("withdrawal", re.compile(r"^(withdrawal|discontinuation)( symptoms| syndrome)?$")),
    (
        "side_effects",
        re.compile(r"side[\s-]?effects?|adverse (effects?|reactions?|events?)|undesirable effects"),
    ),
    (
        "dosage",
        re.compile(
            r"^(dosage|dosing|doses?|posology|administration|how to (take|use))\b"
            r"|\bdosage\b|\bdosing\b"
        ),
    ),
    (
        "usage",
        re.compile(
            r"^(usage|uses?|indications?|what (is it|it is) used for|used for)\b"
            r"|^what is [\w -]+$|^about\b|^overview$|^description$|^therapeutic indications?$"
        ),
    ),
    ("mechanism", re.compile(r"how (it|does it|the drug|this medicine) works?|mechanism")),
    (
        "precautions",
        re.compile(
            r"^(precautions?|warnings?|contraindications?|interactions?|drug interactions"
            r"|pregnancy|breast[- ]?feeding|storage|special populations?)\b"
        ),
    ),
]

# Kinds a bold label may open at the top level of the page (a label such as
# "**Serious side effects, though less common, include:**" stays inside the
# side-effects section because its kind is the same as the enclosing one).
TOP_LEVEL_KINDS = frozenset(k for k, _ in _KIND_PATTERNS)


def normalise_heading(title: str) -> str:
    text = title.strip().strip(":?").strip().lower()
    text = re.sub(r"[*_`#]", "", text)
    return re.sub(r"\s+", " ", text)


def classify_heading(title: str) -> str | None:
    text = normalise_heading(title)
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def is_section_name(label: str) -> bool:
    """A bold label short enough to be a section name rather than a sub-heading.

    "Usage", "Side Effects", "How it Works" are; "Serious side effects, though
    less common, include" is a lead-in even though it mentions side effects.
    """
    text = normalise_heading(label)
    kind = classify_heading(text)
    if kind is None:
        return False
    # "Side Effects (Potential, based on individual ingredients)": the parenthesis qualifies
    # the section name, it does not make the label a sentence.
    text = re.sub(r"\s*\([^()]*\)?", "", text).strip() or text
    return len(text.split()) <= 4 and "," not in text
