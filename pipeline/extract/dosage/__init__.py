"""Dosage rules of one page (output contract, 'dosage_rules').

Only the dosage sections are read (statements in Usage, Precautions or FAQs
are not rules).  Each sentence is cut into clauses; each clause is cut at
rule triggers ("starting dose", "increase to", "maximum of", "no dose
adjustment", "not recommended", "at least 14 days ... before"); the text
from a trigger to the next one carries that rule's amounts, frequency,
duration and interval, while the whole clause carries its condition
(renal, hepatic, interaction), severity and CrCl band.  Headings and bold
labels above a sentence give population, indication and condition.

The package is split by concern: ``model`` (the rule and its scope),
``triggers`` (words that start a rule), ``amounts`` (amounts, frequencies,
routes), ``conditions`` and ``patients`` (renal, hepatic, interaction;
ages and weights), ``headings``/``sections``/``tables`` (where a sentence
sits and what that says about it), ``clauses`` (a sentence -> rules) and
``rules`` (a page -> rules).
"""

from pipeline.extract.dosage.model import DosageRule
from pipeline.extract.dosage.rules import extract_dosage_rules

__all__ = ["DosageRule", "extract_dosage_rules"]
