"""Text folding every stage agrees on: case, Unicode, dashes, British spellings, slugs.

The lowest stage holds it because drug identity (ingest) and the effect
lexicon (vocabulary) must fold names the same way.
"""

from __future__ import annotations

import re
import unicodedata

# British -> US spellings seen in drug leaflets; applied to whole words or word stems.
_SPELLING_STEMS: list[tuple[str, str]] = [
    ("oesophag", "esophag"),
    ("oedema", "edema"),
    ("oestrogen", "estrogen"),
    ("haemorrhag", "hemorrhag"),
    ("haemat", "hemat"),
    ("haemo", "hemo"),
    ("haem", "hem"),
    ("anaemi", "anemi"),
    ("anaesthe", "anesthe"),
    ("leukaemi", "leukemi"),
    ("glycaemi", "glycemi"),
    ("kalaemi", "kalemi"),
    ("natraemi", "natremi"),
    ("lipidaemi", "lipidemi"),
    ("uricaemi", "uricemi"),
    ("diarrhoea", "diarrhea"),
    ("dyspnoea", "dyspnea"),
    ("apnoea", "apnea"),
    ("amenorrhoea", "amenorrhea"),
    ("gonorrhoea", "gonorrhea"),
    ("faec", "fec"),
    ("foet", "fet"),
    ("paediatr", "pediatr"),
    ("behaviour", "behavior"),
    ("tumour", "tumor"),
    ("colour", "color"),
    ("sulph", "sulf"),
    ("aluminium", "aluminum"),
    # General British endings, after the whole words above: paraesthesia, hyperaesthesia,
    # septicaemia, uraemia, ischaemia, rhinorrhoea, steatorrhoea, coeliac.
    ("aesthe", "esthe"),
    ("aemi", "emi"),
    ("ischaem", "ischem"),
    ("oea", "ea"),
    ("coeliac", "celiac"),
    ("aetiolog", "etiolog"),
    ("odour", "odor"),
    ("fibre", "fiber"),
]
_IZE = re.compile(r"\b(\w{3,})is(e|ed|es|ing|ation)\b")
_IZE_EXCEPTIONS = frozenset(
    {
        "exercise",
        "advise",
        "supervise",
        "revise",
        "surprise",
        "comprise",
        "bruise",
        "bruised",
        "bruises",
        "bruising",
        "praise",
        "promise",
        "precise",
        "concise",
        "devise",
        "noise",
        "otherwise",
        "expertise",
        "enterprise",
        "compromise",
        "premise",
        "incise",
        "excise",
        "circumcise",
        "paradise",
        "disguise",
        "exercised",
        "exercising",
        "advised",
        "supervised",
        "raised",
        "raising",
        "arise",
        "arising",
        "arises",
        "poise",
        "poised",
        "reprise",
    }
)


def fold(text: str) -> str:
    """Unicode- and case-fold, unify dashes and quotes."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return text.lower()


def us_spelling(text: str) -> str:
    for british, american in _SPELLING_STEMS:
        text = text.replace(british, american)

    def _ize(match: re.Match[str]) -> str:
        if match.group(0) in _IZE_EXCEPTIONS:
            return match.group(0)
        return f"{match.group(1)}iz{match.group(2)}"

    return _IZE.sub(_ize, text)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
