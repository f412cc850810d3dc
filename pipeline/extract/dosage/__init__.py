"""Dosage rules of one page (output contract, 'dosage_rules').

Only the dosage sections are read (statements in Usage, Precautions or FAQs
are not rules).  Each sentence is cut into clauses; each clause is cut at
rule triggers ("starting dose", "increase to", "maximum of", "no dose
adjustment", "not recommended", "at least 14 days ... before"); the text
from a trigger to the next one carries that rule's amounts, frequency,
duration and interval, while the whole clause carries its condition
(renal, hepatic, interaction), severity and CrCl band.  Headings and bold
labels above a sentence give population, indication and condition.

The grammar's first layer is ``tags``: semantic tagging of a sentence into
typed tags (AMOUNT, STRENGTH, FREQUENCY, PERIOD, INTERVAL, DURATION, ROUTE,
FORM, POPULATION, CONDITION, TRIGGER, RENAL, HEPATIC), each found by one
small tested tagger, with rules over the tags that the clause reader uses
(a STRENGTH is no dose; a PERIOD before an amount makes it a daily total).
The clause reader still finds triggers and amounts with its own patterns;
moving it wholly onto the tags is the next step.

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
