"""Who talks how much: the rep's share as a bar, who has the floor now, the longest monologue.

Past the target share the rep's figure and bar turn to the error colour (class ``-over-target``);
when one monologue runs past the limit too, the meter says so in a single line (a nudge, not an
alarm: the rep is on the phone).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from debrief.core.call import Speaker, format_clock

BAR_CELLS = 10


class TalkMeter(Widget, can_focus=False):
    """One line: ``Talk  rep 24% ██▍░░░░░░░ buyer 76% · now: buyer · longest 0:42``."""

    DEFAULT_CSS = """
    TalkMeter {
        height: 1;
        width: 1fr;
        & > .talk-meter--label { color: $text-muted; }
        & > .talk-meter--rep { color: $text-primary; }
        & > .talk-meter--bar-rest { color: $text-muted; }
        & > .talk-meter--now { text-style: bold; }
        &.-over-target > .talk-meter--rep { color: $text-error; text-style: bold; }
        &.-over-target > .talk-meter--share { color: $text-error; text-style: bold; }
        &.-nudge { background: $warning 25%; }
        &.-nudge > .talk-meter--nudge { color: $text-warning; text-style: bold; }
    }
    """

    COMPONENT_CLASSES = {
        "talk-meter--label",
        "talk-meter--rep",
        "talk-meter--bar-rest",
        "talk-meter--now",
        "talk-meter--nudge",
        "talk-meter--share",
    }

    def __init__(self, *, target: float, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.target = target
        self.share: float | None = None
        self.speaker = Speaker.NOBODY
        self.longest = 0.0
        self.nudge: str | None = None

    def show(self, share: float | None, speaker: Speaker, longest: float, nudge: str | None) -> None:
        """Update the figures (called on every tick and every toggle)."""
        self.share, self.speaker, self.longest, self.nudge = share, speaker, longest, nudge
        self.set_class(nudge is not None, "-nudge")
        self.set_class(self.over_target, "-over-target")
        self.refresh()

    @property
    def over_target(self) -> bool:
        """The rep has talked more than the target share: the bar and figure turn to the error colour."""
        return self.share is not None and self.share > self.target

    def _bar(self, share: float) -> Text:
        filled = round(share * BAR_CELLS)
        bar = Text()
        bar.append("█" * filled, self.get_component_rich_style("talk-meter--rep"))
        bar.append("░" * (BAR_CELLS - filled), self.get_component_rich_style("talk-meter--bar-rest"))
        return bar

    def render(self) -> Text:
        label = self.get_component_rich_style("talk-meter--label")
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("Talk ", label)
        if self.share is None:
            line.append(f"rep –  {'░' * BAR_CELLS}", label)
        else:
            line.append(f"rep {self.share:>4.0%} ", self.get_component_rich_style("talk-meter--share"))
            line.append_text(self._bar(self.share))
            line.append(f" buyer {1 - self.share:.0%}")
        now = {Speaker.NOBODY: "nobody", Speaker.REP: "you", Speaker.BUYER: "buyer"}[self.speaker]
        line.append(" · now ", label)
        line.append(now, self.get_component_rich_style("talk-meter--now"))
        if self.nudge:
            line.append(" · ", label)
            line.append(self.nudge, self.get_component_rich_style("talk-meter--nudge"))
        else:
            line.append(f" · longest {format_clock(self.longest)}", label)
            line.append(f" · aim <{self.target:.0%}", label)
        return line
