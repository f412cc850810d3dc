"""Indications of one page: conditions the drug is used for, or said not to be for.

Reads the page's usage sections: list items (each names a condition, with
an optional explanation) and sentences with a use trigger ("used to treat",
"approved for", "in people with", ...).  Negated triggers ("not approved
for", "does not work against", ...) give ``not_indicated``.  Abbreviations
are expanded from the page's own "Long name (ABBR)" pairs, then from a
curated table.

Sentences name many things besides conditions ("lowers blood sugar",
"reduces the risk of death"), so a phrase taken from prose must look like a
condition: a term the effect vocabulary knows (HPO covers most diseases and
phenotypes) or a phrase with a disease word (disorder, syndrome, -itis, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.contract.vocabularies import IndicationStatus
from pipeline.extract.conditions import anchor_condition
from pipeline.extract.phrases import (
    mask_parens,
    parenthesis,
    split_outside_parens,
    strip_filler,
    strip_modifiers,
    top_level_split,
)
from pipeline.extract.populations import population_of
from pipeline.extract.word_endings import WordEndPatterns
from pipeline.ingest.curated import alternation, curated_column, curated_pairs, read_csv_rows
from pipeline.ingest.document import ListBlock, ListItem, Paragraph
from pipeline.ingest.pages import Page
from pipeline.ingest.text import bounded_pieces, fold, slug
from pipeline.vocabulary.conditions import (
    LOCAL_PREFIX,
    ConditionVocabulary,
    default_condition_vocabulary,
)
from pipeline.vocabulary.lexicon import Lexicon

DATA = Path(__file__).parent / "data"
ABBREVIATIONS_CSV = DATA / "abbreviations.csv"


_NEGATED = re.compile(
    # "not typically used for acute asthma attacks": a hedged "not used for" is one too.
    r"\b(?:is |are )?(?:not|never)\s+(?:be\s+)?(?:(?:typically|usually|generally|commonly|routinely|normally"
    r"|currently|widely|officially|primarily|specifically)\s+)?"
    r"(?:approved|used|recommended|indicated|meant|intended|effective|licensed|suitable|appropriate)"
    r"(?:\s+only)?\s+(?:for\s+(?:the\s+)?(?:treatment|treating|management|prevention)\s+of|for\s+treating|for"
    r"|to\s+(?:treat|stop|relieve|cure|abort|end|correct|reverse|prevent)|in|against|as a treatment for)\b"
    r"|\b(?:should|must|may)\s+not\s+be\s+used\s+(?:to\s+treat|for|in)\b"
    r"|\bdoes\s+not\s+(?:work\s+(?:against|for|on)|protect\s+against|treat|relieve|cure|prevent)\b"
    r"|\bdo\s+not\s+(?:work\s+(?:against|for|on)|protect\s+against|treat|relieve|cure|prevent)\b"
    r"|\bis\s+not\s+(?:a\s+)?(?:treatment|cure)\s+for\b"
    r"|\bwill\s+not\s+(?:work\s+(?:against|for)|treat|cure)\b"
    r"|\bha(?:s|ve)\s+not\s+been\s+(?:studied|shown to work|approved)\s+(?:in|for|against)\b"
    # "has not been shown to lower the risk of heart attack": no claim, so no indication.
    r"|\bha(?:s|ve)\s+not\s+been\s+shown\s+to\s+(?:lower|reduce|prevent|treat|improve)(?:\s+the\s+(?:risk|chance)\s+of)?\b"
    r"|\bnot\s+for\s+(?:use\s+in|the\s+treatment\s+of|treating)?\b",
    re.IGNORECASE,
)
_TRIGGER = re.compile(
    # "used topically to treat", "used primarily for": an adverb between says how, not what.
    r"\b(?:used\s+(?:[a-z]+ly\s+){0,2}(?:alone\s+or\s+(?:together\s+)?with\s+other\s+(?:medicines|drugs)\s+)?"
    r"(?:to\s+(?:treat|control|manage|prevent|relieve|heal)"
    # "used for the symptomatic treatment of", "for the short-term management of"
    r"|for(?:\s+the\s+(?:[\w-]+\s+)?(?:treatment|management|prevention|relief)\s+of"
    # "used for active immunization against rubella": what follows "against" is the condition.
    r"|\s+(?:active\s+|passive\s+|routine\s+)?(?:immuni[sz]ation|vaccination|protection)\s+against)?"
    r"|in\s+the\s+treatment\s+of|after(?:\s+an?)?)"
    r"|uses?\s+(?:[\w-]+\s+){0,3}?for"
    r"|prescribes?\s+(?:[\w-]+\s+){0,2}?for"
    r"|(?:to\s+)?(?:treat|treats|heal|heals|control|controls|manage|manages|prevent|prevents|eliminate|eradicate|get rid of|clear"
    r"|alleviate|alleviates)\b(?=\s+\w)"
    r"|(?:reduce|reduces|lower|lowers)\s+the\s+(?:risk|chance)\s+of"
    r"|(?:to\s+)?(?:reduce|lower|relieve|ease|bring\s+down)s?\s+(?:a\s+|the\s+)?(?=(?:high\s+)?(?:fever|temperature|pain))"
    r"|(?:survival|recovery)\s+after(?:\s+an?)?"
    r"|(?:indicated|approved|licensed|prescribed|recommended|useful|effective)(?:\s+only)?\s+(?:for|in)(?:\s+the\s+(?:treatment|management|prevention)\s+of)?"
    r"|(?:treatment|management|prevention)\s+of"
    r"|(?:add-on|adjunctive)\s+(?:treatment|therapy\s+)?for|monotherapy\s+(?:or\s+add-on\s+therapy\s+)?for"
    # "used primarily as maintenance therapy for bronchial asthma"
    r"|(?:maintenance|long-term|first-line|second-line|initial|standard|symptomatic)\s+(?:therapy|treatment)\s+for"
    # "Its primary use is to treat ...", "Its main applications are in treating ..."
    r"|(?:primary|main|principal|chief)\s+(?:uses?|purposes?|indications?|applications?)\s+(?:is|are)\s+"
    r"(?:in\s+|for\s+)?(?:(?:the\s+)?(?:treatment|management|prevention)\s+of|treating|managing|preventing"
    r"|to\s+(?:treat|manage|prevent|relieve|reduce|alleviate|control))?"
    # "used to lower high blood pressure": lowering what is raised treats it.
    r"|(?:lower|lowers|reduce|reduces|bring\s+down|brings\s+down)\s+(?=(?:high|raised|elevated|increased)\s)"
    # "for MDD in adults and, as the extended-release capsule, for GAD": the list goes on.
    r"|,\s+for(?=\s+(?!example\b|instance\b|children\b|adults\b|people\b|patients\b|use\b)\w)"
    r"|,\s+and\s+(?:also\s+)?for"
    # "MDD in adults and adolescents aged 12 to 17, and GAD in adults": the list goes on.
    r"|(?:\b(?:adults|children|adolescents|teenagers|infants|people|patients)|\d+(?:\s+years)?"
    r"(?:\s+(?:and|or)\s+(?:older|over|above))?),\s+and\s+(?=(?:an?\s+|the\s+)?[a-z][\w-]+\s+[\w-]+)"
    r"|relieves|eases|brings\s+down"
    # Vaccines and immune globulins: "protects against five serious diseases: diphtheria, ...",
    # "used for active immunization against rubella", "provides protection against tetanus".
    r"|(?:protects?|protecting|protection|immuni[sz]es?|immuni[sz]ation|immunity|vaccinat(?:es?|ion))"
    r"\s+(?:(?:them|you|people|children|infants|individuals|patients|adults)\s+)?against"
    r"(?:\s+(?:[\w-]+\s+){0,3}?(?:diseases|infections|illnesses|conditions)(?=\s*:))?"
    # "Examples include eczema, psoriasis", "Conditions treated include ..."
    r"|(?:examples|conditions(?:\s+treated)?|indications|(?:approved\s+|main\s+|primary\s+|clinical\s+)?(?:uses|applications))"
    r"\s+include:?(?:\s+(?:managing|treating|preventing|relieving))?"
    # "a wide range of conditions including: headaches, ...", "This includes X, Y and Z"
    r"|(?:conditions|disorders|diseases|ailments)\s*,?\s+(?:such\s+as|including)\s*:?"
    r"|\b(?:this|these)\s+includes?:?)\b",
    re.IGNORECASE,
)
# "in adults and children 10 years and older with type 2 diabetes": a population with a condition.
_WITH_CONDITION = re.compile(
    r"\b(?:people|patients|adults|children|women|men|those|adolescents|infants|individuals|persons)\b"
    r"(?:[^.;:()]|\([^()]{0,60}\)){0,50}?\b(?:with|who have)\s+"
    # "... who have had a heart attack, or who have peripheral arterial disease"
    r"|,\s+(?:or|and)\s+who\s+(?:have|has)\s+(?!had\b)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    # ("infections caused by MRSA" is named by its cause: split_conditions reads it.)
    r"(?<!infections)(?<!infection),?\s+(?:caused by|due to|resulting from|brought on by)\b"
    r"|,?\s+(?:as an adjunct|as add-on|together with|along with|alone or|to (?:lower|reduce|improve|help|protect|eliminate)"
    r"|and to\b|which|that|who|when|where|because|so that|by\b|and is\b|and it\b|and can\b|but\b|and using"
    r"|and (?:brings|eases|relieves)|with or without|on its own|alone\b|only\b|from the age|as well\b"
    r"|combined with|in combination with|plus\b|especially|particularly|mainly|mostly|usually|characteri[sz]ed by"
    r"|and (?:should|must|may|does|do|is|are|has|was)\b|the (?:bacteri\w+|virus|organism|germ|cause)\b)"
    r"|(?<!or)\s+after\s+(?:a|an)\s+|\s+(?:before|during|while)\s+(?!or\b)"
    r"|(?<!or)\s+after\s+(?=(?:[\w-]+\s+){0,4}?(?:surgery|replacement|operation|procedure|transplant))"
    r"|\s+on their own\b|\s+when\s+(?=\w+\s+(?:is|are|has|have)\b)"
    r"|\s+in\s+(?:areas|regions|countries|places|parts of the world)\b"
    r"|\s+in\s+(?:[\w-]+\s+){0,2}?(?:adults|children|people|patients|those|adolescents|infants|women|men"
    r"|individuals|persons|girls|boys|neonates|newborns)\b|\s+in\s+combination\b"
    r"|\s+at\s+(?:high\s+|increased\s+)?risk\b"
    r"|,\s+not\b|;|:|\.(?:\s|$)"
    # "angina pectoris, a type of chest pain", "rubella, a viral infection": an apposition
    # explains the name before it; it names no further condition.
    # (", a stroke, or death" goes on with a list: only a gloss's own words end it.)
    r"|,\s+(?:a|an)\s+(?=(?:type|kind|form)\s+of\b"
    r"|(?:[\w-]+\s+){0,2}(?:condition|disease|disorder|infection|illness|syndrome)\b)",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:and|or|to|for|in|of|only|also|both|either|treat|treating|treats|prevent|preventing|prevents|control|controlling"
    r"|address|addresses|addressing|correct|correcting|alleviate|alleviating"
    r"|manage|managing|relieve|relieving|ease|easing|reduce|reducing|lowering|bring down|brings down|improve"
    # "lower the risk" is a verb; "lower respiratory tract infections" names a site.
    r"|lower(?!\s+(?:respiratory|urinary|back|limbs?|legs?|abdominal|gastrointestinal|gi\b|extremit))"
    r"|(?:the\s+)?(?:long-term|short-term)\s+(?:prevention|treatment|management|control|relief)\s+of"
    r"|(?:the\s+)?(?:prevention|treatment|management|control|relief)\s+of"
    # "once weekly for rheumatoid arthritis", "at higher doses, to treat ...": how, not what
    r"|(?:once|twice)\s+(?:a\s+)?(?:daily|weekly|day|week)\s+for|at\s+(?:high|higher|low|lower)\s+doses,?"
    r"|help|helps|eliminate|eradicate|the risk of|the chance of|a|an|the|another|recurrent|further|new"
    r"|(?:the\s+)?(?:inherited|genetic|rare|chronic)\s+(?:condition|disease|disorder)(?:\s+(?:called|known as))?"
    r"|(?:mild|moderate)(?:ly)?[- ]to[- ](?:moderately[- ])?(?:moderate|severe)|moderately severe|mild to moderate|moderate to severe|mild|moderate|severe|painful|certain|some|other|various|several"
    # "confirmed or suspected cases of diphtheria"
    r"|(?:(?:confirmed|suspected|known|proven)\s+(?:or\s+(?:confirmed|suspected|known|proven)\s+)?)?cases?\s+of"
    r"|developing|established|with|(?:other\s+)?(?:kinds|types|forms)\s+of|(?:multiple\s+|several\s+)?risk\s+factors\s+for)\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:on its own|alone|only|prevention|prophylaxis|eradication|treatment|therapy|symptoms)$",
    re.IGNORECASE,
)
# "the pain, swelling and stiffness of osteoarthritis": symptoms of the condition named after "of".
_SYMPTOMS_OF = re.compile(
    r"\b(?:(?:the\s+)?(?:pain|swelling|stiffness|inflammation|symptoms|signs)(?:,\s*|\s+and\s+|\s+or\s+))*"
    r"(?:the\s+)?(?:pain|swelling|stiffness|inflammation|symptoms|signs)\s+of\s+(?=[a-z])",
    re.IGNORECASE,
)
# A word that makes a phrase a condition name; shared with dosage headings.
DISEASE_WORDS_CSV = DATA / "disease_words.csv"
# (``has_disease_word`` answers "is there one?" word by word: see word_endings.py.)
DISEASE_WORDS = WordEndPatterns(curated_column(DISEASE_WORDS_CSV, "pattern"))
DISEASE_WORD = DISEASE_WORDS.pattern
has_disease_word = DISEASE_WORDS.search
# The narrower list by which a dosage heading names an indication (rows marked dosage_headings).
HEADING_DISEASE_WORDS = WordEndPatterns(
    [p for p, use in curated_pairs(DISEASE_WORDS_CSV, "pattern", "dosage_headings") if use == "yes"]
)
HEADING_DISEASE_WORD = HEADING_DISEASE_WORDS.pattern
_NOT_CONDITION = re.compile(
    r"^(?:it|this|these|them|doctors?|patients?|people|individuals|persons|adults|children|use|treatment|therapy|hospital|death"
    r"|medicines?|drugs?|tablets?|combination|blood sugar|cholesterol|ldl|total|symptoms?|conditions?"
    r"|these conditions|disorders?|diseases?|problems?|deficienc(?:y|ies)|(?:nutrient|nutritional\s+)?needs|such|both|either|clots?|new ones|survival"
    r"|death(?:\s+from\s+.+)?|dying(?:\s+from\s+.+)?|(?:other\s+)?risk\s+factors?)$",
    re.IGNORECASE,
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|can|may|might|will|should|could|has|have|had|take|taking|taken|helps?"
    r"|works?|blocks?|increases?|decreases?|comes?|contains?|makes?|causes?|you|your|its|their|stops?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IndicationMention:
    condition_name: str
    status: str
    population: str | None
    raw_text: str
    # The ICD-10-CM code or local:<slug> the name is anchored on (see anchor_mentions).
    condition_id: str = ""


@lru_cache(maxsize=1)
def curated_abbreviations() -> dict[str, str]:
    return {
        r["abbreviation"].lower(): r["expansion"].lower() for r in read_csv_rows(ABBREVIATIONS_CSV)
    }


def page_abbreviations(text: str) -> dict[str, str]:
    """'Major depressive disorder (MDD)' -> {'mdd': 'major depressive disorder'}."""
    found: dict[str, str] = {}
    for match in re.finditer(r"\(([A-Z][A-Za-z]{1,7})\)", text):
        abbr = match.group(1)
        letters = [c.lower() for c in abbr if c.isupper()]
        preceding = re.search(
            r"([A-Za-z][A-Za-z' -]{2,80})\s*$", text[max(0, match.start() - 90) : match.start()]
        )
        if preceding is None:
            continue
        long_form = preceding.group(1).strip()
        words = list(re.finditer(r"[A-Za-z']+", long_form))
        n = len(letters)
        if n == 0 or len(words) < n:
            continue
        candidate = words[-n:]
        if [w.group(0)[0].lower() for w in candidate] == letters or candidate[0].group(0)[
            0
        ].lower() == letters[0]:
            # Keep the page's own spelling ("post-traumatic stress disorder").
            found[abbr.lower()] = long_form[candidate[0].start() :].lower()
    return found


def _names_population(text: str) -> bool:
    return (
        re.search(
            r"\b(adults?|children|child|pediatric|paediatric|adolescents?|infants?|elderly|older adults)\b",
            text,
            re.I,
        )
        is not None
    )


_COURSE_FORMS_OF = re.compile(
    rf"\b({alternation([r['word'] for r in read_csv_rows(DATA / 'condition_name_words.csv') if r['role'] == 'course'])})"
    r"\s+(?:forms?|types?|kinds?)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)


def _expand_words(candidate: str, abbreviations: dict[str, str]) -> str:
    """Each word of a longer name written in capitals that is an abbreviation the page
    defines, spelled out ("AS" is ankylosing spondylitis only where it is written so)."""
    words = re.split(r"(\s+)", candidate)
    if len(candidate.split()) < 2 or not abbreviations:
        return candidate
    return "".join(
        abbreviations.get(w.lower(), w) if re.fullmatch(r"[A-Z][A-Z0-9]+", w) else w for w in words
    )


def _terminology_name(name: str) -> bool:
    return default_condition_vocabulary().lookup(name) is not None


def normalise_condition(
    phrase: str, abbreviations: dict[str, str], keep_severity: bool = False
) -> str | None:
    """A phrase as written -> condition_name, or None when it is not a condition name.

    ``keep_severity`` keeps "mild"/"moderate"/"severe": "not suitable for mild pain" is
    about mild pain, not about pain.

    Kept per (phrase, the page's abbreviations, keep_severity): the readers normalise the
    same phrase two or three times, and a dozen patterns run each time.
    """
    pairs = tuple(sorted(abbreviations.items())) if abbreviations else ()
    return _normalise_kept(phrase, pairs, keep_severity)


@lru_cache(maxsize=65536)
def _normalise_kept(
    phrase: str, abbreviations: tuple[tuple[str, str], ...], keep_severity: bool
) -> str | None:
    return _normalise_condition(phrase, dict(abbreviations), keep_severity)


def _normalise_condition(
    phrase: str, abbreviations: dict[str, str], keep_severity: bool = False
) -> str | None:
    phrase = phrase.strip().strip(".,:;*\"'").strip()
    main, rename = parenthesis(phrase)
    if rename:
        # "(deep vein thrombosis, DVT)": the abbreviation after the rename is no part of it.
        rename = re.sub(r"[,;]\s*[A-Z][A-Za-z0-9-]{1,8}$", "", rename).strip()
    candidate = main
    # 'hypertension (high blood pressure)' or 'epilepsy (focal and generalised seizures)':
    # a main phrase that names a condition stays; otherwise a closing parenthesis that
    # names one ('the nerve pain (postherpetic neuralgia)') is the name.
    main_is_condition = (
        has_disease_word(main)
        # "hypothyroidism (underactive thyroid)": a name the terminology uses stays, unless
        # the rename is one too and shorter ("high blood pressure (hypertension)").
        or (
            _terminology_name(fold(main).strip())
            and not (
                rename
                and _terminology_name(fold(rename).strip())
                and len(rename.split()) < len(main.split())
            )
        )
    ) and len(main.split()) <= 5
    if (
        not main_is_condition
        and rename
        and phrase.endswith(")")
        # ("gMG", "NF1", "COVID-19": an abbreviation is no rename)
        and not (" " not in rename and sum(c.isupper() for c in rename) >= 2)
        and not re.fullmatch(r"[A-Z][A-Za-z]{1,7}", rename)
        and len(rename.split()) <= 5
        and not _VERBISH.search(rename)
        and not rename.lower().startswith(
            ("e.g", "such as", "including", "adult", "children", "anti-")
        )
    ):
        candidate = rename
    # "relapsing-remitting MS": an abbreviation the page spelled out, inside a longer name.
    candidate = fold(_expand_words(candidate, abbreviations))
    # "children 10 years and older with X": the population is not part of the name.
    population_with = re.match(r"^(.{0,50}?)\s+with\s+(.+)$", candidate)
    if population_with and (
        population_of(population_with.group(1))
        or re.search(
            r"\b(years|older|aged|people|patients|persons|individuals|those|anyone)\b",
            population_with.group(1),
        )
    ):
        candidate = population_with.group(2)
    candidate = _SYMPTOMS_OF.sub("", candidate)
    # "relapsing forms of multiple sclerosis" is relapsing multiple sclerosis.
    candidate = _COURSE_FORMS_OF.sub(r"\1 ", candidate)
    # "suppression of TSH in some thyroid cancers": the condition is the one named after "in".
    treated_in = re.match(
        r"^(?:the\s+)?(?:suppression|prevention|treatment|control|management|relief)\s+of\s+.+?"
        r"\s+in\s+(?:some\s+|certain\s+|people\s+with\s+|patients\s+with\s+)?(.+)$",
        candidate,
        re.IGNORECASE,
    )
    if treated_in and has_disease_word(treated_in.group(1)):
        candidate = treated_in.group(1)
    severity = re.match(r"^(mild|moderate|severe)\s+(?!to\b)", candidate, re.I)
    candidate = _LEADING.sub("", candidate)
    if keep_severity and severity and not candidate.lower().startswith(severity.group(1).lower()):
        candidate = f"{severity.group(1)} {candidate}"
    candidate = _TRAILING.sub("", candidate)
    candidate = re.sub(r"\s+", " ", strip_filler(candidate)).strip(" ,.\"'")
    key = candidate.lower()
    if key in abbreviations:
        candidate = abbreviations[key]
    elif key in curated_abbreviations():
        candidate = curated_abbreviations()[key]
    words = candidate.split()
    if not words or len(words) > 8 or _NOT_CONDITION.match(candidate) or _VERBISH.search(candidate):
        return None
    if re.search(r"\d+\s*(mg|mcg|ml|g)\b", candidate):
        return None
    return candidate.lower()


def looks_like_condition(name: str, lexicon: Lexicon | None) -> bool:
    """A phrase names a condition: a disease word, an HPO phenotype, or a concept of the
    condition vocabulary, the whole phrase cut to nothing less ("calcium deficiency",
    "acid indigestion")."""
    if has_disease_word(name):
        return True
    if lexicon is not None:
        concept = lexicon.lookup(name)
        if concept is not None and concept.effect_id.startswith("HP:"):
            return True
    if not name or len(name.split()) > 6:
        return False
    anchored = anchor_condition(name, default_condition_vocabulary(), lexicon)
    # A name cut from an ICD qualifier ("skin" from "... in contact with the skin",
    # "injury" from "Injury, poisoning ...") is too loose to make a phrase a condition.
    return (
        anchored is not None
        and anchored.name == re.sub(r"\s+", " ", name.lower()).strip(" ,.;:")
        and not (anchored.concept.match_source.endswith("_head") and " " not in anchored.name)
    )


def _known_concept(phrase: str, lexicon: Lexicon | None) -> bool:
    name = normalise_condition(phrase, {})
    return bool(name) and _concept_key(name, lexicon, strict=True).startswith("HP:")


def _concept_key(name: str, lexicon: Lexicon | None, strict: bool = False) -> str:
    """The concept a condition name stands for; ``strict`` keeps qualifiers ("mild pain")."""
    if lexicon is not None:
        variants = (
            (name,) if strict else (name, strip_modifiers(name), re.sub(r"\s+mellitus$", "", name))
        )
        for variant in variants:
            concept = lexicon.lookup(variant) if variant else None
            if concept is not None and concept.effect_id.startswith("HP:"):
                return concept.effect_id
    return name


def split_conditions(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """A list of conditions -> one phrase each; 'or'/'and' split only between conditions."""
    parts: list[str] = []
    # "neuropathic pain associated with diabetic neuropathy": two conditions.
    # ("seizures associated with Lennox-Gastaut syndrome": a bare generic word is no condition
    # of its own, so only the syndrome is kept.)
    # "infections caused by methicillin-resistant Staphylococcus aureus": the organism's infections.
    text = re.sub(
        r"(?:^\s*|(?<=,\s)|(?<=\band\s)|(?<=\bor\s))infections?\s+(?:caused by|due to)\s+"
        r"((?:[\w-]+\s+){0,3}?[\w-]+)\s*$",
        r"\1 infections",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"(?:^\s*|(?<=,\s)|(?<=\band\s)|(?<=\bor\s))(?:seizures|pain|infections?|symptoms)\s+"
        r"(?:associated with|due to|caused by|secondary to)\s+",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\s+(?:associated with|due to|caused by|secondary to)\s+", ", ", text, flags=re.IGNORECASE
    )
    previous_head = ""
    fragments: list[str] = []
    for fragment in top_level_split(text):
        previous = (
            re.sub(r"^(?:and\s+)?(?:for|to treat)\s+", "", fragments[-1]) if fragments else ""
        )
        if (
            len(previous.split()) == 1
            and re.match(r"^[\w-]+\s+(?:and|or)\s+", fragment)
            and not looks_like_condition(previous.lower(), lexicon)
        ):
            # "ear, nose and throat infections": single words sharing the last one's noun
            # ("colds, flu or other viral infections" are conditions each).
            fragments[-1] = f"{previous}, {fragment}"
        else:
            fragments.append(fragment)
    for fragment in fragments:
        # "UTIs, including complicated infections": examples of the fragment before.
        introduces = re.match(r"^(?:including|such as|e\.g\.)\s", fragment.strip(), re.I)
        fragment = re.sub(
            r"^(?:and|or|including|such as|e\.g\.)\s+", "", fragment.strip(), flags=re.IGNORECASE
        )
        head, *examples = re.split(r"\s+(?:such as|including|like|e\.g\.)\s+", fragment)
        pieces = _split_pair(head, lexicon)
        if introduces and previous_head:
            pieces = [p for p in pieces if not _adds_nothing(p, previous_head, lexicon)]
        parts.extend(pieces)
        head_name = normalise_condition(head, {}) or ""
        if examples and looks_like_condition(head_name, lexicon):
            # "mild to moderate pain such as headache": examples of a condition are conditions.
            for piece in examples:
                parts.extend(
                    p
                    for p in _split_pair(piece, lexicon)
                    if not _adds_nothing(p, head_name, lexicon)
                )
        if not introduces:
            previous_head = head_name
    return parts


def _adds_nothing(example: str, head: str, lexicon: Lexicon | None) -> bool:
    """'UTIs, including complicated infections': an adjective and the head's own noun
    name a kind of the head, which the head already covers; 'osteoarthritis pain'
    names a condition of its own."""
    words = example.strip().split()
    head_words = head.split()
    return (
        len(words) == 2
        and len(head_words) >= 2
        and not re.search(r"\b(?:and|or)\b", head)
        and words[1].lower() == head_words[-1].lower()
        and words[0].lower() not in head_words
        and not looks_like_condition(words[0].lower(), lexicon)
    )


_PAIR = re.compile(r"\s+(?:and/or|and|or)\s+(?:for\s+|to\s+treat\s+|treat\s+)?", re.IGNORECASE)


def _split_pair(piece: str, lexicon: Lexicon | None) -> list[str]:
    name = normalise_condition(piece, {})
    name = re.sub(r"^(?:complicated|uncomplicated|acute|chronic|severe|serious)\s+", "", name or "")
    concept = default_condition_vocabulary().lookup(name) if name else None
    if concept is not None and concept.match_source == "override":
        return [piece]  # a reviewed name of one concept: "skin and soft tissue infections"
    halves = split_outside_parens(piece, _PAIR)
    if len(halves) < 2 or "," in halves[0]:
        return [piece]  # ("ear, nose and throat infections" names one group)
    cleaned = [normalise_condition(h, {}) or "" for h in halves]
    is_condition = [bool(c) and looks_like_condition(c, lexicon) for c in cleaned]
    incomplete = any(
        re.search(r"\b(before|after|right|with|of|in)$", h.strip(), re.I) for h in halves
    )
    if incomplete:
        return [piece]  # "pain right before or after heart bypass surgery" is one phrase
    if all(is_condition):
        return halves
    if len(halves) == 2 and re.match(r"other\s", halves[1].strip(), re.I) and cleaned[0]:
        # "lupus and other autoimmune conditions": the first names one of the second.
        return halves
    alternatives = re.search(r"\s(?:or|and/or)\s", piece, re.I) is not None
    # "mechanical or bioprosthetic heart valves": single words share the last noun phrase.
    # ("skin and soft-tissue infections" is one category: only "or" distributes.)
    last = halves[-1]
    head_noun = parenthesis(last)[0].split()[1:]
    if all(len(h.split()) == 1 for h in halves[:-1]) and head_noun:
        shared = " ".join(head_noun)
        # "partial-onset or primary generalised tonic-clonic seizures": the shortest tail
        # that makes every expansion a known concept is the shared noun ("seizures").
        for n in range(1, len(head_noun)):
            tail = " ".join(head_noun[-n:])
            if _known_concept(tail, lexicon) or all(
                _known_concept(f"{h} {tail}", lexicon) for h in halves[:-1]
            ):
                shared = tail
                break
        expanded = [f"{h} {shared}" for h in halves[:-1]] + [last]
        if alternatives and all(
            looks_like_condition(normalise_condition(e, {}) or "", lexicon) for e in expanded
        ):
            return expanded
        # "stomach and duodenal ulcers": with 'and', only when each one is a known concept.
        if not alternatives and all(_known_concept(e, lexicon) for e in expanded):
            return expanded
    if any(is_condition) and (is_condition[0] or len(halves[0].split()) > 1):
        # "heart disease or several risk factors for it": keep the halves that name conditions.
        return [h for h, ok in zip(halves, is_condition, strict=True) if ok]
    return [piece]


def extract_indications(
    page: Page, lexicon: Lexicon | None = None, conditions: ConditionVocabulary | None = None
) -> list[IndicationMention]:
    """The page's indications, each anchored on the condition vocabulary."""
    vocabulary = conditions if conditions is not None else default_condition_vocabulary()
    anchored = anchor_mentions(_read_indications(page, lexicon), vocabulary, lexicon)
    return _dedupe(anchored, lexicon)  # cut names may now coincide or be narrower


# A situation or purpose a negation keeps in its name ("psoriasis in pregnant women",
# "migraine prevention"): the terminology has no code for the pair, so the name stays whole
# and is a local concept made of the coded condition and that situation.
_QUALIFIER = re.compile(
    r"\s+(?:(?:during|in|while)\s+(?:pregnancy|breastfeeding|breast-feeding|children|infants"
    r"|pregnant women|women who are pregnant|breastfeeding women|the first trimester"
    r"|the second and third trimesters|labou?r)|once it has started|after it has (?:started|begun)"
    r"|that (?:is|are) (?:happening|under\s*way|in progress)|prevention)$"
)


def anchor_mentions(
    mentions: list[IndicationMention], vocabulary: ConditionVocabulary, lexicon: Lexicon | None
) -> list[IndicationMention]:
    """Keep the mentions whose phrase names a concept, cut to it, with its condition_id.

    A phrase no run of which names a concept (a dosage form, an ingredient, "primary
    use") is dropped; two phrases cut to one name are one mention."""
    kept: dict[tuple[str, str], IndicationMention] = {}
    for mention in mentions:
        qualifier = _QUALIFIER.search(mention.condition_name)
        base = mention.condition_name[: qualifier.start()] if qualifier else mention.condition_name
        anchored = anchor_condition(base, vocabulary, lexicon)
        if anchored is None:
            continue
        name, condition_id = anchored.name, anchored.concept.condition_id
        if qualifier:
            name = f"{name}{qualifier.group(0)}"
            condition_id = LOCAL_PREFIX + slug(name)
        kept.setdefault(
            (name, mention.status),
            replace(mention, condition_name=name, condition_id=condition_id),
        )
    return sorted(kept.values(), key=lambda m: (m.condition_name, m.status))


def phrases_read(page: Page, lexicon: Lexicon | None = None) -> list[IndicationMention]:
    """The phrases the readers found, before anchoring on the condition vocabulary."""
    return _read_indications(page, lexicon)


def _read_indications(page: Page, lexicon: Lexicon | None = None) -> list[IndicationMention]:
    if page.root is None:
        return []
    abbreviations = page_abbreviations(page.root.text())
    found: dict[tuple[str, str], IndicationMention] = {}
    for section in page.root.find("usage"):
        for path, block in section.walk():
            heading_text = " ".join(s.title for s in path[1:])
            heading_pop = population_of(heading_text)
            mentions: list[IndicationMention] = []
            if isinstance(block, Paragraph):
                uses_heading = len(path) > 1 and bool(_USES_HEADING.search(path[-1].title))
                for sentence in _sentences(block.text):
                    found_here = _from_sentence(sentence, abbreviations, heading_pop, lexicon)
                    if not found_here and uses_heading:
                        found_here = _from_bare_list(sentence, abbreviations, heading_pop, lexicon)
                    mentions.extend(found_here)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    mentions.extend(_from_item(item, abbreviations, heading_pop, lexicon))
            for mention in mentions:
                found.setdefault((mention.condition_name, mention.status), mention)
    return _dedupe(list(found.values()), lexicon)


# Longest condition name (in words) looked for inside a longer one when folding names.
_MAX_SUFFIX_WORDS = 12


def _dedupe(mentions: list[IndicationMention], lexicon: Lexicon | None) -> list[IndicationMention]:
    """One row per condition: names for one concept ('heart attack', 'heart attacks')
    collapse to the plainest, and a negation beats a mention of the same condition."""
    negated = {
        _concept_key(m.condition_name, lexicon, strict=True)
        for m in mentions
        if m.status == IndicationStatus.NOT_INDICATED and not _weak_negation(m)
    }
    # "does not cure X", "is not a cure for HIV": the drug treats X without curing it, which
    # is none of the contract's negations, so it gives no row against X where X, or a name
    # that begins with it ("HIV" and "HIV infection"), is named as treated.
    indicated = {
        _concept_key(m.condition_name, lexicon)
        for m in mentions
        if m.status == IndicationStatus.INDICATED
    }
    indicated_names = [m.condition_name for m in mentions if m.status == IndicationStatus.INDICATED]
    mentions = [
        m
        for m in mentions
        if not (
            _no_cure(m)
            and m.status == IndicationStatus.NOT_INDICATED
            and (
                _concept_key(m.condition_name, lexicon) in indicated
                or any(n.startswith(m.condition_name) for n in indicated_names)
            )
        )
    ]
    best: dict[tuple[str, str], IndicationMention] = {}
    for mention in mentions:
        concept = _concept_key(mention.condition_name, lexicon)
        if mention.status == IndicationStatus.INDICATED and concept in negated:
            continue
        key = (concept, mention.status)
        current = best.get(key)
        # Names of one concept: the plainest ("heart attack" over "heart attacks").
        if current is None or len(mention.condition_name) < len(current.condition_name):
            best[key] = mention
    kept = list(best.values())

    # "familial hypercholesterolemia" and "heterozygous familial hypercholesterolemia" on one
    # page are one condition, named more precisely once (single words such as "pain" are not
    # folded into "back pain").
    # Indexed by word suffix (not pairwise), so a page listing thousands stays linear.
    suffixes: set[tuple[str, tuple[str, ...]]] = set()
    for o in kept:
        words = tuple(o.condition_name.split())
        for k in range(2, min(len(words), _MAX_SUFFIX_WORDS + 1)):
            suffixes.add((o.status, words[-k:]))

    def narrower_exists(m: IndicationMention) -> bool:
        words = tuple(m.condition_name.split())
        return len(words) >= 2 and (m.status, words) in suffixes

    return sorted(
        (m for m in kept if not narrower_exists(m)), key=lambda m: (m.condition_name, m.status)
    )


def _line_of_therapy(mention: IndicationMention) -> bool:
    line = _LINE_OF_THERAPY.search(mention.raw_text)
    return line is not None and mention.condition_name.split()[-1] in line.group(1).lower()


# "It does not cure Alzheimer's disease", "is not a cure for HIV": the drug treats the disease
# without curing it, which says nothing against its use.
_NO_CURE = re.compile(
    r"\b(?:(?:does|do|will|can)\s+not|doesn't|don't|won't|cannot|can't)\s+cure\s+([^.;]+)"
    r"|\bis\s+not\s+a\s+cure\s+for\s+([^.;]+)",
    re.IGNORECASE,
)


def _no_cure(mention: IndicationMention) -> bool:
    """The sentence's only negations are 'does not cure' / 'is not a cure for'."""
    cures = [(m.start(), m.end()) for m in _NO_CURE.finditer(mention.raw_text)]
    return bool(cures) and all(
        any(s <= n.start() < e for s, e in cures) for n in _NEGATED.finditer(mention.raw_text)
    )


def _weak_negation(mention: IndicationMention) -> bool:
    return mention.status == IndicationStatus.NOT_INDICATED and (
        _line_of_therapy(mention) or _no_cure(mention)
    )


def _sentences(text: str) -> list[str]:
    return [
        piece
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
        if s.strip()
        for piece in bounded_pieces(s)
    ]


def _from_item(
    item: ListItem, abbreviations: dict[str, str], heading_pop: str | None, lexicon: Lexicon | None
) -> list[IndicationMention]:
    text = item.full_text
    named_first = re.match(r"^([^,;:()]{2,60}),\s+(?:to|for|used|which|especially|mainly)\b", text)
    if item.label is None and named_first and not _NEGATED.search(text):
        # "Gout, to prevent attacks by lowering uric acid": the item names the condition
        # first; what follows says what the drug does for it.
        head = normalise_condition(named_first.group(1), abbreviations)
        if head and looks_like_condition(head, lexicon):
            population = population_of(text) if _names_population(text) else heading_pop
            return [IndicationMention(head, IndicationStatus.INDICATED, population, text)]
    if item.label is None and (
        _NEGATED.search(text) or _TRIGGER.search(text) or _WITH_CONDITION.search(text)
    ):
        mentions = _from_sentence(text, abbreviations, heading_pop, lexicon)
        if mentions:
            return mentions
    label_names = normalise_condition(item.label, abbreviations) if item.label else None
    label_is_condition = bool(label_names) and looks_like_condition(label_names or "", lexicon)
    if (
        item.label
        and not (label_is_condition and not _NEGATED.search(item.text))
        and (_TRIGGER.search(item.text) or _NEGATED.search(item.text))
    ):
        # ("**Rheumatoid arthritis:** ... helps control joint pain": a label that names a
        # condition is the indication; its description names symptoms.)
        mentions = _from_sentence(
            item.text, abbreviations, population_of(text) or heading_pop, lexicon
        )
        if mentions:
            return mentions
    if item.label and not _VERBISH.search(item.text) and not _NEGATED.search(item.text):
        # "**Musculoskeletal pain:** Osteoarthritis, rheumatoid arthritis, back pain": a label
        # followed by a bare list of conditions gives each of them (and the label).
        listed = _bare_list(item.text, abbreviations, lexicon)
        if listed:
            population = population_of(text) if _names_population(text) else heading_pop
            label = normalise_condition(item.label, abbreviations)
            names = ([label] if label and looks_like_condition(label, lexicon) else []) + listed
            return [
                IndicationMention(n, IndicationStatus.INDICATED, population, text) for n in names
            ]
    name = item.label or item.text
    if item.label and _CONTINUES_NAME.match(item.text):
        # "**Neuropathic pain** associated with diabetic neuropathy and shingles"
        name = f"{item.label} {item.text}"
    name = _CLAUSE_END.split(name, maxsplit=1)[0] if not name.endswith(")") else name
    population = population_of(text) if _names_population(text) else heading_pop
    out: list[IndicationMention] = []
    for part in split_conditions(name, lexicon):
        condition = normalise_condition(part, abbreviations)
        if condition:
            out.append(IndicationMention(condition, IndicationStatus.INDICATED, population, text))
    for inner in re.findall(r"\(([^()]+)\)", name):
        # "Inflammatory bowel disease (Crohn's disease and ulcerative colitis)": the kinds
        # listed in a parenthesis are conditions too.
        pieces = split_conditions(inner, lexicon)
        if len(pieces) < 2:
            continue
        for piece in pieces:
            condition = normalise_condition(piece, abbreviations)
            if condition and looks_like_condition(condition, lexicon):
                out.append(
                    IndicationMention(condition, IndicationStatus.INDICATED, population, text)
                )
    return out


def _bare_list(text: str, abbreviations: dict[str, str], lexicon: Lexicon | None) -> list[str]:
    """The conditions of a text that is only a list of them ("Osteoarthritis, rheumatoid
    arthritis, back pain."), else nothing: every piece must look like a condition."""
    text = text.strip().rstrip(".")
    if "," not in text or len(text.split()) > 30 or re.match(r"(?:an?|the|this|it)\s", text, re.I):
        return []
    parts = split_conditions(text, lexicon)
    names = [n for n in (normalise_condition(p, abbreviations) for p in parts) if n]
    names = [n for n in names if looks_like_condition(n, lexicon)]
    # Most pieces must be conditions: a sentence cut at its commas is no list.
    return names if len(names) >= 2 and 3 * len(names) >= 2 * len(parts) else []


_CONTINUES_NAME = re.compile(
    r"^(?:associated with|due to|caused by|secondary to|such as|including|e\.g\.)\s", re.I
)
# A heading that says what follows is a list of uses: "Off-label uses", "Other indications".
_USES_HEADING = re.compile(
    r"\b(?:uses?|indications?|used (?:for|to treat)|approved (?:for|uses)|prescribed for)\b", re.I
)


def _from_bare_list(
    sentence: str, abbreviations: dict[str, str], population: str | None, lexicon: Lexicon | None
) -> list[IndicationMention]:
    """A sentence under a uses heading that only lists conditions: 'panic disorder and SAD.'"""
    if len(sentence.split()) > 20 or _VERBISH.search(sentence):
        return []
    out: list[IndicationMention] = []
    for part in split_conditions(sentence.rstrip(". "), lexicon):
        condition = normalise_condition(part, abbreviations)
        if condition and looks_like_condition(condition, lexicon):
            out.append(
                IndicationMention(condition, IndicationStatus.INDICATED, population, sentence)
            )
    return out


# "infections caused by methicillin-resistant Staphylococcus aureus": an organism's name (its
# capital) makes the infection's name.
_ORGANISM_INFECTIONS = re.compile(
    r"\binfections?\s+(?:caused\s+by|due\s+to)\s+((?:[a-z-]+\s+)?[A-Z][\w.-]*(?:\s+[\w.-]+){0,2}?)"
    r"(?=\s*(?:[,;)]|\.(?:\s|$)|$)|\s+(?:and|or)\b)"
)


# "deficiencies in beta-carotene, copper, and zinc": each nutrient's deficiency is a condition.
_DEFICIENCIES_IN = re.compile(
    r"\bdeficienc(?:y|ies)\s+(?:in|of)\s+((?:(?:vitamins?|minerals?)\s+)?[\w-]+(?:\s+[\w-]+)?"
    r"(?:\s*\([^()]*\))?(?:\s*,\s*(?:and\s+|or\s+)?[\w-]+(?:\s+[\w-]+)?(?:\s*\([^()]*\))?)*"
    r"(?:,?\s+(?:and|or)\s+[\w-]+(?:\s+[\w-]+)?(?:\s*\([^()]*\))?)?)",
    re.IGNORECASE,
)


def _each_deficiency(match: re.Match[str]) -> str:
    listed = re.sub(r"\s*\([^()]*\)", "", match.group(1))
    names = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", listed)]
    names = [
        n for n in names if n and not re.match(r"(?:these|those|the|its|their|this)\b", n, re.I)
    ]
    if not names:
        return match.group(0)
    return ", ".join(f"{n} deficiency" for n in names)


# "an adjunctive therapy (meaning it's used alongside other treatments) for cortical myoclonus":
# a parenthesis that explains a word stands between a trigger and its condition.
_GLOSS = re.compile(r"\s*\((?:meaning|i\.e\.,?|that is|which means|which)\s[^()]*\)", re.IGNORECASE)


def _from_sentence(
    sentence: str, abbreviations: dict[str, str], heading_pop: str | None, lexicon: Lexicon | None
) -> list[IndicationMention]:
    sentence = _GLOSS.sub("", sentence)
    sentence = _DEFICIENCIES_IN.sub(_each_deficiency, sentence)
    sentence = _SYMPTOMS_OF.sub("", sentence)
    sentence = _ORGANISM_INFECTIONS.sub(lambda m: f"{m.group(1).strip()} infections", sentence)
    negated = list(_NEGATED.finditer(sentence))
    negated_ranges = [(m.start(), m.end()) for m in negated]
    spans: list[tuple[int, str, bool]] = [
        (m.end(), IndicationStatus.NOT_INDICATED, False) for m in negated
    ]
    for match in _TRIGGER.finditer(sentence):
        if not any(s <= match.start() < e + 1 for s, e in negated_ranges):
            spans.append((match.end(), IndicationStatus.INDICATED, False))
    if not negated:
        # "... in people with X" names an indication only where nothing is negated.
        spans += [
            (m.end(), IndicationStatus.INDICATED, True) for m in _WITH_CONDITION.finditer(sentence)
        ]
    out: list[IndicationMention] = []
    earlier: list[str] = []
    examples = _category_examples(sentence, abbreviations, lexicon)
    prevention_at = {m.end(): "prevention" in m.group(0).lower() for m in negated}
    for start, status, with_clause in sorted(spans):
        prevention = prevention_at.get(start, False)
        rest = re.sub(r"^\s*:", "", sentence[start:])  # "including: headaches, ..."
        if status == IndicationStatus.NOT_INDICATED and _NOT_THIS_WAY.match(rest):
            # "not for long-term management of allergies": the way of use is negated, not
            # the condition, which may well be indicated.
            continue
        if with_clause:
            # "with diabetes who have early kidney damage (diabetic nephropathy)": the
            # relative clause names the condition.
            relative = re.match(r"[^,;.()]*?\s+who\s+(?:have|has)\s+", rest)
            if relative:
                rest = rest[relative.end() :]
            rest = rest.split(",", 1)[0]
        end = _CLAUSE_END.search(mask_parens(rest))  # "(injection only)" ends nothing
        obj = rest[: end.start()] if end else rest
        situation = ""
        if status == IndicationStatus.NOT_INDICATED:
            # "should not be used to treat high blood pressure during pregnancy": the
            # negation holds only in that situation, so the situation stays in each name.
            found = _SITUATION.search(obj) or (end and _SITUATION.match(rest[end.start() :]))
            if found:
                situation = found.group(0).strip().lower()
                obj = obj.replace(found.group(0), " ") if found.group(0) in obj else obj
        if with_clause:
            # "people with type 2 diabetes and kidney disease (diabetic nephropathy)": the
            # parenthesis names the pair as one condition.
            pair = re.fullmatch(r"(.+\s(?:and|with)\s.+?)\s*\(([^()]{3,60})\)\s*", obj)
            if pair and looks_like_condition(pair.group(2).lower(), lexicon):
                obj = f"({pair.group(2)})"
        names = [obj]
        # "the nerve pain that can linger after shingles (postherpetic neuralgia)": a
        # parenthesis later in the clause that names a condition is one too.
        tail = rest[end.start() :] if end else ""
        tail = re.split(r"[.;]|\b(?:and to|but)\b", tail, maxsplit=1)[0]
        names += [f"({inner})" for inner in re.findall(r"\(([^()]{3,60})\)", tail)]
        population = (
            None
            if status == IndicationStatus.NOT_INDICATED
            else population_of(rest[: (end.end() + 40) if end else len(rest)]) or heading_pop
        )
        before = list(earlier)  # conditions named by earlier triggers, not this one's siblings
        for text in names:
            for part in split_conditions(text, lexicon):
                condition = normalise_condition(
                    part, abbreviations, keep_severity=status == IndicationStatus.NOT_INDICATED
                )
                if not condition:
                    continue
                if situation:
                    # "psoriasis or rheumatoid arthritis in pregnant women": both halves.
                    condition = f"{condition} {situation}"
                if (
                    status == IndicationStatus.NOT_INDICATED
                    and prevention
                    and not condition.endswith("prevention")
                ):
                    # "not intended for the prevention of migraine": treating it may be.
                    condition = f"{condition} prevention"
                if status == IndicationStatus.NOT_INDICATED:
                    if len(condition.split()) > 8 or population_of(condition):
                        continue
                elif not looks_like_condition(condition, lexicon) and condition not in examples:
                    continue
                if with_clause and _qualifies(condition, before):
                    continue
                earlier.append(condition)
                out.append(IndicationMention(condition, status, population, sentence))
    return out


_NOT_THIS_WAY = re.compile(
    r"\s*(?:the\s+)?(?:long-term|short-term|routine|prolonged)"
    r"\s+(?:management|treatment|therapy|use|control|relief)\b"
    # "not approved for all types of MS": some types are, so no row against MS.
    r"|\s*(?:all|every)\s+(?:types?|forms?|kinds?)\s+of\b",
    re.IGNORECASE,
)
# "not indicated for initial therapy of hypertension": the line of therapy is negated; the
# row stays, but it does not cancel the condition's indication stated elsewhere.
_LINE_OF_THERAPY = re.compile(
    r"\bnot\b[^.;]{0,40}?\b(?:initial|first-line|first line)\s+(?:treatment|therapy|management)"
    r"\s+(?:of|for)\s+([^.;]+)",
    re.IGNORECASE,
)
_CATEGORY_EXAMPLES = re.compile(
    r"\b(?:infections?|conditions?|diseases?|disorders?|illnesses|cancers?|pain|problems)\s*,?\s+"
    r"(?:such as|including|e\.g\.,?|like)\s+([^.;:()]+)",
    re.IGNORECASE,
)


def _category_examples(
    sentence: str, abbreviations: dict[str, str], lexicon: Lexicon | None
) -> set[str]:
    """Names listed as examples of a kind of condition ("infections such as chlamydia"):
    conditions by the sentence's own word, whether or not the vocabulary knows them."""
    names: set[str] = set()
    for match in _CATEGORY_EXAMPLES.finditer(sentence):
        listed = _CLAUSE_END.split(match.group(1), maxsplit=1)[0]
        listed = re.split(r",\s+(?:and\s+)?(?:for|to|in|as)\b", listed, maxsplit=1)[0]
        for part in split_conditions(listed, lexicon):
            name = normalise_condition(part, abbreviations)
            if name and len(name.split()) <= 4:
                names.add(name)
    return names


_SITUATION = re.compile(
    r"\s+(?:during|in|while)\s+(?:pregnancy|breastfeeding|breast-feeding|children|infants"
    r"|pregnant women|women who are pregnant|breastfeeding women"
    r"|the first trimester|the second and third trimesters|labou?r)\b"
    # "not meant to stop a migraine attack once it has started", "a stroke that is happening"
    r"|\s+(?:once|after)\s+it\s+has\s+(?:started|begun)|\s+that\s+(?:is|are)\s+(?:happening|under\s*way|in progress)",
    re.IGNORECASE,
)

_GENERIC_WORDS = frozenset(
    {
        "disease",
        "disorder",
        "seizures",
        "seizure",
        "epilepsy",
        "syndrome",
        "infection",
        "infections",
        "pain",
    }
)


def _qualifies(condition: str, earlier: list[str]) -> bool:
    """'myoclonic seizures in people with juvenile myoclonic epilepsy': a 'with' condition
    sharing a specific word with an indication just named qualifies it; it is not another."""
    words = {w for w in re.findall(r"[a-z]{5,}", condition) if w not in _GENERIC_WORDS}
    return any(words & set(re.findall(r"[a-z]{5,}", e)) for e in earlier)
