"""One debrief as one document: a tree of sections that every reading of a debrief walks.

``debrief show --format md``, ``debrief summary``, the Read screen, its export and the wrap-up's
export all render this tree, so a fact (a status, a guess verdict, a date) reads the same in each.
The summary is a shorter selection of the same sections. Text in the tree is already cleaned of
terminal control characters; renderers add only structure (Markdown marks, screen styles).

Spans carry a *role*, never markup: the Markdown renderer turns a few roles into emphasis, the
screen turns roles into theme styles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from debrief.core.dates import format_date, format_datetime
from debrief.core.facts import (
    OTHER_NOTES,
    answers_by_phase,
    guess_check,
    held_minutes,
    move_on_today,
    moved_on,
    reason_label,
    state_label,
    status_label,
    talk_share,
    unclear_answers,
)
from debrief.core.model import RED_FLAGS, Debrief
from debrief.core.text import one_line, strip_control

# Roles a span may have: how it should stand out, whatever draws it.
PLAIN = ""
MUTED = "muted"
STRONG = "strong"
VERDICT = "verdict"  # followed by the verdict itself in ``Span.kind``
STATE = "state"  # an answer's state; ``Span.kind`` holds the state value
DONE = "done"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Span:
    """A piece of text with a role (how it stands out) and, for verdicts and states, which one."""

    text: str
    role: str = PLAIN
    kind: str = ""


@dataclass(frozen=True)
class Block:
    """One block of a section.

    ``kind`` is one of: ``field`` (label: value), ``text`` (a paragraph), ``quote`` (the rep's or the
    buyer's words, many lines), ``item`` (a list entry; ``check`` True/False for a to-do),
    ``heading`` (``level`` 3 for a phase, 4 for a question) or ``note`` (a muted remark).
    """

    kind: str
    spans: tuple[Span, ...] = ()
    label: str = ""
    check: bool | None = None
    level: int = 3

    @property
    def text(self) -> str:
        """The block's text without roles."""
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Section:
    """A titled part of the document; ``empty`` when the debrief has nothing for it yet."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    empty: bool = False


@dataclass(frozen=True)
class Document:
    """A title and its sections, in reading order."""

    title: str
    sections: tuple[Section, ...] = field(default=())

    def section(self, key: str) -> Section | None:
        """The section with this key, if the document has it."""
        return next((section for section in self.sections if section.key == key), None)

    @property
    def keys(self) -> list[str]:
        """The sections' keys, in order."""
        return [section.key for section in self.sections]


def _clean(text: str) -> str:
    return strip_control(text).strip()


def _field(label: str, value: str) -> Block:
    return Block("field", (Span(value),), label=label)


def _text(*spans: Span | str) -> Block:
    return Block("text", tuple(span if isinstance(span, Span) else Span(span) for span in spans))


def _quote(text: str) -> Block:
    return Block("quote", (Span(_clean(text)),))


def _note(text: str) -> Block:
    return Block("note", (Span(text, MUTED),))


def _item(*spans: Span | str, check: bool | None = None) -> Block:
    return Block("item", tuple(span if isinstance(span, Span) else Span(span) for span in spans), check=check)


def _money(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else ""


def _contact(debrief: Debrief) -> str:
    role = f", {_clean(debrief.contact.role)}" if debrief.contact.role.strip() else ""
    return _clean(debrief.contact.name) + role


# -- the sections ---------------------------------------------------------------------------------


def _lede(debrief: Debrief) -> Section:
    """The deal in one sentence: what the short summary opens with."""
    lost_to = f" to {_clean(debrief.lost_to)}" if debrief.lost_to.strip() else ""
    facts = [f"Lost{lost_to} on {format_date(debrief.lost_on)}"]
    role = f" ({_clean(debrief.contact.role)})" if debrief.contact.role.strip() else ""
    facts.append(f"debrief with {_clean(debrief.contact.name)}{role}")
    if debrief.call.ended_at is not None:
        facts.append(f"call held {format_date(debrief.call.ended_at.date())}")
    elif debrief.schedule is not None:
        facts.append(f"call booked {format_date(debrief.schedule.at.date())}")
    if debrief.value is not None:
        facts.append(f"value {_money(debrief.value)}")
    sentence = "; ".join(facts) + f". Status: {status_label(debrief.status)} (id {debrief.id})."
    return Section("lede", "The deal", (_text(sentence),))


def _deal(debrief: Debrief) -> Section:
    return Section("deal", "The deal", (
        _field("Status", status_label(debrief.status)),
        _field("Contact", _contact(debrief)),
        _field("Lost on", format_date(debrief.lost_on)),
        _field("Lost to", _clean(debrief.lost_to)),
        _field("Stage", _clean(debrief.stage)),
        _field("Value", _money(debrief.value)),
    ))


def _impressions(debrief: Debrief) -> Section:
    blocks = [_quote(debrief.impressions) if debrief.impressions.strip() else _note("No first impressions written.")]
    if debrief.guessed_reasons:
        blocks.append(_field("My guess at the reasons",
                             ", ".join(reason_label(t) for t in dict.fromkeys(debrief.guessed_reasons))))
    return Section("impressions", "First impressions", tuple(blocks))


def _red_flags(debrief: Debrief) -> Section:
    flags = [_item(RED_FLAGS.get(flag, _clean(flag))) for flag in dict.fromkeys(debrief.red_flags)]
    return Section("red-flags", "Red flags in hindsight", tuple(flags), empty=not flags)


def _call(debrief: Debrief) -> Section:
    if debrief.schedule is None:
        return Section("call", "The call", (_note("No call booked yet."),), empty=True)
    blocks = [_field("When", f"{format_datetime(debrief.schedule.at)} ({debrief.schedule.minutes} minutes)")]
    minutes = held_minutes(debrief.call)
    if minutes is not None:
        blocks.append(_field("Held", f"{minutes} minutes"))
    share = talk_share(debrief.call)
    if share is not None:
        blocks.append(_field("I talked", share))
    return Section("call", "The call", tuple(blocks))


def _guess(debrief: Debrief) -> Section:
    check = guess_check(debrief)
    blocks = [_item(f"{row.label}: ", Span(row.verdict, VERDICT, row.verdict),
                    Span(f" (buyer: {row.said}×)", MUTED) if row.said else Span(""))
              for row in check.guessed_rows]
    if check.buyer_only:
        blocks.append(_item("Buyer also said: ", ", ".join(row.label for row in check.buyer_only)))
    blocks.append(_note(check.sentence()))
    return Section("guess", "My guess versus what the buyer said", tuple(blocks),
                   empty=not check.guessed and not check.said)


def _answer_blocks(debrief: Debrief, other: bool) -> list[Block]:
    blocks: list[Block] = []
    phases = [phase for phase in answers_by_phase(debrief) if (phase.title == OTHER_NOTES and not phase.phase) == other]
    for phase in phases:
        if not other:
            blocks.append(Block("heading", (Span(phase.title),), level=3))
        for line in phase.answers:
            blocks.append(Block("heading", (Span(_clean(line.text)),
                                            Span(state_label(line.state), STATE, line.state.value)), level=4))
            if line.notes.strip():
                blocks.append(_quote(line.notes))
            if line.probes:
                blocks.append(_field("Probes asked", "; ".join(_clean(p) for p in line.probes)))
            if line.clarified.strip():
                blocks.append(_field("Clarified", _clean(line.clarified)))
            if line.tags:
                blocks.append(_field("Reasons", ", ".join(reason_label(t) for t in line.tags)))
    return blocks


def _answers(debrief: Debrief) -> Section:
    title = "Answers"
    if debrief.script is not None:
        title += f" (bank {_clean(debrief.script.bank_id)} v{debrief.script.bank_version})"
    blocks = _answer_blocks(debrief, other=False)
    return Section("answers", title, tuple(blocks) or (_note("No call script chosen yet."),), empty=not blocks)


def _other(debrief: Debrief) -> Section:
    blocks = _answer_blocks(debrief, other=True)
    return Section("other", "Other notes", tuple(blocks), empty=not blocks)


def _markers(debrief: Debrief) -> Section:
    items = [_item(Span(f"{int(m.elapsed // 60):02d}:{int(m.elapsed % 60):02d} ", MUTED), _clean(m.label))
             for m in debrief.call.markers]
    return Section("markers", "Markers", tuple(items), empty=not items)


def _adhoc(debrief: Debrief) -> Section:
    items = [_item(_clean(q.text), Span(f" (tone: {', '.join(_clean(f) for f in q.findings)})", MUTED)
                   if q.findings else Span(""))
             for q in debrief.call.adhoc]
    return Section("adhoc", "Questions added during the call", tuple(items), empty=not items)


TAKEAWAY_TITLES: tuple[tuple[str, str], ...] = (
    ("what_happened", "What happened"),
    ("differently", "What I could have done differently"),
    ("next_time", "What I will do next time"),
)


def _takeaways(debrief: Debrief) -> Section:
    blocks: list[Block] = []
    for name, title in TAKEAWAY_TITLES:
        text = getattr(debrief.takeaways, name)
        if text.strip():
            blocks += [_text(Span(f"{title}:", STRONG)), _quote(text)]
    return Section("takeaways", "Takeaways", tuple(blocks) or (_note("Not written yet."),), empty=not blocks)


def _actions(debrief: Debrief, today: date) -> Section:
    items: list[Block] = []
    for item in debrief.action_items:
        late = item.due is not None and not item.done and item.due < today
        details = [f"owner: {_clean(item.owner)}" if item.owner.strip() else "",
                   f"due {format_date(item.due)}" if item.due else ""]
        extra = ", ".join(part for part in details if part)
        spans = [Span(one_line(item.text))]
        if extra or late:
            spans.append(Span(" (" + extra, MUTED))
            if late:
                spans.append(Span((", " if extra else "") + "overdue", OVERDUE))
            spans.append(Span(")", MUTED))
        items.append(_item(*spans, check=item.done))
    return Section("actions", "Action items", tuple(items) or (_note("None."),), empty=not items)


def _touch(debrief: Debrief) -> Section:
    plan = debrief.stay_in_touch
    mention = {True: "yes", False: "no", None: "not asked"}[plan.may_mention]
    blocks = [_field("Channel", one_line(plan.channel)),
              _field("Next check-in", format_date(plan.next_check_in)),
              _field("May mention us to others", mention)]
    if plan.referral.strip():
        blocks.append(_field("Referral", one_line(plan.referral)))
    if plan.revisit_trigger.strip():
        blocks.append(_field("What would make them revisit", one_line(plan.revisit_trigger)))
    empty = not any((plan.channel, plan.next_check_in, plan.may_mention is not None, plan.referral,
                     plan.revisit_trigger))
    return Section("touch", "Staying in touch", tuple(blocks), empty=empty)


def _follow_ups(debrief: Debrief) -> Section:
    items = [_item(Span(f"{format_date(entry.on)} ", MUTED),
                   f"{one_line(entry.channel)}: " if entry.channel.strip() else "", one_line(entry.outcome))
             for entry in sorted(debrief.follow_ups, key=lambda entry: entry.on)]
    return Section("follow-ups", f"Follow-ups ({len(items)})", tuple(items) or (_note("None logged yet."),),
                   empty=not items)


def _move_on(debrief: Debrief, today: date) -> Section:
    when = format_date(debrief.move_on) or "not set"
    spans = [Span("Move on after: ", STRONG), Span(when)]
    if moved_on(debrief.move_on, today):
        spans.append(Span(" (moved on)", MUTED))
    elif move_on_today(debrief.move_on, today):
        spans.append(Span(" (today)", OVERDUE))
    return Section("move-on", "Move on", (_text(*spans),), empty=debrief.move_on is None)


def _unclear(debrief: Debrief) -> Section:
    items = [_item(one_line(line.text, 90), Span(f": {one_line(line.notes, 120)}" if line.notes.strip() else ""))
             for line in unclear_answers(debrief)]
    return Section("unclear", "Answers still unclear", tuple(items), empty=not items)


def title_of(debrief: Debrief) -> str:
    """The heading of the whole record."""
    return f"{_clean(debrief.company)} — debrief {debrief.id}"


def document(debrief: Debrief, today: date | None = None) -> Document:
    """Everything in one debrief, as sections; those the debrief has nothing for are left out."""
    today = today or date.today()
    sections = [_deal(debrief), _impressions(debrief), _red_flags(debrief), _call(debrief), _guess(debrief),
                _answers(debrief), _other(debrief), _markers(debrief), _adhoc(debrief), _takeaways(debrief),
                _actions(debrief, today), _touch(debrief), _follow_ups(debrief), _move_on(debrief, today)]
    return Document(title_of(debrief), tuple(section for section in sections if not section.empty))


SUMMARY_SECTIONS = ("lede", "guess", "takeaways", "actions", "touch", "follow-ups", "move-on", "unclear")
"""What the short summary keeps: the lesson, not the whole record."""


def summary_document(debrief: Debrief, today: date | None = None) -> Document:
    """The lesson, short: for a CRM note or a message to a manager.

    The same sections as ``document``; placeholders ("Not written yet.") stay in so the reader sees
    what is missing.
    """
    today = today or date.today()
    guess = _guess(debrief)
    sections = [_lede(debrief), Section("guess", "Why we lost: my guess versus the buyer", guess.blocks),
                _takeaways(debrief), _actions(debrief, today), _touch(debrief), _follow_ups(debrief),
                _move_on(debrief, today), _unclear(debrief)]
    return Document(f"Loss debrief: {_clean(debrief.company)}",
                    tuple(s for s in sections if not (s.key == "unclear" and s.empty)))


# -- Markdown --------------------------------------------------------------------------------------


def _md_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.role == STRONG and span.text.strip():
            inner = span.text.strip()
            lead, trail = span.text[: len(span.text) - len(span.text.lstrip())], span.text[len(span.text.rstrip()):]
            out.append(f"{lead}**{inner}**{trail}")
        else:
            out.append(span.text)
    return "".join(out)


def _md_block(block: Block) -> list[str]:
    if block.kind == "field":
        return [f"- **{block.label}:** {_md_spans(block.spans) or '—'}"]
    if block.kind == "quote":
        return [f"> {line}" if line else ">" for line in block.text.splitlines()]
    if block.kind == "item":
        box = "" if block.check is None else ("[x] " if block.check else "[ ] ")
        return [f"- {box}{_md_spans(block.spans)}"]
    if block.kind == "heading":
        head, *rest = block.spans
        state = "".join(f" · _{span.text}_" for span in rest if span.text)
        return ["#" * block.level + " " + head.text + state]
    if block.kind == "note":
        return [f"_{block.text}_"]
    return [_md_spans(block.spans)]


_LISTS = {"field", "item"}


def markdown(doc: Document) -> str:
    """The document as Markdown: what ``show`` prints, the exports save and a CRM note takes."""
    out = [f"# {doc.title}", ""]
    for section in doc.sections:
        if section.key != "lede":
            out += [f"## {section.title}", ""]
        previous = ""
        for block in section.blocks:
            if previous and not (block.kind in _LISTS and previous in _LISTS):
                out.append("")
            out += _md_block(block)
            previous = block.kind
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def debrief_markdown(debrief: Debrief, today: date | None = None) -> str:
    """Everything in one debrief as Markdown (``debrief show``, the Read screen's export)."""
    return markdown(document(debrief, today))


def summary_markdown(debrief: Debrief, today: date | None = None) -> str:
    """The lesson as short Markdown (``debrief summary``, the wrap-up's export)."""
    return markdown(summary_document(debrief, today))


def export_filename(debrief: Debrief, kind: str) -> str:
    """A file name for an export of ``kind`` ("debrief", "summary"): company and id, safe anywhere."""
    from debrief.locations import slug

    return f"{slug(debrief.company)}-{debrief.id}-{kind}.md"
