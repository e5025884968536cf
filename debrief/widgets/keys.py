"""Keys named on screen come from the active bindings, never from a literal.

A label, button, hint or notification that tells the rep which key does something names the
binding by its id (``{schedule.book}`` in a template) and reads the key from the bindings as they
are now, with the user's keymap applied, exactly as the footer shows it. Rebind ``schedule.book``
to F9 and the button, the hint and the footer all say F9.

- :func:`key` is the key of one binding id;
- :func:`fill` fills a template's ``{binding.id}`` fields with keys (for text built on the spot);
- :func:`follow` marks a ``Static``/``Label``/``Button`` (or an ``Input``'s placeholder) whose
  text names keys: it is drawn when its screen mounts and again whenever the screen's bindings
  change (a new keymap included);
- :func:`follow_keymap` is what a screen calls once, on mount, to keep its marked widgets current.

The one-meaning-per-key table (F-keys and chords mean the same thing on every screen):

=========  =====================================================================================
f1         help · ctrl+q quit · ctrl+p the command palette · escape back · ctrl+s save (book)
f2-f10     the call: talk, previous, next, go to, unclear, clarified, probe, tag; f10 ends the
           stage (end the call, finish the wrap-up)
ctrl+t     the call timer · ctrl+b a marker · ctrl+o a question of your own
ctrl+g     use the suggestion (phrasing, call slot, move-on date)
ctrl+e     export: save to a file in the exports folder and copy to the clipboard
ctrl+f     the filter or search box
ctrl+n     wrap-up: an action item · ctrl+l a follow-up · ctrl+d done · ctrl+r remove
=========  =====================================================================================

Letters are screen mnemonics (they type into text fields, so they only act where none has focus).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from debrief.widgets.plain import plain

_FIELD = re.compile(r"\{([a-z_][a-z0-9_.-]*)\}")
_TEMPLATE = "_debrief_key_template"

W = TypeVar("W", bound=Widget)


def _bindings(node: DOMNode) -> list[Binding]:
    """The bindings a node declares (its merged ``BINDINGS``)."""
    return [binding for group in node._bindings.key_to_bindings.values() for binding in group]


def _candidates(node: DOMNode) -> list[DOMNode]:
    """Where a binding named on ``node`` may live: its ancestors (screen, app), then the screen's widgets."""
    chain: list[DOMNode] = list(node.ancestors_with_self)
    screen = node if isinstance(node, Screen) else next((n for n in chain if isinstance(n, Screen)), None)
    if screen is not None:
        chain += [widget for widget in screen.walk_children(with_self=False) if widget not in chain]
    # A hint may name a key of the screen underneath ("add one with e on home").
    chain += [other for other in reversed(node.app.screen_stack) if other not in chain]
    return chain


def find_binding(node: DOMNode, binding_id: str) -> Binding | None:
    """The binding with ``binding_id`` near ``node``, as declared (before the keymap)."""
    for candidate in _candidates(node):
        for binding in _bindings(candidate):
            if binding.id == binding_id:
                return binding
    return None


def key(node: DOMNode, binding_id: str) -> str:
    """The key that runs ``binding_id`` now, as the footer shows it (``^s``, ``f9``, ``esc``).

    The user's keymap wins over the declared key (its first key when it gives several). An id
    that is not bound near ``node`` shows as ``?``: a label must never invent a key.
    """
    binding = find_binding(node, binding_id)
    if binding is None:
        return "?"
    app = node.app
    rebound = app._keymap.get(binding_id)  # Textual keeps the keymap only here (no public getter)
    if rebound:
        binding = dataclasses.replace(binding, key=rebound.split(",")[0].strip(), key_display=None)
    return app.get_key_display(binding)


def fill(node: DOMNode, template: str) -> str:
    """``template`` with each ``{binding.id}`` replaced by its key: ``"Book  {schedule.book}"``."""
    return _FIELD.sub(lambda match: key(node, match.group(1)), template)


def follow(widget: W, template: str) -> W:
    """Mark ``widget`` as showing ``template`` (with keys); returns it, to yield in ``compose``."""
    setattr(widget, _TEMPLATE, template)
    return widget


def refresh_labels(screen: Screen[Any]) -> None:
    """Redraw every marked widget of ``screen`` whose keys changed."""
    for widget in screen.walk_children(with_self=False):
        template = getattr(widget, _TEMPLATE, None)
        if template is None:
            continue
        text = fill(screen, template)
        if getattr(widget, "_debrief_key_text", None) == text:
            continue
        widget._debrief_key_text = text  # type: ignore[attr-defined]
        if isinstance(widget, Button):
            widget.label = plain(text)
        elif isinstance(widget, Input):
            widget.placeholder = text
        elif isinstance(widget, Static):
            widget.update(plain(text))


def follow_keymap(screen: Screen[Any]) -> None:
    """Draw the screen's marked widgets now and whenever its bindings change (keymap, focus)."""
    refresh_labels(screen)
    screen.bindings_updated_signal.subscribe(screen, lambda _screen: refresh_labels(screen))
