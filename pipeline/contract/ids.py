"""The shape of effect ids (output-contract.md): ``HP:nnnnnnn`` or ``local:<slug>``.

A local slug may be in any script (``local:головная-боль``, ``local:头痛``): lower-case
letters, digits and their combining marks, words joined by single ``-``; or ``h-`` and
12 hex digits when the phrase had no letter or digit (see ``ingest.text.concept_slug``).
"""

from __future__ import annotations

import re
import unicodedata

_HPO_ID = re.compile(r"HP:\d{7}")


def is_local_slug(text: str) -> bool:
    if not text or text.startswith("-") or text.endswith("-") or "--" in text:
        return False
    for ch in text:
        if ch == "-":
            continue
        if unicodedata.category(ch)[0] not in "LNM" or ch != ch.lower():
            return False
    return True


def is_effect_id(value: object) -> bool:
    """``HP:nnnnnnn``, or ``local:<slug>`` with a slug as above."""
    if not isinstance(value, str):
        return False
    if value.startswith("local:"):
        return is_local_slug(value[len("local:") :])
    return _HPO_ID.fullmatch(value) is not None
