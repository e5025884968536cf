"""Search results: one entry per matching debrief, its best snippets with the matched words styled."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from debrief.core.review import SearchHit, SearchResults
from debrief.widgets.plain import assemble, clean_line


class SearchResultList(OptionList):
    """Matching debriefs, best first; Enter reads the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Read", id="search.read", tooltip="Read the highlighted debrief"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "search-results--company",
        "search-results--meta",
        "search-results--field",
        "search-results--match",
    }

    DEFAULT_CSS = """
    SearchResultList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    SearchResultList > .search-results--company {
        text-style: bold;
    }
    SearchResultList > .search-results--meta {
        color: $text-muted;
    }
    SearchResultList > .search-results--field {
        color: $text-muted;
        text-style: italic;
    }
    SearchResultList > .search-results--match {
        color: $text-warning;
        text-style: bold underline;
    }
    SearchResultList:nocolor > .search-results--match {
        text-style: bold underline;
    }
    """

    def show(self, results: SearchResults) -> None:
        """Replace the entries with ``results`` (the first one highlighted)."""
        entries: list[Option | None] = []
        for hit in results.hits:
            if entries:
                entries.append(None)  # a divider line between debriefs
            entries.append(Option(self.entry(hit), id=hit.doc.id))
        self.set_options(entries)
        if results.hits:
            self.highlighted = 0

    def entry(self, hit: SearchHit) -> Content:
        """One result: who and when, then up to three snippets with the matches styled."""
        company = self.get_visual_style("search-results--company", partial=True)
        meta = self.get_visual_style("search-results--meta", partial=True)
        field = self.get_visual_style("search-results--field", partial=True)
        match = self.get_visual_style("search-results--match", partial=True)
        doc = hit.doc
        lost_to = f" to {doc.lost_to}" if doc.lost_to else ""
        parts: list[Content] = [assemble(
            (clean_line(doc.company), company),
            (" " + clean_line(f"— {doc.contact} · lost{lost_to} on {doc.lost_on.isoformat()} · {doc.id}"), meta),
        )]
        for piece in hit.snippets:
            # Cleaned text is the stored text (the model cleaned it), so the match offsets still hold.
            line = assemble(("  " + piece.label + ": ", field), piece.text)
            offset = len(piece.label) + 4
            for start, end in piece.spans:
                line = line.stylize(match, offset + start, offset + end)
            parts.append(line)
        return Content("\n").join(parts)
