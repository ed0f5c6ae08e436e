"""The ``cchc eval`` suite: question sets, scoring that agrees with score.py, reports."""
