"""The call timer: elapsed against the planned minutes, for the call and for this question."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from debrief.core.call import format_clock


class CallTimer(Widget, can_focus=False):
    """``▶ 4:12/20:00 · Q 1:10/2:00``; paused shows ❚❚, running over plan turns the figure amber."""

    DEFAULT_CSS = """
    CallTimer {
        width: auto;
        height: 1;
        padding: 0 1;
        & > .call-timer--paused { color: $text-muted; }
        & > .call-timer--running { color: $text-success; text-style: bold; }
        & > .call-timer--over { color: $text-warning; text-style: bold; }
        & > .call-timer--label { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {"call-timer--paused", "call-timer--running", "call-timer--over", "call-timer--label"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.running = False
        self.elapsed = 0.0
        self.planned = 0.0
        self.question_elapsed = 0.0
        self.question_planned = 0.0

    def show(self, *, running: bool, elapsed: float, planned: float, question_elapsed: float,
             question_planned: float) -> None:
        """Update the figures; ``planned`` values are seconds."""
        self.running = running
        self.elapsed, self.planned = elapsed, planned
        self.question_elapsed, self.question_planned = question_elapsed, question_planned
        self.refresh(layout=True)

    def _figure(self, elapsed: float, planned: float) -> Text:
        style = "call-timer--over" if planned and elapsed > planned else (
            "call-timer--running" if self.running else "call-timer--paused")
        figure = Text(format_clock(elapsed), self.get_component_rich_style(style))
        figure.append(f"/{format_clock(planned)}", self.get_component_rich_style("call-timer--label"))
        return figure

    def _content(self) -> Text:
        line = Text(no_wrap=True)
        state = "▶ " if self.running else "❚❚ "
        line.append(state, self.get_component_rich_style(
            "call-timer--running" if self.running else "call-timer--paused"))
        line.append_text(self._figure(self.elapsed, self.planned))
        line.append(" · Q ", self.get_component_rich_style("call-timer--label"))
        line.append_text(self._figure(self.question_elapsed, self.question_planned))
        return line

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._content().cell_len

    def render(self) -> Text:
        return self._content()
