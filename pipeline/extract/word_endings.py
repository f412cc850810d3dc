"""Fast yes/no answers for curated word patterns matched at the end of a word.

Curated word lists (disease words, ...) become one alternation ``(a|b|...)\\b`` that
is searched anywhere in a phrase.  Python's ``re`` tries every alternative at every
position of the text: with a hundred alternatives, some of them ``\\w+algia``, one
search costs 20-400 µs, and the disease-word test alone was a fifth of extraction.

Most alternatives match only word characters (letters, digits, ``\\w``).  A match of
such an alternative lies inside one run of word characters and ends at a word
boundary, which inside a run is only its start or its end; so the text holds a match
if and only if one of its runs, searched on its own, holds one.  Runs are words, and
words recur across phrases and pages, so each word's answer is kept.  Alternatives
that may match anything else (a space, a hyphen, a look-around) are searched in the
whole text, as before.  The answers are the same as ``bool(pattern.search(text))``
(tests/extract/test_word_endings.py compares them).
"""

from __future__ import annotations

import re

from pipeline.ingest.curated import alternation

# An alternative made of these pieces only can match nothing but word characters:
# letters, digits, \w, and the grouping, alternation and repetition around them.
_WORD_ONLY = re.compile(r"(?:[A-Za-z0-9]|\\w|\(\?:|[()|?+*])*")
_RUN = re.compile(r"\w+")


class WordEndPatterns:
    """``bool(re.compile(rf"({alternation})\\b", flags).search(text))``, answered fast."""

    # Answers kept per word; a corpus has tens of thousands of distinct words.
    MAX_WORDS = 200_000

    def __init__(self, alternatives: list[str] | tuple[str, ...], flags: int = re.IGNORECASE):
        words = [a for a in alternatives if _WORD_ONLY.fullmatch(a)]
        others = [a for a in alternatives if not _WORD_ONLY.fullmatch(a)]
        self.pattern = re.compile(rf"({alternation(alternatives)})\b", flags)
        self._in_word = re.compile(rf"(?:{alternation(words)})\b", flags) if words else None
        self._spanning = re.compile(rf"(?:{alternation(others)})\b", flags) if others else None
        self._answers: dict[str, bool] = {}

    def search(self, text: str) -> bool:
        """Whether the alternation, followed by a word boundary, occurs in the text."""
        if self._in_word is not None:
            answers = self._answers
            for word in _RUN.findall(text):
                found = answers.get(word)
                if found is None:
                    found = self._in_word.search(word) is not None
                    if len(answers) < self.MAX_WORDS:
                        answers[word] = found
                if found:
                    return True
        return self._spanning is not None and self._spanning.search(text) is not None
