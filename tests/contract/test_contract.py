"""The contract package: vocabularies name real columns, in the contract's order."""

from __future__ import annotations

from pipeline.contract.tables import ALL_TABLES
from pipeline.contract.vocabularies import BAND_ORDER, BANDS, PAGE_STATUSES, VOCABULARIES, Band


def test_every_vocabulary_names_a_string_column_of_a_published_table() -> None:
    for table, columns in VOCABULARIES.items():
        for column, values in columns.items():
            assert str(ALL_TABLES[table].schema.field(column).type) == "string", (table, column)
            assert values and len(set(values)) == len(values), (table, column)


def test_bands_run_from_most_to_least_frequent_and_statuses_include_failed() -> None:
    assert BAND_ORDER[Band.VERY_COMMON] < BAND_ORDER[Band.RARE] < BAND_ORDER[Band.UNKNOWN]
    assert BANDS[-1] == Band.UNKNOWN
    assert PAGE_STATUSES == ("ok", "quarantined", "failed")
