"""Review: learn across losses. Side by side (``compare``), patterns (``stats``), ``search``, and
the in-memory ``library`` of one database that the review screens share.

Pure logic, no UI: the review screens, ``debrief compare``, ``debrief stats`` and ``debrief search``
all read the same results from here. The names below are the package's public face. None of these
modules loads the model at import time: ``debrief stats`` and ``debrief search`` count and search
the facts cache (``facts_cache``) without it.
"""

from __future__ import annotations

from debrief.core.review.compare import (
    MAX_COMPARE,
    MIN_COMPARE,
    Comparison,
    QuestionRow,
    ReasonLine,
    answer_cell,
    check_compare_ids,
    compare,
    comparison_markdown,
    merged_order,
)
from debrief.core.review.exports import save_export, slug
from debrief.core.review.library import Library, library_for, readable
from debrief.core.review.search import (
    SearchDoc,
    SearchField,
    SearchHit,
    SearchResults,
    Snippet,
    match_pattern,
    query_terms,
    search,
    search_doc,
    snippet,
)
from debrief.core.review.stats import (
    Facts,
    Stats,
    compute_stats,
    facts_of,
    quarter_of,
    stats_markdown,
    stats_of,
    stats_text,
)

__all__ = [
    "MAX_COMPARE", "MIN_COMPARE", "Comparison", "Facts", "Library", "QuestionRow", "ReasonLine", "SearchDoc",
    "SearchField", "SearchHit", "SearchResults", "Snippet", "Stats", "answer_cell", "check_compare_ids", "compare",
    "comparison_markdown", "compute_stats", "facts_of", "library_for", "match_pattern", "merged_order",
    "quarter_of", "query_terms", "readable", "save_export", "search", "search_doc", "slug", "snippet",
    "stats_markdown", "stats_of", "stats_text",
]
