"""A yes/no question before something unusual: booking another call, reopening a held call.

The reason and the question come from the core's status rules (``core.status``), so the app asks
about exactly what the command line refuses without its flag. ``y`` or Enter on Yes says yes;
``n`` or Escape says no, and no is the default: a stray key changes nothing.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from debrief.core.status import Confirmation
from debrief.widgets.plain import plain


class ConfirmDialog(ModalScreen[bool]):
    """Ask one question; dismisses with True for yes, False for no."""

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 70;
            max-width: 90%;
            height: auto;
            border: round $warning;
            background: $surface;
            padding: 0 1;
        }
        & #confirm-reason { text-style: bold; padding: 0 0 1 0; }
        & #confirm-buttons { height: auto; padding: 1 0 0 0; }
        & Button { margin: 0 2 0 0; }
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes, go ahead"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="No: leave everything as it is"),
        Binding("escape", "back", "No", id="confirm.back", show=False, tooltip="No: leave everything as it is"),
    ]

    def __init__(self, confirmation: Confirmation, yes: str = "Yes") -> None:
        super().__init__()
        self.confirmation = confirmation
        self.yes = yes

    def compose(self) -> ComposeResult:
        reason = self.confirmation.reason
        with Vertical():
            yield Static(plain(reason[:1].upper() + reason[1:] + "."), id="confirm-reason")
            yield Static(plain(self.confirmation.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(plain(self.yes), id="confirm-yes", variant="warning", compact=True)
                yield Button(plain("No"), id="confirm-no", variant="primary", compact=True)

    def on_mount(self) -> None:
        # The keys on the buttons are the active ones, so a rebound key reads right.
        for button_id, binding_id, label in (("confirm-yes", "confirm.yes", self.yes),
                                             ("confirm-no", "confirm.no", "No")):
            keys = [self.app.get_key_display(active.binding) for active in self.active_bindings.values()
                    if active.binding.id == binding_id]
            self.query_one(f"#{button_id}", Button).label = plain(f"{label} ({keys[0]})" if keys else label)
        self.query_one("#confirm-no", Button).focus()

    def action_back(self) -> None:
        """Escape says no, as everywhere it backs out."""
        self.action_answer(False)

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")
