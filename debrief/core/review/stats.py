"""Patterns across all debriefs: every debrief boiled down to a few ``Facts``, then counted.

Loss reasons (the buyer's and the rep's guesses), competitors, stages, quarters, red flags before
losses, how often the rep's guesses were right, follow-ups done and due, questions left unclear.
The result is typed (``Stats``); ``Stats.to_json`` is the stable shape of ``stats --format json``.
What is due comes from ``progress.due`` (the rule of the home screen) over each debrief's index
summary, so home, patterns and ``stats`` list the same check-ins.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from debrief.core.dates import format_date
from debrief.core.facts import check_in_upcoming, reason_label
from debrief.core.progress import DueItem, due
from debrief.core.red_flags import RED_FLAGS
from debrief.core.review.facts import Facts, cents_of, facts_of, quarter_of
from debrief.core.settings import Settings
from debrief.core.text import cells, one_line, pad, plural

__all__ = ["Facts", "Stats", "Tally", "cents_of", "compute_stats", "facts_of", "finish", "quarter_of", "stats_markdown",
           "stats_of", "stats_text"]

if TYPE_CHECKING:
    # Counting from the facts cache never needs the model: ``debrief stats`` starts without it.
    from debrief.core.model import Debrief


# -- the typed result -----------------------------------------------------------------------------


_NAMES: dict[type, tuple[tuple[str, ...], bool]] = {}
"""Field names of each result dataclass, and whether every field holds a scalar (str, a number,
a date, None), looked up once: the due lists hold tens of thousands of rows."""

_SCALARS = {"str", "int", "float", "bool", "date", "None"}


def _fields_of(kind: type) -> tuple[tuple[str, ...], bool]:
    found = _NAMES.get(kind)
    if found is None:
        fields = dataclasses.fields(kind)
        # Annotations are text here (``from __future__ import annotations``): "str | None", "date".
        flat = all(set(str(f.type).replace(" ", "").split("|")) <= _SCALARS for f in fields)
        found = _NAMES[kind] = (tuple(f.name for f in fields), flat)
    return found


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and lists as plain JSON types (lists, dicts)."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_json"):
            return value.to_json()
        names, flat = _fields_of(kind)
        if flat:
            return {name: getattr(value, name) for name in names}
        return {name: _plain(getattr(value, name)) for name in names}
    return value


@dataclass(frozen=True)
class ReasonCount:
    """A reason and how many debriefs gave it."""

    reason: str
    label: str
    count: int


@dataclass(frozen=True)
class ReasonStat:
    """One loss reason across all debriefs: said by buyers, guessed by the rep, confirmed."""

    reason: str
    label: str
    count: int
    share: float
    guessed: int
    guessed_share: float
    confirmed: int


@dataclass(frozen=True)
class GroupStat:
    """A breakdown row (a competitor or a stage): losses, their value, the top reasons."""

    field: str
    """The JSON key of ``name``: ``name`` for competitors, ``stage`` for stages."""
    name: str
    label: str
    count: int
    share: float
    value: float
    reasons: tuple[ReasonCount, ...]

    def to_json(self) -> dict[str, Any]:
        return {self.field: self.name, "label": self.label, "count": self.count, "share": self.share,
                "value": self.value, "reasons": _plain(self.reasons)}


@dataclass(frozen=True)
class QuarterStat:
    """Losses of one quarter."""

    quarter: str
    count: int
    value: float
    reasons: tuple[ReasonCount, ...]


@dataclass(frozen=True)
class FlagReason:
    """A reason that followed a red flag: how often, and how much more often than usual (lift)."""

    reason: str
    label: str
    count: int
    share: float
    lift: float | None


@dataclass(frozen=True)
class FlagStat:
    """One red flag: how often it was seen, and what the buyer then said."""

    flag: str
    label: str
    count: int
    heard: int
    reasons: tuple[FlagReason, ...]


@dataclass(frozen=True)
class AccuracyQuarter:
    """How well the rep guessed in one quarter."""

    quarter: str
    debriefs: int
    guessed: int
    confirmed: int
    accuracy: float | None


@dataclass(frozen=True)
class GuessAccuracy:
    """How often the rep's guesses were confirmed, over debriefs where the buyer gave reasons."""

    debriefs: int
    guessed: int
    confirmed: int
    accuracy: float | None
    quarters: tuple[AccuracyQuarter, ...]


@dataclass(frozen=True)
class ActionCounts:
    """Action items across all debriefs."""

    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class CheckInCounts:
    """Check-ins due now and planned later."""

    due: int
    upcoming: int


@dataclass(frozen=True)
class CheckInDue:
    """A check-in that is due (the home panel's rule)."""

    id: str
    company: str
    contact: str
    next_check_in: str
    days_overdue: int


@dataclass(frozen=True)
class OverdueItem:
    """An open action item past its due date."""

    id: str
    company: str
    text: str
    due: str
    days_overdue: int


@dataclass(frozen=True)
class DueEntry:
    """Something else due today, as the home panel lists it."""

    id: str
    company: str
    note: str


@dataclass(frozen=True)
class FollowUpStats:
    """Follow-ups: action items, check-ins, and everything due today."""

    action_items: ActionCounts
    check_ins: CheckInCounts
    logged: int
    due: tuple[CheckInDue, ...]
    overdue_items: tuple[OverdueItem, ...]
    to_schedule: tuple[DueEntry, ...] = ()
    calls_today: tuple[DueEntry, ...] = ()
    move_on: tuple[DueEntry, ...] = ()


@dataclass(frozen=True)
class UnclearStat:
    """A question that was left unclear in some debriefs."""

    question_id: str
    text: str
    asked: int
    unclear: int
    clarified: int
    share: float


@dataclass(frozen=True)
class Period:
    """The first and last loss date (None when there are no debriefs)."""

    start: str | None
    end: str | None

    def to_json(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end}


@dataclass(frozen=True)
class Stats:
    """Every pattern across the debriefs."""

    total: int
    today: str
    period: Period
    value_lost: float
    heard: int
    """Debriefs whose buyer gave at least one reason (the base of the reasons' shares)."""
    with_guesses: int
    reasons: tuple[ReasonStat, ...]
    competitors: tuple[GroupStat, ...]
    stages: tuple[GroupStat, ...]
    quarters: tuple[QuarterStat, ...]
    red_flags: tuple[FlagStat, ...]
    guess_accuracy: GuessAccuracy
    follow_ups: FollowUpStats
    unclear_questions: tuple[UnclearStat, ...]
    unreadable: tuple[str, ...] = ()
    """Debriefs whose file could not be read, so they are not counted."""

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of ``debrief stats --format json``."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


# -- counting -------------------------------------------------------------------------------------


def _quarters_between(first: str, last: str) -> list[str]:
    year, quarter = int(first[:4]), int(first[-1])
    out = []
    while f"{year}-Q{quarter}" <= last:
        out.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _top_reasons(counter: Counter[str], limit: int = 3) -> tuple[ReasonCount, ...]:
    return tuple(ReasonCount(tag, reason_label(tag), count)
                 for tag, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])


class _Group:
    """A breakdown bucket: how many losses, their value (in cents, so any order of adding gives the
    same sum), and the buyer's reasons in them."""

    __slots__ = ("cents", "count", "reasons", "spellings")

    def __init__(self) -> None:
        self.count = 0
        self.cents = 0
        self.reasons: Counter[str] = Counter()
        self.spellings: Counter[str] = Counter()

    def add(self, facts: Facts, spelling: str, said: Iterable[str]) -> None:
        self.count += 1
        self.cents += cents_of(facts.value)
        self.reasons.update(said)
        self.spellings[spelling] += 1

    def merge(self, other: _Group) -> None:
        self.count += other.count
        self.cents += other.cents
        self.reasons.update(other.reasons)
        self.spellings.update(other.spellings)

    @property
    def value(self) -> float:
        return self.cents / 100

    @property
    def label(self) -> str:
        """The name as most often typed ("Salesforce" over a one-off "salesforce"); capitals win ties."""
        return max(self.spellings, key=lambda s: (self.spellings[s], s != s.lower(), s), default="")


def _grouped(groups: dict[str, _Group], total: int, name: str, blank: str) -> tuple[GroupStat, ...]:
    return tuple(GroupStat(name, group.label, group.label or blank, group.count, _share(group.count, total),
                           round(group.value, 2), _top_reasons(group.reasons))
                 for group in sorted(groups.values(), key=lambda g: (-g.count, g.label.casefold())))


def _entry(item: DueItem) -> DueEntry:
    return DueEntry(item.id, one_line(item.company), item.note)


@dataclass
class Tally:
    """The counts of many debriefs before today is known: built from ``Facts`` one by one, read
    from the facts cache, or pooled with a team's (``merge``); ``finish`` turns it into ``Stats``.

    The parts that depend on today (overdue items, check-ins, what is due) are kept as candidate
    rows and judged in ``finish``, so a tally may hold more of them than today needs.
    """

    total: int = 0
    heard: int = 0
    with_guesses: int = 0
    cents: int = 0
    first_day: date | None = None
    last_day: date | None = None
    buyer: Counter[str] = dataclasses.field(default_factory=Counter)
    guessed: Counter[str] = dataclasses.field(default_factory=Counter)
    confirmed: Counter[str] = dataclasses.field(default_factory=Counter)
    competitors: dict[str, _Group] = dataclasses.field(default_factory=dict)
    stages: dict[str, _Group] = dataclasses.field(default_factory=dict)
    quarters: dict[str, _Group] = dataclasses.field(default_factory=dict)
    flags: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """flag -> [debriefs, heard]"""
    flag_reasons: dict[str, Counter[str]] = dataclasses.field(default_factory=dict)
    guess_quarters: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """quarter -> [debriefs, guessed, confirmed]"""
    items_done: int = 0
    items_open: int = 0
    logged: int = 0
    questions: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    """question id -> [id of the first debrief asking it, its text there, asked, unclear, clarified]"""
    open_actions: list[tuple[str, str, str, date]] = dataclasses.field(default_factory=list)
    """Open action items with a due date: debrief id, company, text, due (candidates for overdue)."""
    check_ins: list[tuple[date, date | None]] = dataclasses.field(default_factory=list)
    """Planned check-ins and move-on dates (candidates for "coming up")."""
    summaries: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """Index summaries that may have something due (candidates for the due rule)."""

    @classmethod
    def of(cls, all_facts: Iterable[Facts]) -> Tally:
        """The tally of these debriefs."""
        tally = cls()
        for facts in all_facts:
            tally.add(facts)
        return tally

    def add(self, facts: Facts) -> None:
        """Count one debrief."""
        self.total += 1
        self.summaries.append(facts.summary)
        self.cents += cents_of(facts.value)
        self.first_day = facts.lost_on if self.first_day is None else min(self.first_day, facts.lost_on)
        self.last_day = facts.lost_on if self.last_day is None else max(self.last_day, facts.lost_on)
        said = sorted(set(facts.buyer))
        if said:
            self.heard += 1
            self.buyer.update(said)
        if facts.guessed:
            self.with_guesses += 1
            self.guessed.update(facts.guessed)
        self.competitors.setdefault(facts.lost_to.casefold(), _Group()).add(facts, facts.lost_to, said)
        self.stages.setdefault(facts.stage.casefold(), _Group()).add(facts, facts.stage, said)
        quarter = quarter_of(facts.lost_on)
        self.quarters.setdefault(quarter, _Group()).add(facts, quarter, said)
        for flag in facts.red_flags:
            counts = self.flags.setdefault(flag, [0, 0])
            counts[0] += 1
            if said:
                counts[1] += 1
                self.flag_reasons.setdefault(flag, Counter()).update(said)
        if said and facts.guessed:
            hits = [tag for tag in facts.guessed if tag in said]
            self.confirmed.update(hits)
            entry = self.guess_quarters.setdefault(quarter, [0, 0, 0])
            entry[0] += 1
            entry[1] += len(facts.guessed)
            entry[2] += len(hits)
        for done, due_on, text in facts.actions:
            if done:
                self.items_done += 1
            else:
                self.items_open += 1
                if due_on is not None:
                    self.open_actions.append((facts.id, facts.company, text, due_on))
        self.logged += facts.follow_ups
        if facts.next_check_in is not None:
            self.check_ins.append((facts.next_check_in, facts.move_on))
        for qid, text, state in facts.answers:
            question = self.questions.get(qid)
            if question is None or facts.id < question[0]:
                question = self.questions[qid] = [facts.id, text, *(question[2:] if question else (0, 0, 0))]
            question[2] += 1
            if state == "unclear":
                question[3] += 1
            elif state == "clarified":
                question[4] += 1

    def merge(self, other: Tally) -> Tally:
        """Pool another source's counts into this one (a team's shared debriefs); returns self."""
        self.total += other.total
        self.heard += other.heard
        self.with_guesses += other.with_guesses
        self.cents += other.cents
        days = [day for day in (self.first_day, other.first_day) if day is not None]
        self.first_day = min(days) if days else None
        days = [day for day in (self.last_day, other.last_day) if day is not None]
        self.last_day = max(days) if days else None
        for mine, theirs in ((self.buyer, other.buyer), (self.guessed, other.guessed),
                             (self.confirmed, other.confirmed)):
            mine.update(theirs)
        for groups, more in ((self.competitors, other.competitors), (self.stages, other.stages),
                             (self.quarters, other.quarters)):
            for key, group in more.items():
                groups.setdefault(key, _Group()).merge(group)
        for flag, (count, flag_heard) in other.flags.items():
            counts = self.flags.setdefault(flag, [0, 0])
            counts[0] += count
            counts[1] += flag_heard
        for flag, reasons in other.flag_reasons.items():
            self.flag_reasons.setdefault(flag, Counter()).update(reasons)
        for quarter, values in other.guess_quarters.items():
            entry = self.guess_quarters.setdefault(quarter, [0, 0, 0])
            for position, value in enumerate(values):
                entry[position] += value
        self.items_done += other.items_done
        self.items_open += other.items_open
        self.logged += other.logged
        for qid, (first, text, asked, unclear, clarified) in other.questions.items():
            question = self.questions.get(qid)
            if question is None:
                self.questions[qid] = [first, text, asked, unclear, clarified]
                continue
            if first < question[0]:
                question[0], question[1] = first, text
            question[2] += asked
            question[3] += unclear
            question[4] += clarified
        self.open_actions += other.open_actions
        self.check_ins += other.check_ins
        self.summaries += other.summaries
        return self


def compute_stats(all_facts: Iterable[Facts], today: date, settings: Settings | None = None,
                  unreadable: Iterable[str] = ()) -> Stats:
    """Every pattern across the debriefs (see ``finish``)."""
    return finish(Tally.of(all_facts), today, settings, unreadable)


def finish(tally: Tally, today: date, settings: Settings | None = None, unreadable: Iterable[str] = ()) -> Stats:
    """Every pattern across the tallied debriefs, as of ``today``.

    Shares of reasons are of the debriefs whose buyer gave any reason ("heard"): one loss often
    has two reasons, so they add up to more than 100%.
    """
    total, heard, with_guesses = tally.total, tally.heard, tally.with_guesses
    buyer, guessed, confirmed = tally.buyer, tally.guessed, tally.confirmed
    flags, flag_reasons = tally.flags, tally.flag_reasons
    quarters, guess_quarters = tally.quarters, tally.guess_quarters
    competitors, stages = tally.competitors, tally.stages
    overdue_items = [OverdueItem(debrief_id, company, text, due_on.isoformat(), (today - due_on).days)
                     for debrief_id, company, text, due_on in tally.open_actions if due_on < today]
    check_ins_upcoming = sum(1 for check_in, move_on in tally.check_ins if check_in_upcoming(check_in, move_on, today))
    questions = {qid: entry[1:] for qid, entry in tally.questions.items()}
    summaries = tally.summaries
    first_day, last_day = tally.first_day, tally.last_day
    items_done, items_open, logged = tally.items_done, tally.items_open, tally.logged
    value_lost = tally.cents / 100

    reason_tags = sorted(set(buyer) | set(guessed), key=lambda t: (-buyer[t], -guessed[t], t))
    reasons = tuple(ReasonStat(tag, reason_label(tag), buyer[tag], _share(buyer[tag], heard), guessed[tag],
                               _share(guessed[tag], with_guesses), confirmed[tag]) for tag in reason_tags)
    overall_share = {tag: buyer[tag] / heard for tag in buyer} if heard else {}
    red_flags = []
    for flag, (count, flag_heard) in sorted(flags.items(), key=lambda kv: (-kv[1][0], kv[0])):
        co = flag_reasons.get(flag, Counter())
        red_flags.append(FlagStat(flag, RED_FLAGS.get(flag, flag), count, flag_heard, tuple(
            FlagReason(tag, reason_label(tag), n, _share(n, flag_heard),
                       round((n / flag_heard) / overall_share[tag], 2) if overall_share.get(tag) else None)
            for tag, n in sorted(co.items(), key=lambda kv: (-kv[1], kv[0])))))
    quarter_rows = []
    if quarters:
        for name in _quarters_between(min(quarters), max(quarters)):
            group = quarters.get(name, _Group())
            quarter_rows.append(QuarterStat(name, group.count, round(group.value, 2), _top_reasons(group.reasons)))
    judged_guesses = sum(entry[1] for entry in guess_quarters.values())
    judged_hits = sum(entry[2] for entry in guess_quarters.values())
    accuracy_rows = []
    if guess_quarters:
        for name in _quarters_between(min(guess_quarters), max(guess_quarters)):
            debriefs, guesses, hits = guess_quarters.get(name, [0, 0, 0])
            accuracy_rows.append(AccuracyQuarter(name, debriefs, guesses, hits,
                                                 round(hits / guesses, 4) if guesses else None))
    # What is due: the home screen's rule, over the same summaries the home screen reads.
    due_now = due(summaries, today, settings or Settings())
    check_ins = sorted((CheckInDue(item.id, one_line(item.company), one_line(item.contact),
                                   item.on.isoformat() if item.on else "", item.late_by)
                        for item in due_now.check_ins),
                       key=lambda row: (row.next_check_in, row.company, row.id))
    overdue_items.sort(key=lambda row: (row.due, row.company, row.id))
    unclear = sorted(((qid, *entry) for qid, entry in questions.items() if entry[2]),
                     key=lambda q: (-q[3], -q[3] / q[2], q[0]))
    return Stats(
        total=total,
        today=today.isoformat(),
        period=Period(format_date(first_day) or None, format_date(last_day) or None),
        value_lost=round(value_lost, 2),
        heard=heard,
        with_guesses=with_guesses,
        reasons=reasons,
        competitors=_grouped(competitors, total, "name", "not recorded"),
        stages=_grouped(stages, total, "stage", "not recorded"),
        quarters=tuple(quarter_rows),
        red_flags=tuple(red_flags),
        guess_accuracy=GuessAccuracy(
            debriefs=sum(entry[0] for entry in guess_quarters.values()),
            guessed=judged_guesses, confirmed=judged_hits,
            accuracy=round(judged_hits / judged_guesses, 4) if judged_guesses else None,
            quarters=tuple(accuracy_rows)),
        follow_ups=FollowUpStats(
            action_items=ActionCounts(items_done, items_open, len(overdue_items)),
            check_ins=CheckInCounts(len(check_ins), check_ins_upcoming),
            logged=logged,
            due=tuple(check_ins),
            overdue_items=tuple(overdue_items),
            to_schedule=tuple(_entry(item) for item in due_now.to_schedule),
            calls_today=tuple(_entry(item) for item in due_now.calls_today),
            move_on=tuple(_entry(item) for item in due_now.move_on)),
        unclear_questions=tuple(UnclearStat(qid, text, asked, count, clarified, _share(count, asked))
                                for qid, text, asked, count, clarified in unclear),
        unreadable=tuple(sorted(unreadable)),
    )


def stats_of(debriefs: Iterable[Debrief], today: date, settings: Settings | None = None,
             unreadable: Iterable[str] = ()) -> Stats:
    """Patterns straight from debriefs (the command line reads them once, no cache needed)."""
    return compute_stats((facts_of(debrief) for debrief in debriefs), today, settings, unreadable)


# -- as text ---------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    """A share as a whole percentage; a dash when there is nothing to divide by."""
    return "—" if value is None else f"{value:.0%}"


def _bar(value: float, top: float, width: int = 20) -> str:
    if top <= 0 or value <= 0:
        return ""
    cells = value / top * width
    full = int(cells)
    rest = "▏▎▍▌▋▊▉"[int((cells - full) * 7)] if full < width and cells - full >= 1 / 7 else ""
    return "█" * full + rest


BAR_BUYER = "█ buyer"
"""The header of a bar column: what the bars measure (the row with the most fills the width)."""
BAR_LOSSES = "█ losses"
NOT_HEARD = "— not heard yet"
"""Where a top reason would be but no buyer has given one (no call held, or no answer tagged)."""


def _top_reason(reasons: tuple[ReasonCount, ...], losses: int) -> str:
    """The buyer's most frequent reason in a row; says so when there are losses but none was heard."""
    if reasons:
        return reasons[0].label
    return NOT_HEARD if losses else ""


def _text_table(headers: list[str], rows: list[list[str]], align: str) -> list[str]:
    """Columns padded to width; ``align`` has one letter a column: l(eft) or r(ight)."""
    widths = [max(cells(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(row: list[str]) -> str:
        # Padded by display width: a competitor typed with an emoji keeps the columns in line.
        return "  ".join(pad(cell, width, right=side == "r")
                         for cell, width, side in zip(row, widths, align, strict=True)).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)]


def check_ins_line(stats: Stats) -> str:
    """One line on check-ins and follow-ups: the same words on the patterns screen and in ``stats``."""
    follow = stats.follow_ups
    return (f"Check-ins: {follow.check_ins.due:,} due by {stats.today}, {follow.check_ins.upcoming:,} coming up; "
            f"{plural(follow.logged, 'follow-up')} logged.")


def actions_line(stats: Stats) -> str:
    """One line on action items."""
    items = stats.follow_ups.action_items
    return f"Action items: {items.done:,} done, {items.open:,} open ({items.overdue:,} overdue)."


def stats_text(stats: Stats, limit: int = 10) -> str:
    """The patterns for a terminal: plain aligned tables with bars (``debrief stats``)."""
    if not stats.total:
        return "No debriefs yet: patterns appear once you have logged a few losses.\n"
    out = [f"{stats.total:,} lost deals from {stats.period.start} to {stats.period.end}, "
           f"{stats.value_lost:,.0f} in value; the buyer's reasons are known for {stats.heard:,}.", ""]

    def section(title: str, lines: list[str]) -> None:
        out.extend([title, *lines, ""])

    reasons = stats.reasons[:limit]
    top = max([r.count for r in reasons] + [1])
    section("Why we lose (buyer's reasons; share of debriefs where the buyer was heard)", _text_table(
        ["reason", "buyer", "share", "my guesses", BAR_BUYER],
        [[r.label, str(r.count), pct(r.share), str(r.guessed), _bar(r.count, top)] for r in reasons],
        "lrrrl"))
    for rows_all, title, name in ((stats.competitors, "Who we lose to", "competitor"),
                                  (stats.stages, "Where in the deal", "stage")):
        rows = rows_all[:limit]
        top = max([r.count for r in rows] + [1])
        section(title, _text_table(
            [name, "losses", "share", "top reason", BAR_LOSSES],
            [[r.label, str(r.count), pct(r.share), _top_reason(r.reasons, r.count), _bar(r.count, top)]
             for r in rows], "lrrll"))
    quarters = stats.quarters[-8:]
    top = max([q.count for q in quarters] + [1])
    section("Losses by quarter", _text_table(
        ["quarter", "losses", "top reason", BAR_LOSSES],
        [[q.quarter, str(q.count), _top_reason(q.reasons, q.count), _bar(q.count, top)]
         for q in quarters], "lrll"))
    accuracy = stats.guess_accuracy
    section(f"My guesses confirmed by the buyer: {pct(accuracy.accuracy)} "
            f"({accuracy.confirmed:,} of {plural(accuracy.guessed, 'guess', 'guesses')})", _text_table(
        ["quarter", "guesses", "confirmed", "accuracy"],
        [[q.quarter, str(q.guessed), str(q.confirmed), pct(q.accuracy)] for q in accuracy.quarters[-8:]],
        "lrrr"))
    section("Red flags before losses (most frequent buyer reasons when the flag was seen)", _text_table(
        ["red flag", "seen", "then the buyer said"],
        [[f.label, str(f.count), ", ".join(f"{r.label} {pct(r.share)}" for r in f.reasons[:3]) or NOT_HEARD]
         for f in stats.red_flags[:limit]], "lrl"))
    follow = stats.follow_ups
    lines = [actions_line(stats), check_ins_line(stats)]
    lines += [f"  due {row.next_check_in}  {row.id}  {row.company} ({row.contact})" for row in follow.due[:5]]
    for title, entries in (("To schedule", follow.to_schedule), ("Calls today", follow.calls_today),
                           ("Move on today", follow.move_on)):
        if entries:
            lines.append(f"{title}: {len(entries):,} — " + ", ".join(f"{e.company} ({e.id})" for e in entries[:5]))
    section("Follow-ups", lines)
    unclear = stats.unclear_questions[:limit]
    section("Questions most often left unclear", _text_table(
        ["question", "unclear", "asked", "share"],
        [[one_line(q.text, 60), str(q.unclear), str(q.asked), pct(q.share)] for q in unclear], "lrrr")
        if unclear else ["No answer was left unclear."])
    if stats.unreadable:
        section("Not counted", [f"{plural(len(stats.unreadable), 'debrief file')} could not be read: "
                                + ", ".join(stats.unreadable[:10])])
    return "\n".join(out).rstrip() + "\n"


def stats_markdown(stats: Stats) -> str:
    """The patterns as a Markdown report to share with a manager or a team."""
    return "# Patterns across lost deals\n\n```\n" + stats_text(stats, limit=20) + "```\n"
