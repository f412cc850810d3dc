"""Turning the name part of a list item or a prose list into effect phrases.

Pure string functions, shared by the side-effect and indication extractors.
The rules follow the output contract: comma lists are several effects,
``A/B``, ``A or B`` and ``A and B`` are two when both halves name conditions,
shared nouns and modifiers are distributed ("blurred or double vision"),
a parenthesis may rename the phrase it follows, and trailing explanations
("..., especially in older adults") are not effects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# Where the name of an effect ends and an explanation begins.
_CLAUSE_BREAKS = re.compile(
    r",?\s+(?:especially|particularly|mainly|mostly|usually|typically|often|normally|commonly)\b"
    # ("vomit that contains blood" names one thing: 'that contains/looks' does not explain)
    r"|,?\s+(?:which|that(?!\s+(?:contains?|looks?)\b)|who|whose|where)\b"
    r"|\s+(?:when|whenever|while|during|after|before|if|because|as a result|since|until|within)\s"
    r"|\s+in (?:people|patients|persons|those|adults|children|women|men|some|rare|older|elderly"
    r"|the first|up to)\b"
    r"|\s+(?:at|with) (?:high|higher|the start|start|long-term|prolonged|chronic|continued|regular)\b"
    # "serotonin syndrome, with symptoms such as confusion, ...": what follows describes it.
    r"|,?\s+with (?:symptoms|signs|features|effects)\b|,\s+(?:causing|leading to|resulting in)\s"
    r"|\s+(?:caused by|due to|resulting from|brought on by|linked to|despite)\s"
    r"|,?\s+(?:of any kind|of all kinds|in general|in some cases|in rare cases)\b"
    r"|[;:]\s|\.\s|\.$",
    re.IGNORECASE,
)

_RELATIVE = re.compile(r",?\s+(?:that|which|who)\b", re.IGNORECASE)
_RESUME = re.compile(r",\s+(?:or|and)\s+", re.IGNORECASE)

# Words that open a fragment without being part of the effect's name.
_LEADING_FILLER = re.compile(
    r"^(?:and/or|and|or|also|including|includes|include|such as|like|for example|e\.g\.,?|eg,?"
    r"|i\.e\.,?|sometimes with|occasionally with|sometimes|occasionally|possibly|potentially|some|other"
    r"|symptoms of|signs of|episodes of|feelings? of|a|an|the|any)\s+",
    re.IGNORECASE,
)

# Fragments that explain the effect before them rather than name another one:
# "jaundice, a sign of liver problems", "vaginal thrush, with itching".
_EXPLANATION_FRAGMENT = re.compile(
    r"^(?:an? )?(?:sign|signs|symptom|symptoms|result|consequence|type|form|condition|reaction)\s+(?:of|in|that|which)\b"
    r"|^with\b|^without\b|^usually\b|^mostly\b|^mainly\b|^especially\b|^particularly\b|^often\b"
    r"|^which\b|^that\b|^who\b|^where\b",
    re.IGNORECASE,
)
# "TTP, a rare but serious blood disorder with fever, ...": an appositive that classifies the
# effect before it (read before the article is stripped).
_APPOSITIVE = re.compile(
    r"^an?\s+(?:[\w-]+\s+){0,4}?(?:disorder|condition|disease|reaction|syndrome|complication"
    r"|problem|breakdown|inflammation|build-up|buildup)\b",
    re.IGNORECASE,
)
# Words that introduce examples of the effect before them: each example is an effect too.
_EXAMPLES = re.compile(
    # ("looks like coffee grounds" compares; it lists nothing)
    r"(?<!\blooks)(?<!\blook)(?<!\bfeels)(?<!\bfeel)(?<!\bsounds)"
    r",?\s+(?:such as|including|like|e\.g\.,?|for example|for instance)\s+",
    re.IGNORECASE,
)
# "a reaction called DRESS", "a condition known as X": the name after it renames the phrase.
_CALLED = re.compile(r"\s+(?:called|known as|termed|named)\s+(.+)$", re.IGNORECASE)

# Modifiers that qualify an effect without changing the concept.
_MODIFIERS = re.compile(
    r"^(?:mild|moderate|severe|serious|severe or serious|minor|major|persistent|sudden|new|new-onset"
    r"|new onset|worsening|worsened|unusual|unexplained|occasional|temporary|transient|significant"
    r"|possible|slight|general|generalized|generalised|acute|chronic|frequent|rare|excessive"
    r"|extreme|marked|prolonged|recurrent|potentially fatal|life-threatening|fatal|dangerous"
    r"|short-lived|long-lasting|noticeable|troublesome|bothersome|painful|some|very|extremely"
    r"|really|quite|unusually|bad)\s+",
    re.IGNORECASE,
)

# A parenthesis that qualifies rather than renames.
_NOT_A_RENAME = re.compile(
    r"^(?:e\.g\.|eg\b|such as|including|incl\.|especially|mainly|mostly|usually|often|in\b|for\b"
    r"|with\b|at\b|when\b|during\b|after\b|about\b|approximately|approx|~|<|>|\d|very\b|rare|common"
    r"|uncommon|less\b|more\b|seen\b|reported\b|see\b|boxed|black box|men\b|women\b|children\b"
    r"|adults\b|fatal|non-fatal|potentially|a\b|an\b|the\b|up to\b|over\b|under\b|below\b|above\b)",
    re.IGNORECASE,
)

_PAREN = re.compile(r"\(([^()]*)\)")
_CONJ = re.compile(r"\s+(?:and/or|or|and|as well as|plus)\s+|\s*/\s*|\s+&\s+", re.IGNORECASE)


def top_level_split(text: str, separators: str = ",;") -> list[str]:
    """Split on separators outside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def split_outside_parens(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split on a regex, ignoring matches inside parentheses."""
    masked = mask_parens(text)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(masked):
        parts.append(text[last : match.start()])
        last = match.end()
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


# The small string functions below are kept per text (lru_cache): splitting a list tries
# its fragments in many groupings, so each fragment is masked, cut and stripped
# three to five times over.
@lru_cache(maxsize=65536)
def mask_parens(text: str) -> str:
    """The text with what is inside parentheses replaced by '#', same length."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        out.append("#" if depth and char not in "()" else char)
        if char == ")":
            depth = max(0, depth - 1)
    return "".join(out)


@lru_cache(maxsize=65536)
def cut_explanation(text: str) -> str:
    """Keep the name before an explanatory clause; a trailing renaming parenthesis survives."""
    text = text.strip().strip(".").strip()
    masked = mask_parens(text)
    match = _CLAUSE_BREAKS.search(masked)
    if not match:
        return text
    head = text[: match.start()].strip()
    tail = text[match.start() :]
    resume = _RESUME.search(masked, match.end())
    first_comma = masked.find(",", match.end())
    if (
        resume
        and _RELATIVE.match(masked[match.start() :])
        and len(masked[match.end() : resume.start()].split()) <= 8
        # the clause ends at that comma: "..., which is dose-dependent, and serotonin
        # syndrome" resumes; "which can cause headache, confusion, and weakness" does not.
        and (resume.start() == first_comma or "or" in resume.group(0).lower())
    ):
        # "bleeding that will not stop, or signs of bleeding in the brain": the clause
        # qualifies the first effect and the list goes on after ", or".
        return f"{head}, {cut_explanation(text[resume.end() :])}".strip(" ,")
    # "seeing things that are not there (hallucinations)": keep the renaming parenthesis.
    parens = _PAREN.findall(tail)
    if parens and tail.rstrip(". ").endswith(")") and not _NOT_A_RENAME.match(parens[-1].strip()):
        head = f"{head} ({parens[-1]})"
    return head.strip(" ,")


@lru_cache(maxsize=65536)
def strip_filler(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_FILLER.sub("", text).strip()
    return text


@lru_cache(maxsize=65536)
def strip_modifiers(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _MODIFIERS.sub("", text).strip()
        text = re.sub(r"^(?:or|and|and/or)\s+", "", text, flags=re.IGNORECASE)
    # A lone modifier ("new or worsening") names nothing.
    if _MODIFIERS.fullmatch(text + " ") or re.fullmatch(r"(?:or|and|and/or)?\s*", text):
        return ""
    return text


@lru_cache(maxsize=65536)
def parenthesis(text: str) -> tuple[str, str | None]:
    """(main text, renaming parenthesis or None)."""
    parens = _PAREN.findall(text)
    main = _PAREN.sub(" ", text)
    main = re.sub(r"\s+", " ", main).strip(" ,")
    rename = next(
        (p.strip() for p in parens if p.strip() and not _NOT_A_RENAME.match(p.strip())), None
    )
    return main, rename


def qualifier_parentheses(text: str) -> list[str]:
    """Parentheses that qualify (frequency, population) rather than rename."""
    return [p.strip() for p in _PAREN.findall(text) if _NOT_A_RENAME.match(p.strip())]


Resolver = Callable[[str], object | None]


def split_effects(
    text: str, resolves: Resolver, curated: Callable[[str], bool] | None = None
) -> list[str]:
    """Split a name part into phrases, each naming one effect.

    ``resolves(phrase)`` tells whether the vocabulary knows a phrase; it
    decides between keeping "swelling of the face, lips or throat" whole
    and splitting "nausea, vomiting".  ``curated(phrase)`` tells whether the
    reviewed table lists the phrase itself: such a phrase is one effect even
    with "or" or "and" inside it ("yellowing of the skin or eyes").
    """
    if curated is not None and curated(text.strip().strip(".")):
        return [text.strip().strip(".")]  # "feeling dizzy when standing up": reviewed, whole
    text = cut_explanation(text)
    text = _CALLED.sub(lambda m: f" ({m.group(1).strip()})", text)
    text = ", ".join(split_outside_parens(text, _EXAMPLES))
    fragments: list[str] = []
    for raw in top_level_split(text):
        if fragments and (
            _EXPLANATION_FRAGMENT.match(strip_filler(raw)) or _APPOSITIVE.match(raw.strip())
        ):
            # "jaundice, a sign of liver problems, such as ...": the rest explains it too.
            break
        fragment = strip_filler(cut_explanation(raw))
        if fragment and strip_modifiers(fragment):
            fragments.append(fragment)
    fragments = _distribute_head(fragments, resolves)
    out: list[str] = []
    i = 0
    while i < len(fragments):
        joined_at = None
        for j in range(min(len(fragments), i + _MAX_JOIN), i + 1, -1):
            if sum(len(f) for f in fragments[i:j]) > _MAX_NAME_CHARS:
                continue  # longer than any name the vocabulary holds
            # Only the last fragment of a join may carry a parenthesis: in
            # "fast heart rate (tachycardia), palpitations" the first one's
            # parenthesis renames that fragment, not the whole list.
            if any("(" in f for f in fragments[i : j - 1]):
                continue
            if _join_resolves(fragments[i:j], resolves):
                joined_at = j
                break
        if joined_at is not None:
            out.append(", ".join(fragments[i:joined_at]))
            i = joined_at
        else:
            out.extend(split_conjunctions(fragments[i], resolves, curated))
            i += 1
    # Again over the final phrases: "blood in your vomit or black, tarry stools".
    return _distribute_head([p for p in (strip_filler(p) for p in out) if p], resolves)


# The most comma fragments or 'and' parts one effect's name spans ("swelling of the face,
# lips, tongue or throat" is four). It bounds the search, so a hostile page with a list of
# thousands of commas costs linear time.
_MAX_JOIN = 8
_MAX_NAME_CHARS = 160


def _distribute_head(fragments: list[str], resolves: Resolver) -> list[str]:
    """'a fast, irregular or pounding heartbeat': a comma list's noun is shared.

    A short fragment that names nothing alone takes the head noun of the next
    fragment of several words when that makes a known phrase ("fast heartbeat");
    an adjective of the next fragment's effect ("black, tarry stools") joins it.
    """
    out: list[str] = []
    for k, fragment in enumerate(fragments):
        following = next(
            (
                parenthesis(f)[0]
                for f in fragments[k + 1 : k + _MAX_JOIN]
                if len(parenthesis(f)[0].split()) > 1
            ),
            None,
        )
        if following is None or "(" in fragment or len(fragment.split()) > 2 or resolves(fragment):
            out.append(fragment)
            continue
        with_head = f"{fragment} {following.split()[-1]}"
        if resolves(with_head):
            out.append(with_head)
        elif not resolves(f"{fragment} {fragments[k + 1]}"):
            out.append(fragment)
        # else: an adjective of the next fragment's effect, which names it already
    return out


def _join_resolves(fragments: list[str], resolves: Resolver) -> bool:
    """Whether comma fragments name one effect together.

    The joined words themselves may name it ("swelling of the face, lips or
    throat"), or a final parenthesis may rename the whole list ("swelling of
    the hands, legs or feet (peripheral edema)") - but not when it only
    renames the last fragment ("..., chest pain, syncope (fainting)").
    """
    main = ", ".join(parenthesis(f)[0] for f in fragments)
    if resolves(main):
        return True
    last_main, rename = parenthesis(fragments[-1])
    if not rename or not resolves(rename):
        return False
    # "swelling of the face, lips, tongue or throat (angioedema)": an "X of" head shared by
    # short words after it ("lips", "tongue", "or feet") that name nothing alone.
    if not re.search(r"\b(of|in|on)\b", parenthesis(fragments[0])[0], re.IGNORECASE):
        return False
    later = [parenthesis(f)[0] for f in fragments[1:]]
    return all(len(f.split()) <= 3 and not resolves(f) for f in later)


_WITH = re.compile(r"\s+with\s+(?!or without\b|secondary\b)", re.IGNORECASE)
_AND = re.compile(
    r"\s+(?:and|as well as|plus|with secondary|followed by)\s+|\s+&\s+", re.IGNORECASE
)


def split_conjunctions(
    fragment: str, resolves: Resolver, curated: Callable[[str], bool] | None = None
) -> list[str]:
    """'A and B or C (X)': 'and' separates effects before 'or' and '/' do."""
    if curated is not None and _CONJ.search(fragment) and curated(fragment):
        return [fragment]
    with_ = _WITH.search(mask_parens(fragment))
    if with_ and not resolves(fragment):
        # "severe constipation with stomach pain and bloating": the effect, then the
        # effects that come with it (when the first names an effect on its own).
        before, after = fragment[: with_.start()].strip(), fragment[with_.end() :].strip()
        if resolves(before):
            rest = [p for p in split_conjunctions(after, resolves, curated) if resolves(p)]
            return [before, *rest]
    and_parts = split_outside_parens(fragment, _AND)
    rename = parenthesis(fragment)[1]
    if (
        len(and_parts) > 1
        and rename
        and fragment.rstrip().endswith(")")
        and resolves(rename)
        and not all(resolves(parenthesis(p)[0]) for p in and_parts)
    ):
        # "tingling in the hands and feet (paraesthesia)": the parenthesis names the whole.
        return [fragment]
    if len(and_parts) > 1:
        segmented = _segment_and_parts(and_parts, resolves)
        if segmented is not None:
            return segmented
    return _split_alternatives(fragment, resolves)


def _segment_and_parts(parts: list[str], resolves: Resolver) -> list[str] | None:
    """The finest grouping of 'and' parts in which every group names known effects.

    "sleeping problems and pins and needles" -> "sleeping problems", "pins and
    needles": an 'and' inside a known name does not split it, and every other
    'and' does (the contract counts "nausea and vomiting" as two effects).
    """
    n = len(parts)
    # best[i]: the phrases for parts[i:], with the most groups; None when impossible.
    best: list[tuple[int, list[str]] | None] = [None] * n + [(0, [])]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + _MAX_JOIN) + 1):
            rest = best[j]
            if rest is None:
                continue
            group = strip_filler(" and ".join(parts[i:j]))
            phrases = _split_alternatives(group, resolves)
            if not phrases or not all(resolves(p) for p in phrases):
                continue
            candidate = (rest[0] + 1, phrases + rest[1])
            current = best[i]
            if current is None or candidate[0] > current[0]:
                best[i] = candidate
    found = best[0]
    return found[1] if found is not None else None


def _split_alternatives(fragment: str, resolves: Resolver) -> list[str]:
    main, rename = parenthesis(fragment)
    parts = split_outside_parens(fragment, _CONJ)
    if len(parts) < 2:
        return [fragment]
    mains_resolve = all(resolves(parenthesis(p)[0]) for p in parts)
    if rename and resolves(rename) and _PAREN.search(parts[-1]) and not mains_resolve:
        # "Muscle aches or pain (myalgia)": the parenthesis names the whole.
        return [fragment]
    parts = [strip_filler(p) for p in parts]
    if all(resolves(p) for p in parts):
        return parts
    repaired: list[str | None] = []
    for k, part in enumerate(parts):
        if resolves(part):
            repaired.append(part)
            continue
        candidate = None
        if k + 1 < len(parts):
            # "blurred or double vision" -> "blurred vision"
            tail_word = parenthesis(parts[k + 1])[0].split()[-1:]
            if tail_word and resolves(f"{part} {tail_word[0]}"):
                candidate = f"{part} {tail_word[0]}"
        if candidate is None and k > 0:
            # "stomach bleeding or ulcers" -> "stomach ulcers"; "problems with coordination
            # and walking" -> "problems with walking"
            head_words = parenthesis(parts[k - 1])[0].split()
            for n in range(1, min(4, len(head_words))):
                attempt = " ".join([*head_words[:n], part])
                if resolves(attempt):
                    candidate = attempt
                    break
        repaired.append(candidate)
    if all(r is not None for r in repaired):
        return [r for r in repaired if r is not None]
    if resolves(fragment):
        return [fragment]
    if any(r is not None for r in repaired):
        return [r if r is not None else p for r, p in zip(repaired, parts, strict=True)]
    return [fragment]
