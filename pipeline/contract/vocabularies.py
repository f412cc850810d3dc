"""The contract's closed vocabularies (output-contract.md), named once.

Values are plain strings (not ``Enum`` members) so that rows, Parquet and CSV
carry exactly the contract's spelling; the classes only give each value a
name to import instead of a bare string.  The tuples are the vocabularies the
blocking checks enforce, in the contract's order.
"""

from __future__ import annotations

from typing import Final


def _values(names: type) -> tuple[str, ...]:
    """A vocabulary class's values, in the order they are written (the contract's order)."""
    return tuple(value for key, value in vars(names).items() if not key.startswith("_"))


class PageStatus:
    OK: Final = "ok"
    QUARANTINED: Final = "quarantined"  # the file cannot be used
    FAILED: Final = "failed"  # read, but extracting it raised: a pipeline fault


PAGE_STATUSES: Final = _values(PageStatus)


class Band:
    """CIOMS frequency bands, most frequent first."""

    VERY_COMMON: Final = "very_common"
    COMMON: Final = "common"
    UNCOMMON: Final = "uncommon"
    RARE: Final = "rare"
    VERY_RARE: Final = "very_rare"
    UNKNOWN: Final = "unknown"


BANDS: Final = _values(Band)
BAND_ORDER: Final = {band: i for i, band in enumerate(BANDS)}  # lower = more frequent


class IndicationStatus:
    INDICATED: Final = "indicated"
    NOT_INDICATED: Final = "not_indicated"


INDICATION_STATUSES: Final = _values(IndicationStatus)


class Population:
    ADULT: Final = "adult"
    PEDIATRIC: Final = "pediatric"
    GERIATRIC: Final = "geriatric"
    ALL: Final = "all"  # dosage rules only: a rule that names no population


POPULATIONS: Final = tuple(p for p in _values(Population) if p != Population.ALL)
"""Populations an indication may be restricted to (null: no restriction)."""
RULE_POPULATIONS: Final = _values(Population)
"""Populations of a dosage rule (never null)."""


class RuleType:
    INITIAL: Final = "initial"
    TITRATION: Final = "titration"
    MAINTENANCE: Final = "maintenance"
    MAXIMUM: Final = "maximum"
    ADJUSTMENT: Final = "adjustment"
    NO_ADJUSTMENT: Final = "no_adjustment"
    NOT_RECOMMENDED: Final = "not_recommended"
    WASHOUT: Final = "washout"


RULE_TYPES: Final = _values(RuleType)


class DosePeriod:
    DOSE: Final = "dose"  # the amount is per administration
    DAY: Final = "day"  # the amount is a daily total


DOSE_PERIODS: Final = _values(DosePeriod)


class Condition:
    """Named conditions of a dosage rule.  Open: another snake_case name is allowed."""

    RENAL_IMPAIRMENT: Final = "renal_impairment"
    HEPATIC_IMPAIRMENT: Final = "hepatic_impairment"
    DRUG_INTERACTION: Final = "drug_interaction"
    DISCONTINUATION: Final = "discontinuation"


# Closed vocabularies per published table and column: what the blocking checks enforce.
VOCABULARIES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "pages": {"status": PAGE_STATUSES},
    "side_effect_mentions": {"frequency_band": BANDS},
    "side_effects": {"frequency_band": BANDS},
    "indications": {"status": INDICATION_STATUSES, "population": POPULATIONS},
    "dosage_rules": {
        "rule_type": RULE_TYPES,
        "population": RULE_POPULATIONS,
        "dose_period": DOSE_PERIODS,
    },
}
