"""The store's errors, apart from the store so that what it calls on a save (the facts cache) can
name them without importing the store back."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database, worded as one line for the rep."""


class CorruptFile(StoreError):
    """A file that is not readable JSON: reported, never overwritten."""


class NotFound(StoreError):
    """No debrief with that id."""


class DatabaseBusy(StoreError):
    """Another process held the lock for too long."""
