"""The notes of the live call: a TextArea that leaves the call's keys to the call.

TextArea binds F6 (select line) and F7 (select all) itself; during a call those keys mark an answer
unclear or clarified, so the notes give them up. Everything else a TextArea does is kept.
``SoftWrapArea`` is the part any form with wrapped text reuses: it redraws in full on a rewrap.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widgets import TextArea

RESERVED_KEYS = frozenset({"f6", "f7"})
"""Keys the call screen needs that TextArea would otherwise take."""


def _keep(binding: BindingType) -> bool:
    keys = binding.key if isinstance(binding, Binding) else binding[0]
    return not set(keys.split(",")) & RESERVED_KEYS


class SoftWrapArea(TextArea):
    """A TextArea whose rows are all redrawn whenever it rewraps its text."""

    def _rewrap_and_refresh_virtual_size(self) -> None:
        """Rewrap, then repaint every line, not only the ones that changed.

        TextArea rewraps when its width settles (a scrollbar appears, the layout finishes) but
        repaints only some rows: a terminal then keeps rows wrapped at the earlier width, and
        reopened notes show a word twice or lose one until the cursor moves.
        """
        super()._rewrap_and_refresh_virtual_size()
        self.refresh()


class NotesArea(SoftWrapArea, inherit_bindings=False):
    """A soft-wrapping TextArea for notes, without TextArea's F6/F7 bindings."""

    BINDINGS = [binding for binding in TextArea.BINDINGS if _keep(binding)]
