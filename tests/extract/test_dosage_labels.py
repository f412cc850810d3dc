"""Dosage rules under a per-indication list, and maxima stated as a daily dose."""

from __future__ import annotations

from pipeline.extract.dosage import extract_dosage_rules
from pipeline.vocabulary.conditions import ConditionVocabulary
from tests.conftest import page_from


def test_per_indication_labels_and_daily_maximum(conditions: ConditionVocabulary) -> None:
    """A label the condition vocabulary knows names the indication of the rules under it
    (whether or not Usage lists it), and "the maximum daily dose is" makes a daily total."""
    page = page_from(
        "---\ntitle: Testamine\n---\n# Testamine\n### Dosage\n"
        "* **Motion sickness:** 50-100 mg every 4-6 hours.\n"
        "* **Radiation sickness:** 50 mg before treatment.\n\n"
        "The maximum daily dose is 400 mg.\n"
    )
    got = extract_dosage_rules(page)
    by_indication = {(r.indication, r.rule_type, r.dose_max) for r in got}
    assert ("motion sickness", "maintenance", 100.0) in by_indication
    assert ("radiation sickness", "maintenance", 50.0) in by_indication
    maximum = [r for r in got if r.rule_type == "maximum"]
    assert [(r.dose_max, r.dose_period) for r in maximum] == [(400.0, "day")]
