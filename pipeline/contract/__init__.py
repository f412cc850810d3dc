"""The output contract in one place: the published tables and the vocabularies.

``tables`` holds each table's columns, Arrow types, key and description;
``vocabularies`` the closed value sets (bands, rule types, statuses,
populations, dose periods) and named conditions.  Every stage imports these
instead of restating a column list or a value, so a contract change is made
once.  The package imports nothing else of the pipeline: it sits below every
stage.
"""
