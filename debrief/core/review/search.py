"""Search: the free text of every debrief kept in memory (``SearchDoc``), so that each keystroke
searches in a few milliseconds, with the matched words located for highlighting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from debrief.core.text import fold, fold_map, one_line, strip_control

if TYPE_CHECKING:
    from debrief.core.model import Debrief


@dataclass(frozen=True, slots=True)
class SearchField:
    """One piece of a debrief's free text, flattened to one line, with where it came from."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """The searchable text of one debrief; ``blob`` is all of it, folded, for a fast first pass."""

    id: str
    company: str
    contact: str
    lost_on: date
    lost_to: str
    fields: tuple[SearchField, ...]
    blob: str


def search_doc(debrief: Debrief) -> SearchDoc:
    """What search looks through: impressions, every answer's notes and clarification, takeaways."""
    from debrief.core.document import TAKEAWAY_TITLES

    fields: list[SearchField] = []

    def add(label: str, text: str) -> None:
        flat = one_line(text)
        if flat:
            fields.append(SearchField(label, flat))

    lost_to = f" · lost to {debrief.lost_to}" if debrief.lost_to else ""
    add("Deal", f"{debrief.company} · {debrief.contact.name}{lost_to}")
    add("First impressions", debrief.impressions)
    texts = {q.id: one_line(q.text, 60) for q in debrief.script.questions} if debrief.script else {}
    order = list(dict.fromkeys([*texts, *debrief.answers]))
    for qid in order:
        answer = debrief.answers.get(qid)
        if answer is None:
            continue
        add(texts.get(qid, qid), answer.notes)
        add(f"Clarified · {texts.get(qid, qid)}", answer.clarified)
    for key, title in TAKEAWAY_TITLES:
        add(title, getattr(debrief.takeaways, key))
    for item in debrief.action_items:
        add("Action item", item.text)
    blob = "\n".join(fold(f.text) for f in fields)
    return SearchDoc(id=debrief.id, company=one_line(debrief.company), contact=one_line(debrief.contact.name),
                     lost_on=debrief.lost_on, lost_to=one_line(debrief.lost_to), fields=tuple(fields), blob=blob)


_TERM = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 12


def query_terms(query: str) -> list[str]:
    """Words of a query, folded; a "quoted phrase" is one term, and so is ``cost-of-delay`` (it folds
    to "cost of delay"). Every term must match."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(strip_control(query)[:500]):
        term = fold(phrase or word)
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of one field around the matches, with the matched spans (start, end) in ``text``."""

    label: str
    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching debrief: how well it matched and where."""

    doc: SearchDoc
    score: int
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True)
class SearchResults:
    """What one query found: the best ``hits`` of ``total`` matching debriefs."""

    query: str
    terms: tuple[str, ...]
    total: int
    hits: tuple[SearchHit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "terms": list(self.terms), "total": self.total,
            "hits": [{"id": hit.doc.id, "company": hit.doc.company, "contact": hit.doc.contact,
                      "lost_on": hit.doc.lost_on.isoformat(), "lost_to": hit.doc.lost_to, "score": hit.score,
                      "snippets": [{"field": s.label, "text": s.text, "matches": [list(span) for span in s.spans]}
                                   for s in hit.snippets]}
                     for hit in self.hits],
        }


def match_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """A regex that finds any of the folded terms in folded text, longest first; see :func:`match_spans`."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered))


def match_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``pattern`` matches ``text`` once folded, as spans of the original ``text``: the
    highlight covers ``Trädgård`` itself when the rep typed ``tradgard``."""
    folded, starts, ends = fold_map(text)
    return [(starts[m.start()], ends[m.end() - 1]) for m in pattern.finditer(folded) if m.end() > m.start()]


def snippet(label: str, text: str, pattern: re.Pattern[str], width: int = 150) -> Snippet | None:
    """The part of ``text`` around its first match, cut at word boundaries, matches located."""
    found = match_spans(text, pattern)
    if not found:
        return None
    first = found[0][0]
    start = 0
    if len(text) > width and first > width // 3:
        start = first - width // 3
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 15 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    piece = prefix + text[start:end] + suffix
    return Snippet(label, piece, tuple(match_spans(piece, pattern)))


def search(docs: Iterable[SearchDoc], query: str, limit: int = 100, per_doc: int = 3) -> SearchResults:
    """Debriefs whose text holds every term, most matches first (then the newest loss first)."""
    terms = query_terms(query)
    if not terms:
        return SearchResults(query=query, terms=(), total=0, hits=())
    matched = [doc for doc in docs if all(term in doc.blob for term in terms)]
    scored = sorted(((sum(doc.blob.count(term) for term in terms), doc) for doc in matched),
                    key=lambda pair: (-pair[0], -pair[1].lost_on.toordinal(), pair[1].id))
    pattern = match_pattern(terms)
    hits: list[SearchHit] = []
    for score, doc in scored[:limit]:
        snippets: list[Snippet] = []
        for item in doc.fields:
            found = snippet(item.label, item.text, pattern)
            if found is not None:
                snippets.append(found)
                if len(snippets) >= per_doc:
                    break
        hits.append(SearchHit(doc=doc, score=score, snippets=tuple(snippets)))
    return SearchResults(query=query, terms=tuple(terms), total=len(matched), hits=tuple(hits))


