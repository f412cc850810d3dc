"""Side effects of one page: phrases -> vocabulary concepts, with band, bounds and seriousness.

Reads only the page's side-effects sections.  Within them:

* list items: the bold name, or the text before a dash, is the effect; an
  organ-system or population prefix (``Nervous system: a, b``) is not, and
  its comma list is several effects; the explanation after the name only
  contributes frequency and seriousness cues;
* nested items under a group item inherit its cues;
* prose sentences that introduce a list ("common side effects include ...",
  "some people develop ...", "X is a common side effect") yield the phrases
  the vocabulary recognises;
* sub-sections on withdrawal, overdose or stopping the drug are skipped.

Cue precedence (contract): the item's own cue, else the lead-in sentence,
else the innermost heading that has one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pipeline.contract.vocabularies import BAND_ORDER, Band
from pipeline.extract.application_sites import application_site, sited_phrases
from pipeline.extract.frequency import (
    FrequencyCue,
    frequency_cue,
    governing_cue,
    numeric_cue,
    word_cue,
)
from pipeline.extract.item_labels import (
    component_keys,
    is_group_label,
    is_note_label,
    is_remark,
    names_component,
)
from pipeline.extract.phrases import (
    mask_parens,
    parenthesis,
    qualifier_parentheses,
    split_effects,
    strip_filler,
    strip_modifiers,
    top_level_split,
)
from pipeline.ingest.curated import alternation, curated_pairs
from pipeline.ingest.document import ListBlock, ListItem, Paragraph, Section, Table
from pipeline.ingest.pages import Page
from pipeline.ingest.text import bounded_pieces, concept_slug
from pipeline.vocabulary.lexicon import Concept, Lexicon
from pipeline.vocabulary.normalise import normalise_phrase

_SERIOUSNESS = curated_pairs(Path(__file__).parent / "data" / "seriousness_cues.csv", "cue", "kind")
SERIOUS = re.compile(
    rf"\b({alternation([c for c, kind in _SERIOUSNESS if kind == 'serious'])})\b", re.IGNORECASE
)
NOT_SERIOUS = re.compile(
    rf"\b({alternation([c for c, kind in _SERIOUSNESS if kind == 'negator'])})[\s-]+(serious|severe)\b",
    re.IGNORECASE,
)
# "side effects, ranging from mild to severe": a lead-in that spans both makes none serious.
MIXED_SEVERITY = re.compile(
    alternation([c for c, kind in _SERIOUSNESS if kind == "mixed"]), re.IGNORECASE
)
_EXCLUDED_CONTEXT = re.compile(
    r"\b(withdrawal|discontinuation (symptoms|syndrome)|overdose|overdosage|if you stop|stopping"
    r" suddenly|missed dose)\b"
    r"|\b(?:after|on|following|upon)\s+(?:abrupt\s+|sudden\s+)?(?:stopping|discontinuation|withdrawal)\b"
    r"|\babrupt(?:ly)?\s+(?:stopping|discontinu\w+)|^(?:stopping|discontinuing)\b(?!.*\bside effects\b)",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"^(tell|talk|contact(?!\s+(?:dermatitis|allergy|urticaria|eczema|sensitivity))|call|seek|stop|do not|don't|consult|ask|speak|see|get|if|report|keep"
    r"|make sure|remember|check|most people|many people|side effects)\b",
    re.IGNORECASE,
)

# Words of an organ-system or "other" prefix: "Nervous system:", "Stomach and intestines:".
_SYSTEM_WORDS_CSV = Path(__file__).parent / "data" / "body_system_words.csv"
_SYSTEM_WORDS = frozenset(
    w for w, kind in curated_pairs(_SYSTEM_WORDS_CSV, "word", "kind") if kind == "system"
)
_SYSTEM_GLUE = frozenset(
    w for w, kind in curated_pairs(_SYSTEM_WORDS_CSV, "word", "kind") if kind == "glue"
)
_POPULATION_PREFIX = re.compile(
    r"^(?:in\s+)?(children|kids|adolescents|teenagers|infants|newborns|babies|adults|older adults"
    r"|elderly|the elderly|older people|women|men|females|males|pregnant women|patients)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Context:
    """Cues inherited from headings and lead-ins, innermost last."""

    cues: tuple[FrequencyCue, ...] = ()
    serious: bool = False
    body_system: str | None = None
    population: str | None = None
    # Name keys of the page's components: on a combination product an item labelled
    # with one ("Ofloxacin: nausea, ...") groups that component's effects.
    components: frozenset[str] = frozenset()

    def with_text(self, text: str, body_system: str | None = None) -> Context:
        cue = frequency_cue(text)
        return Context(
            cues=(*self.cues, cue) if cue else self.cues,
            serious=self.serious or is_serious(MIXED_SEVERITY.sub(" ", text)),
            body_system=body_system or self.body_system,
            population=self.population,
            components=self.components,
        )

    def names_component(self, label: str) -> bool:
        """The label is one of the page's components (a parenthesis may rename it)."""
        return names_component(label, self.components)

    def label_groups(self, label: str) -> bool:
        """A label that names no effect but groups those after it (frequency, seriousness, component)."""
        return is_group_label(label) or self.names_component(label)


@dataclass
class EffectMention:
    effect_id: str
    effect_name: str
    body_system: str | None
    frequency_band: str
    freq_min_pct: float | None
    freq_max_pct: float | None
    frequency_text: str | None
    serious: bool
    raw_text: str
    phrase: str
    match_source: str


@dataclass
class UnmappedPhrase:
    phrase: str
    raw_text: str


@dataclass
class SideEffectResult:
    mentions: list[EffectMention] = field(default_factory=list)
    unmapped: list[UnmappedPhrase] = field(default_factory=list)
    # The side-effects section gave no effect and itself says none is known or listed:
    # the page rightly gives nothing (pages.side_effects_stated_none).
    stated_none: bool = False


def is_serious(text: str) -> bool:
    return bool(SERIOUS.search(text)) and not NOT_SERIOUS.search(text)


def is_system_prefix(label: str) -> bool:
    """``Nervous system``, ``Central nervous system effects``, ``Gastrointestinal issues``.

    Each word is compared as written and in its normalised form, so a plural glue
    word ("effects") counts whether or not normalising made it singular.
    """
    raw = re.findall(r"[a-z&]+", label.lower())
    normalised = normalise_phrase(label).split()
    if len(raw) != len(normalised):
        normalised = raw
    content = [(w, n) for w, n in zip(raw, normalised, strict=True) if not ({w, n} & _SYSTEM_GLUE)]
    return bool(content) and all({w, n} & _SYSTEM_WORDS for w, n in content)


def is_population_prefix(label: str) -> bool:
    return bool(_POPULATION_PREFIX.match(label.strip()))


class Resolver:
    """Phrase -> concept, trying the renaming parenthesis, the phrase, then without modifiers."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # Shared by every page read with this lexicon: a list is split in many groupings,
        # each asking about its fragments, and pages name the same effects.
        self._cache = _resolved(lexicon)

    def __call__(self, phrase: str) -> Concept | None:
        return self.resolve(phrase)[0]

    def curated(self, phrase: str) -> bool:
        """The reviewed override table lists this very phrase (no variant of it)."""
        concept = self.lexicon.lookup(phrase)
        return concept is not None and concept.match_source == "override"

    def resolve(self, phrase: str) -> tuple[Concept | None, str]:
        found = self._cache.get(phrase)
        if found is None:
            found = self._resolve(phrase)
            if len(self._cache) < _MAX_RESOLVED:
                self._cache[phrase] = found
        return found

    def resolve_at(self, phrase: str, site: str | None) -> tuple[Concept | None, str]:
        """``resolve``, a bare phrase tried first at the item's body site ("eye dryness")."""
        if site:
            main, rename = parenthesis(phrase)
            if not rename:
                for variant in sited_phrases(strip_modifiers(strip_filler(main)), site):
                    concept = self.lexicon.lookup_effect(variant)
                    if concept is not None:
                        return concept, variant
        return self.resolve(phrase)

    def _resolve(self, phrase: str) -> tuple[Concept | None, str]:
        main, rename = parenthesis(phrase)
        found = [self._first_variant(c) for c in (rename, main) if c]
        hits = [f for f in found if f[0] is not None]
        if len(hits) == 2 and _more_specific(hits[1], hits[0]):
            # "Supraventricular tachycardia (rapid heartbeat)", "Anaphylaxis (severe allergic
            # reaction)": the medical name before a lay gloss is the effect.
            return hits[1]
        if hits:
            return hits[0]
        return None, strip_modifiers(strip_filler(main))

    def _first_variant(self, candidate: str) -> tuple[Concept | None, str]:
        for variant in _variants(candidate):
            concept = self.lexicon.lookup_effect(variant)
            if concept is not None:
                return concept, variant
        return None, candidate


# Lookups that match an HPO term's own name or exact synonym: a medical name, as opposed
# to a lay phrase (layperson synonym, reviewed override) that may gloss it loosely.
_MEDICAL_MATCH = frozenset({"name", "exact"})


# A word of medical coinage ("anaphylaxis", "bronchospasm", "tachycardia", "angioedema"):
# the term a lay gloss in parentheses explains, or that explains a lay phrase before it.
_MEDICAL_WORD = re.compile(
    r"\b\w+(?:itis|osis|emia|aemia|algia|pathy|penia|cardia|spasm|plegia|paresis|uria|rrhea"
    r"|rrhoea|esis|ysis|axis|oma|ectasia|trophy|tonia|kinesia|phagia|phasia|pnea|pnoea|opia"
    r"|edema|oedema|cytosis|philia|lepsy|thermia|glycemia|natremia|kalemia|ptysis|stasis)\b",
    re.IGNORECASE,
)


def _more_specific(main: tuple[Concept | None, str], gloss: tuple[Concept | None, str]) -> bool:
    """The phrase before a parenthesis names its effect better than the parenthesis.

    Contract: a parenthesis that renames is the same effect, so the two usually agree.
    Where they differ, a medical name wins over a lay gloss ("Anaphylaxis (severe allergic
    reaction)", "Peripheral edema (swelling)"); a lay phrase before a medical name
    ("Increased heart rate (tachycardia)") leaves the parenthesis its name.
    """
    (main_concept, main_text), (gloss_concept, gloss_text) = main, gloss
    if main_concept is None or gloss_concept is None:
        return False
    if main_concept.effect_id == gloss_concept.effect_id:
        return False
    if _MEDICAL_WORD.search(main_text) and not _MEDICAL_WORD.search(gloss_text):
        return True
    return (
        main_concept.match_source in _MEDICAL_MATCH
        and gloss_concept.match_source not in _MEDICAL_MATCH
    )


_MAX_RESOLVED = 200_000


@lru_cache(maxsize=4)
def _resolved(lexicon: Lexicon) -> dict[str, tuple[Concept | None, str]]:
    """Phrases resolved so far with this lexicon (read-only once built; answers are frozen)."""
    return {}


def names_no_effect(phrase: str, ctx: Context) -> bool:
    """A phrase of a list that names no effect: a frequency or note word, a bare body part
    left by a split ("swelling of the face, lips, tongue"), a remark, or a component."""
    text = phrase.strip().lower()
    return (
        is_group_label(text) or is_note_label(text) or is_remark(text) or ctx.names_component(text)
    )


def _variants(text: str) -> Iterator[str]:
    yield text
    # "worsening of heart failure" split as "of heart failure"; "allergic reactions (including
    # anaphylaxis" cut inside its parenthesis; "increased risk of heart attack".
    for pattern in (r"^of\s+", r"\s*\([^()]*$", r"^(?:an?\s+)?(?:increased|higher)\s+risk\s+of\s+"):
        trimmed = re.sub(pattern, "", text, flags=re.IGNORECASE).strip()
        if trimmed and trimmed != text:
            yield trimmed
    stripped = strip_modifiers(strip_filler(text))
    if stripped and stripped != text:
        yield stripped
    feeling = strip_modifiers(
        re.sub(r"^(?:feeling|being|becoming|getting)\s+", "", stripped, flags=re.IGNORECASE)
    )
    if feeling != stripped:
        yield feeling
    for suffix in (
        " symptoms",
        " symptom",
        " problems",
        " levels",
        " level",
        " reactions",
        " changes",
    ):
        if stripped.lower().endswith(suffix) and len(stripped) > len(suffix) + 2:
            yield stripped[: -len(suffix)]


def extract_side_effects(page: Page, lexicon: Lexicon) -> SideEffectResult:
    result = SideEffectResult()
    if page.root is None:
        return result
    resolver = Resolver(lexicon)
    raw: list[EffectMention] = []
    page_ctx = Context(components=component_keys(page))
    for section in page.root.find("side_effects"):
        _section(section, page_ctx, resolver, raw, result.unmapped, top=True)
    result.mentions = merge_mentions(raw)
    result.stated_none = not result.mentions and section_states_none(page)
    return result


def section_states_none(page: Page) -> bool:
    """The page's side-effects sections say no effect is known or listed (False without one)."""
    if page.root is None:
        return False
    sections = page.root.find("side_effects")
    return bool(sections) and states_no_effects("\n".join(s.text() for s in sections))


def _section(
    section: Section,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
    top: bool = False,
) -> None:
    title, carried = _title_text(section.title)
    if not top and _EXCLUDED_CONTEXT.search(title):
        return
    ctx = ctx.with_text(title) if not top else ctx
    lead_in: list[str] | None = None
    # "**Side Effects:** Common side effects include a, b": a bold label whose text was read
    # into the section's title speaks like a paragraph of the section.
    children = [Paragraph(carried), *section.children] if carried else section.children
    for child in children:
        if isinstance(child, Section):
            _section(child, ctx, resolver, out, unmapped)
            lead_in = None
        elif isinstance(child, Paragraph):
            if _bare_list_paragraph(child.text, ctx, resolver, out, unmapped):
                # It speaks for a list after it only when it ends by introducing one.
                lead_in = _lead_in(child.text) if child.text.rstrip().endswith(":") else None
                continue
            if _EXCLUDED_CONTEXT.search(child.text):
                # "Overdose can cause liver damage. Rare side effects include allergic
                # reactions.": the sentences that do not speak of the overdose still count.
                kept = _outside_excluded(child.text)
                if kept:
                    _prose(kept, ctx, resolver, out, unmapped)
                lead_in = None
                continue
            _prose(child.text, ctx, resolver, out, unmapped)
            lead_in = _lead_in(child.text, lambda s: _gives_effects(s, ctx, resolver))
        elif isinstance(child, ListBlock):
            list_ctx = _with_lead_in(ctx, lead_in) if lead_in else ctx
            _list(child, list_ctx, resolver, out, unmapped)
            lead_in = None
        elif isinstance(child, Table):
            _table(child, ctx, resolver, out, unmapped)
            lead_in = None


def _title_text(title: str) -> tuple[str, str | None]:
    """(heading, text carried after it): "Side Effects: Generally well-tolerated. ..." holds
    a sentence after its colon; "Common (>1%)" or "Side Effects: Nausea" does not."""
    head, sep, tail = title.partition(":")
    tail = tail.strip()
    if not sep or len(tail.split()) < 4 or not re.search(r"[.!?]$|\b(?:include|cause)", tail):
        return title, None
    return head.strip(), tail


# A side-effects section that says no effect is known: "comprehensive data on side effects
# are unavailable", "a complete profile ... is not yet established", "No adverse reactions
# are listed". Such a page rightly gives no effect (see corpus-report).
_NO_EFFECTS_STATED = re.compile(
    r"\b(?:not|n't|never)\s+(?:yet\s+|been\s+|be\s+)*(?:(?:fully|readily|publicly|widely|well"
    r"|extensively|comprehensively|definitively|reliably|easily|explicitly|specifically|clearly"
    r"|precisely|currently)[\s-]+)*(?:available|established|documented|known|accessible"
    r"|understood|listed|defined|specified|characteri[sz]ed|determined|detailed|provided|published"
    r"|released|compiled|possible|reported)\b"
    r"|\bunavailable\b|\b(?:limited|insufficient|scarce|no)\s+(?:\w+\s+){0,3}?(?:information|data"
    r"|research|evidence)\b|\b(?:are|is|remain)\s+unknown\b|\bcannot be\s+(?:\w+\s+)?(?:provided"
    r"|listed|given|determined|established|compiled)\b|\bno adverse (?:reactions|effects|events)"
    r"\s+are\s+listed\b|\bimpossible to list\b|\bno (?:definitive|established|comprehensive|verified)"
    r"\s+(?:list|lists|information|data)\b",
    re.IGNORECASE,
)


def states_no_effects(text: str) -> bool:
    """The text of a side-effects section says its effects are not known or not listed."""
    return bool(_NO_EFFECTS_STATED.search(text))


# A sentence that goes on about the one before it ("These include dizziness").
_CONTINUES = re.compile(r"^(?:these|they|this|such|those|it|symptoms|signs)\b", re.IGNORECASE)


def _outside_excluded(text: str) -> str:
    """The sentences of a paragraph that are not about withdrawal, overdose or stopping.

    A sentence that continues an excluded one ("These include ...") goes with it.
    """
    kept: list[str] = []
    excluded = False
    for sentence in split_sentences(text):
        if _EXCLUDED_CONTEXT.search(sentence):
            excluded = True
            continue
        if excluded and _CONTINUES.match(sentence):
            continue
        excluded = False
        kept.append(sentence)
    return " ".join(kept)


def _lead_in(text: str, lists_own: Callable[[str], bool] | None = None) -> list[str]:
    """The words of a paragraph that speak for the list after it.

    The last sentence introduces the list; an earlier one about side effects in
    general counts too ("Serious side effects are rare. Get help if you have:").
    Cues of the last sentence come last, so they win over the earlier ones.

    A sentence that names its own effects ("The most common side effects include
    dizziness and back pain.") speaks for those, not for a list after it, unless it
    ends by introducing that list with a colon. ``lists_own`` tells such sentences.
    """
    sentences = split_sentences(text) or [text]
    if lists_own is None:
        lists_own = _never
    earlier = [s for s in sentences[:-1] if _ABOUT_EFFECTS.search(s) and not lists_own(s)]
    last = sentences[-1]
    if not last.rstrip().endswith(":") and lists_own(last):
        return earlier
    return [*earlier, last]


def _never(_: str) -> bool:
    return False


def _gives_effects(sentence: str, ctx: Context, resolver: Resolver) -> bool:
    """The sentence, read as prose, names at least one effect."""
    found: list[EffectMention] = []
    _prose(sentence, ctx, resolver, found, [])
    return bool(found)


_ABOUT_EFFECTS = re.compile(r"\b(?:side[\s-]effects?|adverse (?:effects?|reactions?))\b", re.I)


def _with_lead_in(ctx: Context, lead_in: list[str]) -> Context:
    """Each sentence adds its cue in order, so the sentence nearest the list wins."""
    for sentence in lead_in:
        ctx = ctx.with_text(sentence)
    return ctx


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(\"'])", text.strip())
    return [piece.strip() for p in parts if p.strip() for piece in bounded_pieces(p.strip())]


def _list(
    block: ListBlock,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    for item in block.items:
        _item(item, ctx, resolver, out, unmapped)


def _item(
    item: ListItem,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    full = item.full_text
    if item.label and is_note_label(item.label):
        return  # "Note: ..." is a remark about the effects, not one of them
    if item.label and not item.children and ctx.label_groups(item.label):
        _group_item(item.label, item.text, full, ctx, resolver, out, unmapped)
        return
    # The item's own name decides ("Withdrawal symptoms: ..."); an explanation that says
    # the effect is "reversible after stopping" does not make it a withdrawal symptom.
    if _EXCLUDED_CONTEXT.search(item.label or item_name_parts(item)[0]):
        return
    if item.children:
        # A group item ("Gastrointestinal:", "These include:") carries cues for its children.
        label = item.label or item.text
        system = label.rstrip(":") if is_system_prefix(label.rstrip(":")) else None
        # "More serious (but less common) side effects: These are rare but can include:":
        # label, then each sentence, so the words nearest the list win (as in a lead-in).
        group_ctx = _with_lead_in(ctx, [item.label or "", *split_sentences(item.text)])
        group_ctx = replace(group_ctx, body_system=system or group_ctx.body_system)
        if item.label and not system and not item.text.endswith(":") and resolver(item.label):
            _emit_names(
                item.label, full, ctx.with_text(full), resolver, out, unmapped, strict=False
            )
        for child in item.children:
            _list(child, group_ctx, resolver, out, unmapped)
        return
    if item.label and item.text and _labelled_list(item, ctx, resolver, out, unmapped):
        return
    if not item.label and _sentence_item(item.text, ctx, resolver, out, unmapped):
        return
    names, explanation, prefix = item_name_parts(item)
    item_ctx = ctx
    system = prefix if prefix and is_system_prefix(prefix) else None
    if prefix:
        item_ctx = ctx.with_text(prefix, body_system=system)
    _emit_names(names, full, item_ctx, resolver, out, unmapped, strict=False, own_text=full)


# Item text that speaks of its label as a substance, not an effect: "**ALA:** Generally
# well-tolerated, but may cause nausea", "**Brand X:** Can cause dizziness".
_SUBSTANCE_TALK = re.compile(
    r"^(?:generally|usually|mostly|typically|often)?\s*(?:well[- ]tolerated|safe\b)"
    r"|^(?:generally\s+)?(?:can|may|might|could)\s+(?:also\s+|sometimes\s+|occasionally\s+)*"
    r"(?:cause|include|lead to|result in|trigger)\b"
    r"|^(?:at\s+)?(?:high|higher|large|excessive|very high)\s+(?:doses|amounts|intake)\b",
    re.IGNORECASE,
)


# A first sentence that explains the label rather than listing effects: "A rare condition
# characterized by high fever, agitation, ..." (contract: the explanation is no effect).
_EXPLAINS = re.compile(
    r"^(?:an?|the|one|any)\s|\b(?:characteri[sz]ed|marked|defined|caused|accompanied|manifest\w*"
    r"|presenting|consisting|resulting)\b",
    re.IGNORECASE,
)


def _sentence_item(
    text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> bool:
    """An item written as a sentence whose subject is the effect ("Irritation and redness at
    the application site are possible.", "Temporary blurred vision is a reported side
    effect."): read as prose; False when its first sentence is not of that form."""
    first = (split_sentences(text) or [text])[0]
    if _bare_names(first) or not (
        _OCCURS_SUBJECT.match(first) or _SUBJECT_PATTERN.match(first) or _LIST_SUBJECT.match(first)
    ):
        return False
    before = len(out)
    _prose(text, ctx, resolver, out, unmapped)
    return len(out) > before


# A label naming a kind of effect whose bare list gives effects ("Injection site reactions:
# pain, redness", "Skin irritation: burning, stinging", "Gastrointestinal upset: nausea").
_KIND_LABEL = re.compile(
    r"\b(?:reactions|effects|problems|issues|symptoms|complaints|disturbances|complications"
    r"|disorders|changes|events|upset|irritation)\s*(?:\([^()]*\))?\s*$",
    re.IGNORECASE,
)

_EXAMPLES_LEAD = re.compile(r"^(?:such as|including|like|e\.g\.|for example)\b", re.IGNORECASE)


def _labelled_list(
    item: ListItem,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> bool:
    """A bold label followed by a list or by prose about effects; False to read it as one effect.

    * ``Central nervous system effects: Headache, dizziness``, ``Gastrointestinal: These are
      frequent. They include ...``: an organ-system label names no effect; the phrases after
      it do (its bare list, or what its prose names). When its text names none, a label that
      is an effect itself ("Kidney problems: X can affect kidney function") is the effect.
    * ``Allergic reactions: Rash, hives, itching``: a label followed by a bare list of two or
      more phrases gives each listed phrase (contract), and the label when it names an effect.
    * ``ALA: Generally well-tolerated, but may cause nausea``: a label the text speaks of as a
      substance names no effect; its prose does.
    """
    label = item.label.strip().rstrip(":").strip() if item.label else ""
    text = item.text.strip()
    if not label or not text or re.match(r"^(?:,|and\b|or\b|&|\()", text):
        return False  # the list goes on after the bold run, or a parenthesis renames it
    if _EXAMPLES_LEAD.match(text):
        # "**Mood changes** such as agitation": the label is the effect, the rest examples.
        _emit_names(label, item.full_text, ctx, resolver, out, unmapped, False, item.full_text)
        return True
    if is_population_prefix(label):
        return False
    sentences = split_sentences(text) or [text]
    first = sentences[0]
    system = is_system_prefix(label)
    # Under an organ-system label a verbless first sentence names effects even with a long
    # tail ("Increased risk of heart attack and stroke, especially with long-term use").
    bare = _bare_names(first) or (system and not _VERB.search(re.sub(r"\([^()]*\)?", " ", first)))
    several = (
        bare
        and "," in mask_parens(first)
        and not _EXPLAINS.search(first)
        and (system or _names_effects(first, resolver))
    )
    label_concept = resolver(label)
    if (
        several
        and not system
        and _names_only_effects(label, resolver)
        and not _KIND_LABEL.search(label)
    ):
        # "Angioedema: swelling of the face, lips", "Bleeding in the brain: headache,
        # confusion": one effect and its signs, not a group (contract: the explanation).
        several = False
    substance = not system and label_concept is None and _SUBSTANCE_TALK.match(text) is not None
    if not (system or several or substance):
        return False
    label_ctx = ctx.with_text(label, body_system=label if system else None)
    if is_serious(MIXED_SEVERITY.sub(" ", " ".join(sentences[1:]))):
        # "Infusion reactions: Fever, chills, rash. These can be severe in some cases."
        label_ctx = replace(label_ctx, serious=True)
    before = len(out)
    rest = sentences
    if bare:
        first_ctx = label_ctx.with_text(_item_cue_text(first))
        _emit_bare_list(first, item.full_text, first_ctx, resolver, out, unmapped)
        rest = sentences[1:]
    for sentence in rest:
        if not _EXCLUDED_CONTEXT.search(sentence):
            _prose(sentence, label_ctx, resolver, out, unmapped)
    # An organ-level label ("Gastrointestinal issues") is left out when its text names effects;
    # a kind of effect ("Allergic reactions: rash, hives") is kept with them.
    organ_level = label_concept is not None and label_concept.effect_name.lower().startswith(
        "abnormal"
    )
    if (
        not substance
        and (not system or label_concept is not None)
        and not (organ_level and len(out) > before)
    ):
        _emit_names(
            label,
            item.full_text,
            ctx,
            resolver,
            out,
            unmapped,
            strict=False,
            own_text=item.full_text,
        )
    return True


def _names_only_effects(label: str, resolver: Resolver) -> bool:
    """The label is an effect, or effects joined by and/or ("Heart attack or stroke"), each
    one the vocabulary knows: a list after it then gives their signs, not more effects."""
    if resolver(label) is not None:
        return True
    parts = split_effects(label, resolver, resolver.curated)
    return len(parts) > 1 and all(resolver(part) is not None for part in parts)


def _names_effects(text: str, resolver: Resolver) -> bool:
    """Most phrases of a bare list are effects the vocabulary knows ("rash, hives, itching"),
    not cue words or remarks ("rarely reported, and reversible")."""
    phrases = [p for p in top_level_split(text.strip().rstrip(".")) if p.strip()]
    known = sum(1 for p in phrases if resolver(strip_filler(re.sub(r"^(?:and|or)\s+", "", p))))
    return bool(phrases) and known * 2 >= len(phrases)


def _group_item(
    label: str,
    text: str,
    raw_text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    """``Common: a, b, c`` or ``Ofloxacin: a, b``: the phrases after the label, with its cues.

    The first sentence, when it is a bare list, gives an effect per phrase; any other
    sentence is prose ("Systemic effects are rare with topical use").
    """
    group_ctx = ctx if ctx.names_component(label) else ctx.with_text(label)
    # "Ofloxacin: Can include nausea, ...": the lead words introduce the list.
    text = _LIST_LEAD.sub("", text)
    sentences = split_sentences(text) or [text]
    rest = sentences
    if _bare_names(sentences[0]):
        _emit_bare_list(sentences[0], raw_text, group_ctx, resolver, out, unmapped)
        rest = sentences[1:]
    for sentence in rest:
        _prose(sentence, group_ctx, resolver, out, unmapped)


_LIST_LEAD = re.compile(
    r"^(?:(?:it|this|they|these)\s+)?(?:can|may|might|could|commonly|often|usually)?\s*"
    r"(?:include|includes|including|cause|causes)\s*:?\s+",
    re.IGNORECASE,
)


_VERB = re.compile(
    r"\b(?:is|are|was|were|can|may|might|will|should|could|would|you|your|this|these|it|they"
    r"|include|includes|including|such as|has|have|had|been|cause|causes|occur|occurs)\b",
    re.IGNORECASE,
)


# "patients report", "some people experience": a subject and its verb make a sentence.
_REPORTING_SUBJECT = re.compile(
    r"\b(?:patients|people|users|individuals|adults|children|women|men|some)\s+(?:also\s+)?"
    r"(?:report|reported|experience|experienced|develop|developed|notice|noticed|get|got)\b",
    re.IGNORECASE,
)


def _bare_names(sentence: str) -> bool:
    """Names only: no verb of a sentence, and no piece longer than a name."""
    text = sentence.strip().rstrip(".")
    # Words inside parentheses explain a name ("constipation (if too little fluid is taken)").
    bare = re.sub(r"\([^()]*\)?", " ", text)
    if not text or re.search(
        r"\b(?:is|are|was|were|can|may|might|will|should|could|would|you|your|this|these|it|they"
        r"|include|includes|including|such as|has|have|had|been|cause|causes|occur|occurs)\b",
        bare,
        re.IGNORECASE,
    ):
        return False
    if _REPORTING_SUBJECT.search(bare):
        return False  # "Less frequently (<1%), patients report a, b and c": prose
    pieces = [p for p in re.split(r",|;", bare) if p.strip()]
    short = [p for p in pieces if len(p.split()) <= 6]
    # One long tail ("and potential for dependence with long-term use") does not make prose.
    return bool(pieces) and len(short) * 3 >= len(pieces) * 2


def _emit_bare_list(
    sentence: str,
    raw_text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    """Each phrase of a bare comma list is an effect; withdrawal or overdose phrases are not."""
    phrases = [p for p in re.split(r",\s*(?![^()]*\))", sentence.strip().rstrip(".")) if p.strip()]
    kept: list[str] = []
    cue_words: str | None = None
    for phrase in phrases:
        words = re.sub(r"^(?:and|or)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        if is_group_label(words):
            cue_words = words  # "..., and rarely, vivid dreams": the cue of the next phrase
            continue
        if not _EXCLUDED_CONTEXT.search(phrase):
            kept.append(f"{phrase} ({cue_words})" if cue_words else phrase)
        cue_words = None
    if kept:
        _emit_names(", ".join(kept), raw_text, ctx, resolver, out, unmapped, strict=False)


def _bare_list_paragraph(
    text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> bool:
    """A paragraph that opens with a bare list of effects (``**Side Effects:** a, b, c. ...``).

    The list gives an effect per phrase; the sentences after it are read as prose.
    Only a list of two or more phrases counts: one capitalised word is as often a
    lead-in as an effect.
    """
    sentences = split_sentences(text) or [text]
    first = sentences[0]
    head, colon, tail = first.partition(":")
    if colon and ":" not in mask_parens(head) and tail.strip() and _bare_names(tail):
        head = head.strip()
        if is_system_prefix(head) or ctx.label_groups(head):
            # "Nervous system: agitation, insomnia", "Common: nausea, vomiting" as a paragraph.
            group_ctx = ctx.with_text(head, body_system=head if is_system_prefix(head) else None)
            _emit_bare_list(tail, text, group_ctx, resolver, out, unmapped)
            for sentence in sentences[1:]:
                if not _EXCLUDED_CONTEXT.search(sentence):
                    _prose(sentence, ctx, resolver, out, unmapped)
            return True
    if "," not in first or ":" in mask_parens(first) or not _bare_names(first):
        # "Less often, people notice:" introduces a list; "Rare side effects (<1%): a, b"
        # is a lead and its list (prose).
        return False
    _emit_bare_list(first, text, ctx, resolver, out, unmapped)
    for sentence in sentences[1:]:
        if not _EXCLUDED_CONTEXT.search(sentence):
            _prose(sentence, ctx, resolver, out, unmapped)
    return True


def item_name_parts(item: ListItem) -> tuple[str, str, str | None]:
    """(name part, explanation, organ-system or population prefix) of a list item."""
    if item.label:
        label = item.label.strip()
        text = item.text.strip()
        if is_system_prefix(label) or is_population_prefix(label):
            return text, "", label
        if re.match(r"^(,|and\b|or\b|&)", text):
            # "**Weight gain** and increased appetite": the list continues after the bold run.
            return f"{label} {text}".replace(" ,", ","), "", None
        rename = re.match(r"^\(([^()]+)\)[\s.:;,]*", text)
        if rename:
            # "**Swelling of the hands and feet** (peripheral oedema)": the parenthesis renames.
            return f"{label} ({rename.group(1)})", text[rename.end() :], None
        return label, text, None
    text = item.text.strip()
    dash = re.split(r"\s+[\u2013\u2014-]\s+|\s+--\s+", text, maxsplit=1)
    if len(dash) == 2:
        return dash[0], dash[1], None
    colon = re.match(r"^([^:()]{2,60}):\s*(.+)$", text)
    if colon:
        head, rest = colon.group(1).strip(), colon.group(2).strip()
        if is_system_prefix(head) or is_population_prefix(head) or is_group_label(head):
            return rest, "", head
        if _is_bare_list(rest) and _CATEGORY_HEAD.search(head):
            # "Severe skin reactions: Stevens-Johnson syndrome, TEN and DRESS": a named group.
            return f"{head}, {rest}", "", None
        return head, rest, None
    return text, "", None


# A head that names a group of effects ("Severe skin reactions: SJS, TEN and DRESS"), as
# opposed to one effect followed by its symptoms ("Serotonin syndrome: agitation, fever").
_CATEGORY_HEAD = re.compile(
    r"\b(reactions|effects|problems|disorders|conditions|infections|changes|events|complications|abnormalities)$",
    re.IGNORECASE,
)


def _is_bare_list(text: str) -> bool:
    """A comma list of names, not a sentence of explanation."""
    return "," in text and not re.search(
        r"\b(is|are|was|were|can|may|might|will|should|could|you|your|this|these|it)\b", text, re.I
    )


def _emit_names(
    names: str,
    raw_text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
    strict: bool,
    own_text: str | None = None,
) -> None:
    """Split a name part into effects and record each with its cues.

    ``strict`` (prose) keeps only phrases the vocabulary knows; list items
    keep unknown phrases too, as ``local:`` effects queued for review.
    """
    if not names or _ADVICE.match(names.strip()):
        return
    phrases = split_effects(names, resolver, resolver.curated)
    item_cue = frequency_cue(_item_cue_text(own_text)) if own_text else None
    item_serious = is_serious(own_text) if own_text else False
    site = application_site(raw_text, ctx.body_system)
    for phrase in phrases:
        examples = organ_examples(phrase)
        if examples:
            # "Blood disorders (anemia, neutropenia)": the examples are the effects;
            # "Serious skin reactions (SJS, TEN)": a kind of effect, and its examples.
            _emit_names(examples, raw_text, ctx, resolver, out, unmapped, strict, own_text)
            if not _REACTIONS_HEAD.search(parenthesis(phrase)[0]):
                continue
        concept, cleaned = resolver.resolve_at(phrase, site)
        if concept is None and _GENERIC.fullmatch(cleaned.strip()):
            continue  # "side effects", "these reactions": names no effect
        if concept is None and names_no_effect(cleaned, ctx):
            continue  # "Common", "rarely", "lips" (of "swelling of the face, lips"), a component
        phrase_cue = _phrase_cue(phrase)
        cue = governing_cue(phrase_cue or item_cue, ctx.cues[-1] if ctx.cues else None)
        if concept is None:
            if strict or not _plausible_effect(cleaned):
                if strict and _plausible_effect(cleaned):
                    unmapped.append(UnmappedPhrase(cleaned, raw_text))
                continue
            unmapped.append(UnmappedPhrase(cleaned, raw_text))
            name = re.sub(r"\s+", " ", cleaned.lower()).strip()
            concept = Concept(f"local:{concept_slug(name)}", name, ctx.body_system, "unmapped")
        elif concept.effect_id.startswith("local:"):
            # Contract: outside HPO the name is the page's own cleaned phrase, lower case.
            concept = replace(concept, effect_name=re.sub(r"\s+", " ", cleaned.lower()).strip())
        out.append(
            EffectMention(
                effect_id=concept.effect_id,
                effect_name=concept.effect_name,
                body_system=concept.body_system or ctx.body_system,
                frequency_band=cue.band if cue else Band.UNKNOWN,
                freq_min_pct=cue.min_pct if cue else None,
                freq_max_pct=cue.max_pct if cue else None,
                frequency_text=cue.text if cue else None,
                serious=ctx.serious or item_serious or is_serious(phrase),
                raw_text=raw_text,
                phrase=cleaned,
                match_source=concept.match_source,
            )
        )


# System words that name a kind of effect rather than an organ: "Allergic reactions (rash,
# itching)" is the effect, its parenthesis examples (contract).
_KIND_SYSTEM_WORDS = frozenset(
    {"allergic", "immune", "immunologic", "infection", "infections", "injection", "application"}
    | {"site", "local", "other", "others", "general", "miscellaneous", "sexual"}
)
_EXAMPLES_PAREN = re.compile(
    r"\(\s*(?:e\.g\.,?|eg,?|such as|including|like)?\s*([^()]+)\)\s*$", re.I
)


_REACTIONS_HEAD = re.compile(r"\breactions?\s*$", re.IGNORECASE)


def organ_examples(phrase: str) -> str | None:
    """The examples of a head that only names an organ system, or None.

    Contract: in "Blood disorders (anemia, neutropenia)", "Neurological problems
    (numbness, tingling)" or "various gastrointestinal complications (bleeding,
    ulceration)" each example is an effect and the head is not; "Allergic reactions
    (rash, itching)" names a kind of effect and stays one.
    """
    match = _EXAMPLES_PAREN.search(phrase.strip().rstrip("."))
    if not match:
        return None
    inner = match.group(1).strip()
    head = strip_modifiers(strip_filler(phrase[: match.start()].strip()))
    head = re.sub(r"^(?:various|other|certain|several|multiple|possible)\s+", "", head, flags=re.I)
    if not head or not re.search(r"[a-z]", inner, re.IGNORECASE):
        return None
    if re.match(r"^(?:e\.g\.|eg\b|such as|including|like)\b", match.group(0)[1:].strip(), re.I):
        pass  # examples introduced as such
    elif _NOT_A_RENAME_EXAMPLE.match(inner):
        return None  # "(especially in children)", "(rare)", "(<1%)": a qualifier
    words = set(re.findall(r"[a-z]+", head.lower()))
    if words & _KIND_SYSTEM_WORDS or not is_system_prefix(head):
        return None
    return inner


# A parenthesis that qualifies its head (frequency, population, time), never examples of it.
_NOT_A_RENAME_EXAMPLE = re.compile(
    r"^(?:especially|mainly|mostly|usually|often|in\b|for\b|with\b|at\b|when\b|during\b"
    r"|after\b|about\b|approximately|approx|~|<|>|\d|very\b|rare|common|uncommon|less\b|more\b"
    r"|seen\b|reported\b|see\b|boxed|black box|fatal|non-fatal|potentially|up to\b|over\b"
    r"|under\b|below\b|above\b)",
    re.IGNORECASE,
)


# "Mood changes such as agitation and, very rarely, suicidal thoughts": a frequency word
# among the examples speaks of an example, not of the item's own name.
# The list ends where the sentence or a dash does: "(hallucinations) – these are rare" counts.
_EXAMPLES_SPAN = re.compile(
    r",?\s+(?:such as|including|e\.g\.,?|for example)\s+[^\u2013\u2014;.]*", re.IGNORECASE
)

_GENERIC = re.compile(
    r"(?:(?:the|these|such|other|any|most|some|all|its|their)\s+)*"
    r"(?:(?:serious|severe|common|rare|mild|minor|possible|unwanted|side|adverse)\s+)*"
    r"(?:side[\s-]effects?|effects?|adverse (?:effects?|reactions?|events?)|reactions?|symptoms?"
    r"|problems?|events?)",
    re.IGNORECASE,
)


def _item_cue_text(own_text: str) -> str:
    """The words of an item that speak of every effect it names.

    Examples speak of themselves: "Mood changes such as agitation and, very rarely,
    suicidal thoughts", "Allergic reactions (anaphylaxis in rare cases)". A parenthesis
    that opens with its cue ("(rare but serious)", "(isolated cases)", "(1-10%)") speaks
    of the item.
    """
    text = _EXAMPLES_SPAN.sub(" ", own_text)

    def keep(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        cue = word_cue(inner)
        if cue is None or numeric_cue(inner) is not None or qualifier_parentheses(match.group(0)):
            return match.group(0)
        # The cue comes after a name: the parenthesis names an example and its frequency.
        opens_with_cue = inner.lower().startswith(cue.text)
        return match.group(0) if opens_with_cue else " "

    return re.sub(r"\(([^()]*)\)", keep, text)


def _phrase_cue(phrase: str) -> FrequencyCue | None:
    """A frequency stated inside the phrase's own parenthesis: 'elevated liver enzymes (about 0.7%)'."""
    for qualifier in qualifier_parentheses(phrase):
        cue = frequency_cue(qualifier)
        if cue is not None:
            return cue
    return None


def _plausible_effect(phrase: str) -> bool:
    words = phrase.split()
    # Width, not length: two Chinese characters (头痛, headache) say as much as a word.
    width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in phrase)
    if not words or len(words) > 6 or width < 3:
        return False
    return not re.search(
        r"\b(is|are|was|were|can|may|might|will|should|could|you|your|this|these)\b",
        phrase,
        re.IGNORECASE,
    )


# Prose that introduces effects.
_PROSE_PATTERNS = [
    # "(The most) common side effects (may) include: a, b and c", "Rare side effects (<1%): a,
    # b": a verb that introduces a list wins over an earlier "are" ("Common side effects are
    # rare but may include a, b").
    re.compile(
        r"\b(?:side[\s-]effects?|adverse (?:effects?|reactions?|events?))\b[^.:]*?"
        r"(?:\b(?:include|includes|included|including|such as)\b:?|:)\s*(?P<list>.+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:side[\s-]effects?|adverse (?:effects?|reactions?|events?))\b[^.:]*?\b(?:are|is|were)\b:?"
        r"\s*(?P<list>.+)",
        re.IGNORECASE,
    ),
    # "Can include a, b and c", "High doses may cause a or b", "prolonged use can lead to a":
    # whatever the subject, a modal verb of causing introduces the effects.
    re.compile(
        r"(?:^|\b(?:can|may|might|could|will|would|does|do|sometimes|occasionally|rarely|also"
        r"|potentially)\s+)(?:(?:also|sometimes|occasionally|rarely|potentially|even|in rare cases)"
        r",?\s+)*(?:cause|causes|caused|include|includes|included|lead to|leads to|led to|result in"
        r"|results in|trigger|triggers|produce|produces|induce|induces)\b:?\s+(?P<list>.+)",
        re.IGNORECASE,
    ),
    # "They include a, b and c" (after a sentence about the side effects)
    re.compile(
        r"^(?:they|these|those|such effects)\s+(?:may\s+|can\s+|might\s+)?(?:include|includes|are)\b:?\s*(?P<list>.+)",
        re.IGNORECASE,
    ),
    # "Rarely, statins cause muscle damage", "in rare cases this becomes rhabdomyolysis"
    re.compile(
        r"^(?:[\w,]+\s+){0,4}?(?:it|this|they|these|this (?:medicine|medication|drug)"
        r"|the (?:medicine|medication|drug)|\w+(?:ins|ines|ants|ors|ers|ics|ides))\s+"
        r"(?:can |may |might |sometimes |rarely |occasionally |also |very rarely )*"
        r"(?:cause|causes|lead to|leads to|trigger|triggers|becomes?|progress(?:es)? to|develops? into)\s+(?P<list>.+)",
        re.IGNORECASE,
    ),
    # "The ones reported most often are a, b and c" (the ones: the side effects)
    re.compile(
        r"^(?:the|those)\s+(?:ones|effects)\b[^.:]*?\b(?:are|include|includes)\b:?\s*(?P<list>.+)",
        re.IGNORECASE,
    ),
    # "Less commonly, some people develop a, or children may get b"
    re.compile(
        r"\b(?:people|patients|users|adults|children|individuals|persons|you|some|others)\b[^.]*?\b(?:may |can |might |also )*"
        r"(?:(?:have|has)\s+)?(?:developed|develop|experienced|experience|noticed|notice|reported|report"
        r"|suffered(?: from)?|suffer(?: from)?|got|get|had|have)\s+(?P<list>.+)",
        re.IGNORECASE,
    ),
]
# "Minor bleeding is common", "Bleeding is the main side effect of warfarin"
_SUBJECT_PATTERN = re.compile(
    r"^(?P<subj>[A-Za-z][A-Za-z' -]{1,50}?)\s+(?:is|are)\s+(?:also\s+)?(?:a |the |an )?(?:very |quite |fairly |relatively |extremely )?"
    r"(?:main|most common|common|frequent|rare|uncommon|usual|known|well-known|possible|serious)"
    r"\b(?:\s+side[\s-]effects?)?",
    re.IGNORECASE,
)


# "Rarely, mild irritation or allergic reactions may occur", "Gas, bloating and diarrhea are
# the most common side effects", "Skin rashes are also possible", "Headache, dizziness and
# fatigue have also been reported", "Temporary blurred vision is a reported side effect".
_OCCURS_SUBJECT = re.compile(
    r"^(?:(?:rarely|occasionally|sometimes|infrequently|uncommonly|less (?:commonly|often|frequently)"
    r"|more rarely|in (?:rare|some) cases|however|also|additionally|in addition|although rare"
    r"|while rare|though rare|at high doses|with (?:long-term|prolonged) use),?\s+)*"
    r"(?P<subj>[^.;:]{2,250}?)\s+"
    r"(?:(?:may|can|might|could|will|do|does)\s+(?:also\s+|still\s+|sometimes\s+|occasionally\s+"
    r"|rarely\s+|potentially\s+)*(?:occur|develop|happen|appear|arise|be seen|be experienced"
    r"|be reported|be observed)"
    r"|(?:is|are|was|were|(?:has|have)\s+(?:also\s+)?been)\s+(?:also\s+|sometimes\s+|occasionally\s+|rarely\s+)*"
    r"(?:possible|reported|observed|seen|noted|documented|described)"
    r"|(?:is|are|was|were)\s+(?:also\s+)?(?:among\s+)?(?:a|an|the|one of the)\s+"
    r"(?:(?:very|extremely|quite|fairly|relatively|most|more|less|other|possible|potential|known"
    r"|commonly|frequently|rarely|occasionally|often|common|frequent|rare|uncommon|serious|main"
    r"|reported|typical|usual|notable|significant|important)\s+)*"
    r"(?:side[\s-]effects?|adverse (?:effects?|reactions?|events?)|reactions?|effects?))\b",
    re.IGNORECASE,
)

# "Pancytopenia, agranulocytosis and liver failure are rare but serious"
_LIST_SUBJECT = re.compile(
    r"^(?P<subj>(?:[^.;:]{3,250}?,[^.;:]*?|(?:[\w'-]+\s+){0,6}?and\s+[\w' -]{2,40}?))"
    r"\s+(?:are|is|were|was|have been|has been|can be|may be)\s+(?:all\s+)?"
    r"(?:also\s+)?(?:very |extremely |quite |fairly |relatively )?(?:rare|uncommon|common|frequent|serious|severe"
    r"|life-threatening|reported|possible|seen|observed)\b",
    re.IGNORECASE,
)


_MAY_VERB = re.compile(
    r"\b(?:you|people|patients|some people|children)\s+(?:may|might|can|could)\s+(?:also\s+)?"
    r"(?P<phrase>(?!(?:have|has|get|develop|experience|notice|report|suffer|be|need|take|want)\b)"
    r"[a-z]+(?:\s+(?:more|less|very)\s+easily|\s+easily)?)\b",
    re.IGNORECASE,
)


def _prose(
    text: str,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    # "...muscle damage (myopathy); in very rare cases this becomes rhabdomyolysis": each
    # clause carries its own frequency words.
    clauses = [c for s in split_sentences(text) for c in re.split(r";\s+", s) if c.strip()]
    for sentence in clauses:
        if (
            _EXCLUDED_CONTEXT.search(sentence)
            or _ADVICE.match(sentence)
            and "side effect" not in sentence.lower()
        ):
            continue
        sentence_ctx = ctx.with_text(sentence)
        subject = (
            _SUBJECT_PATTERN.match(sentence)
            or _LIST_SUBJECT.match(sentence)
            or _OCCURS_SUBJECT.match(sentence)
        )
        if subject and not _GENERIC.fullmatch(strip_filler(subject.group("subj")).strip()):
            before = len(out)
            _emit_names(
                subject.group("subj"), sentence, sentence_ctx, resolver, out, unmapped, strict=True
            )
            if len(out) > before:
                continue
            # "A wide range of serious side effects are possible, including ...": the subject
            # names no effect; the list after it does.
        for verb_phrase in _MAY_VERB.finditer(sentence):
            # "You may bruise more easily": the verb phrase itself names the effect.
            _emit_names(
                verb_phrase.group("phrase"),
                sentence,
                sentence_ctx,
                resolver,
                out,
                unmapped,
                strict=True,
            )
        for pattern in _PROSE_PATTERNS:
            match = pattern.search(sentence)
            if not match:
                continue
            listed = _NOT_LIMITED.sub("", match.group("list"))
            if re.match(r"^(no|any|none)\b", listed, re.IGNORECASE):
                break
            # The cue is in the words before the list; numbers inside it belong to items.
            list_ctx = ctx.with_text(sentence[: match.start("list")])
            for clause in _prose_clauses(listed):
                _emit_names(clause, sentence, list_ctx, resolver, out, unmapped, strict=True)
            break


# "include, but are not limited to: a, b", "could include (but is not limited to) a, b".
_NOT_LIMITED = re.compile(
    r"^[\s,(]*(?:but\s+)?(?:(?:are|is|were|was|it's|they're)\s+)?not\s+limited\s+to\)?[\s:,]*",
    re.IGNORECASE,
)


def _prose_clauses(listed: str) -> list[str]:
    """', or children may get b' -> separate clauses, each starting at its object."""
    clauses: list[str] = []
    for part in re.split(
        r",\s+(?:or|and|while|but)\s+(?=\w+\s+(?:may|can|might|also|often)?\s*\w+\s)", listed
    ):
        verb = re.search(
            r"\b(?:may |can |might |also )*(?:develop|get|experience|notice|have|report)\s+(.+)",
            part,
        )
        clauses.append(verb.group(1) if verb else part)
    return clauses


def _table(
    table: Table,
    ctx: Context,
    resolver: Resolver,
    out: list[EffectMention],
    unmapped: list[UnmappedPhrase],
) -> None:
    """Side-effect tables in either shape.

    * one effect column and a frequency column ("Side effect | How common");
    * a matrix whose column headers are frequencies and whose cells list effects
      ("System organ class | Very common | Common | Uncommon").
    """
    header = [h.lower() for h in table.header]
    system_col = next(
        (i for i, h in enumerate(header) if re.search(r"system|organ|class|body", h)), None
    )
    not_known = re.compile(r"not known|unknown|frequency not", re.IGNORECASE)
    band_cols = [
        i
        for i, h in enumerate(table.header)
        if i != system_col and (frequency_cue(h) is not None or not_known.search(h))
    ]
    if len(band_cols) >= 2:
        for row in table.rows:
            system = row[system_col] if system_col is not None and system_col < len(row) else None
            for col in band_cols:
                if col < len(row) and row[col].strip() and row[col].strip() not in ("-", "–", "—"):
                    header_ctx = ctx.with_text(table.header[col])
                    if not_known.search(table.header[col]):
                        header_ctx = replace(header_ctx, cues=())  # stated as not known
                    cell_ctx = replace(header_ctx, body_system=system or ctx.body_system)
                    _emit_names(
                        row[col],
                        " | ".join(row),
                        cell_ctx,
                        resolver,
                        out,
                        unmapped,
                        strict=False,
                        own_text=row[col],
                    )
        return
    freq_col = next(
        (
            i
            for i, h in enumerate(header)
            if re.search(r"frequen|incidence|rate|%|how common|how often|percent", h)
        ),
        None,
    )
    effect_col = next(
        (
            i
            for i, h in enumerate(header)
            if i not in (system_col, freq_col)
            and re.search(r"effect|reaction|event|symptom|name", h)
        ),
        next((i for i in range(len(header)) if i not in (system_col, freq_col)), 0),
    )
    for row in table.rows:
        if effect_col >= len(row):
            continue
        row_ctx = ctx
        if freq_col is not None and freq_col < len(row):
            row_ctx = row_ctx.with_text(row[freq_col] + " " + table.header[freq_col])
        system = row[system_col] if system_col is not None and system_col < len(row) else None
        if system:
            row_ctx = replace(row_ctx, body_system=system)
        _emit_names(
            row[effect_col],
            " | ".join(row),
            row_ctx,
            resolver,
            out,
            unmapped,
            strict=False,
            own_text=row[effect_col],
        )


def merge_mentions(mentions: list[EffectMention]) -> list[EffectMention]:
    """One row per effect: the more frequent band (numbers first at equal band), serious if any."""
    merged: dict[str, EffectMention] = {}
    for mention in mentions:
        current = merged.get(mention.effect_id)
        if current is None:
            merged[mention.effect_id] = mention
            continue
        better = _more_informative(current, mention)
        merged[mention.effect_id] = replace(better, serious=current.serious or mention.serious)
    return sorted(merged.values(), key=lambda m: m.effect_id)


def _more_informative(a: EffectMention, b: EffectMention) -> EffectMention:
    if a.frequency_band == Band.UNKNOWN:
        return b
    if b.frequency_band == Band.UNKNOWN:
        return a
    if BAND_ORDER[b.frequency_band] < BAND_ORDER[a.frequency_band]:
        return b
    if BAND_ORDER[b.frequency_band] == BAND_ORDER[a.frequency_band]:
        a_numeric = a.freq_min_pct is not None or a.freq_max_pct is not None
        b_numeric = b.freq_min_pct is not None or b.freq_max_pct is not None
        if b_numeric and not a_numeric:
            return b
    return a
