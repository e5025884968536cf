"""The call script: which bank suits a loss, which questions fit the slot, and how it reads.

A saved ``Script`` holds rendered text (opening, closing, questions and probes already filled in
with the deal's names), a snapshot: the live call and later comparisons ask exactly what the rep
prepared, even if the bank is edited afterwards. No Textual here: the prepare screen, the live
call and ``debrief script`` all build on these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from debrief.core.dates import format_datetime
from debrief.core.model import Debrief, Script, ScriptQuestion
from debrief.core.render import render
from debrief.core.text import one_line, plural, strip_control

if TYPE_CHECKING:
    from debrief.core.banks import Bank, BankSet
    from debrief.core.settings import Settings
    from debrief.core.tone import ToneChecker

LOSS_KINDS = ("competitor", "price", "no-decision", "timing")
"""How a deal was lost, as banks' ``use_when`` name it."""

OPENING_CLOSING_MINUTES = 2.0
"""Time the opening and the closing take together, counted against the call's minutes."""

MIN_MINUTES, MAX_MINUTES = 5, 120
"""The call lengths a script accepts (the same bounds as a booked call)."""

CUSTOM_PREFIX = "custom-"
"""Ids of the rep's own questions: ``custom-1``, ``custom-2``..."""

CORE_QUESTION_IDS = ("decision-factors", "do-differently", "decision-who")
"""Questions shared across banks that every debrief asks first: what decided it, who decided,
and what we could have done differently. (Staying in touch is in every bank's closing.)"""

KIND_TAGS: dict[str, str] = {
    "competitor": "competitor",
    "price": "price",
    "no-decision": "status-quo",
    "timing": "timing",
}
"""The loss-reason tag at the heart of each kind of loss: a bank's own focus."""

REMINDERS: list[str] = [
    "Accept the decision",
    "Don't debate",
    "Listen more than you speak",
    "Ask for an example when an answer is vague",
]
"""The one-line reminder block at the top of every script: the practice in four phrases."""

_NO_DECISION = re.compile(
    r"\b(no[ -]?decision|status[ -]?quo|nobody|no one|none|nothing|do[ -]?nothing|no[ -]?purchase|"
    r"no[ -]?vendor|stayed|kept (?:their|the) (?:current|existing)|internal(?:ly)?|shelved|cancel+ed|"
    r"dropped)\b",
    re.IGNORECASE,
)
_TIMING = re.compile(
    r"\b(postponed|delayed|deferred|on hold|next (?:year|quarter|fiscal|budget)|budget freeze|"
    r"freeze|later|paused|timing)\b",
    re.IGNORECASE,
)

_REASON_KIND: dict[str, str] = {
    "price": "price",
    "value": "price",
    "budget": "price",
    "timing": "timing",
    "urgency": "timing",
    "status-quo": "no-decision",
    "decision-process": "no-decision",
    "competitor": "competitor",
    "product-fit": "competitor",
    "features": "competitor",
    "integration": "competitor",
    "references": "competitor",
}
"""Which kind of loss a guessed reason points to (reasons not listed point nowhere)."""

_FLAG_KIND: dict[str, str] = {
    "price": "price",
    "timing": "timing",
    "no-pain": "no-decision",
    "incumbent": "competitor",
    "late-entry": "competitor",
    "competitor-demo": "competitor",
}
"""Which kind of loss a red flag in hindsight points to."""

_KIND_BANKS: dict[str, str] = {
    "competitor": "lost-to-competitor",
    "price": "lost-on-price",
    "no-decision": "no-decision",
    "timing": "lost-on-timing",
}
"""The shipped bank written for each kind, preferred when several banks suit."""


QUESTION_TOPICS: dict[str, str] = {
    "thanks-context": "How the project started",
    "decision-who": "Who decided",
    "decision-process": "Steps to the decision",
    "decision-moment": "When it leaned one way",
    "decision-factors": "What mattered most",
    "price-first": "When cost became a concern",
    "budget-set": "How the budget was set",
    "budget-cycle": "Budget cycle",
    "timing-change": "How the timeline changed",
    "timing-driver": "What set the timing",
    "momentum-lost": "When momentum was lost",
    "priority-shift": "What moved ahead",
    "criteria-change": "How requirements changed",
    "eval-strengths": "Where we fit best",
    "eval-gaps": "Where we fell short",
    "eval-proof": "Proof they looked for",
    "roi-measure": "How return was estimated",
    "readiness": "What must be in place first",
    "case-for-change": "Case for change",
    "winner-edge": "What stood out about the winner",
    "winner-approach": "How the winner approached them",
    "winner-risk": "Risks of each option",
    "total-cost": "Costs beyond the licence",
    "cost-structure": "Which parts of the price mattered",
    "value-case": "Cost against value",
    "price-perception": "How our price came across",
    "value-clarity": "Making the value easy to explain",
    "price-explained": "What our price included",
    "value-gap": "Where value and price drifted apart",
    "value-timing": "Time to see results",
    "value-earlier": "When a value talk would have helped",
    "status-quo-now": "How they handle it today",
    "status-quo-cost": "Cost of the current way",
    "change-risk": "Risk of changing against waiting",
    "alternative-appeal": "Why the current approach won",
    "team-experience": "Working with our team",
    "team-understanding": "How well we understood them",
    "team-responsiveness": "Our pace and follow-through",
    "commercial-experience": "The commercial conversations",
    "champion-support": "Support the champions needed",
    "do-differently": "What we could have done differently",
    "timing-earlier": "When to have heard from us",
    "early-signs": "Early signs of no fit",
    "advice-next-time": "Advice for next time",
    "success-measure": "How they will measure success",
    "revisit": "What would make them look again",
    "next-window": "The next planning window",
    "trigger-event": "Events that could reopen it",
    "stay-touch": "Staying in touch",
}
"""A neutral name for each shipped question, the same for every deal: side by side, a row is
headed by what the question is about, never by one debrief's wording of it (its names)."""

_TOPIC_WORDS = {"eval": "evaluation", "roi": "ROI"}


def question_topic(question_id: str) -> str:
    """What a question is about, without any deal's names: the shipped topic, the rep's own
    question by its number, else the id made readable ("budget-owner" reads "Budget owner")."""
    if question_id in QUESTION_TOPICS:
        return QUESTION_TOPICS[question_id]
    number = question_id.removeprefix(CUSTOM_PREFIX)
    if question_id.startswith(CUSTOM_PREFIX) and number.isdigit():
        return f"Own question {number}"
    words = [_TOPIC_WORDS.get(word, word) for word in re.split(r"[-_.\s]+", one_line(question_id)) if word]
    if not words:
        return "Question"
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class ScriptError(ValueError):
    """A script that cannot be built (unknown question, no banks), worded as one line."""


# -- which bank ---------------------------------------------------------------------------------


def loss_kind(debrief: Debrief) -> str:
    """How the deal was lost: "competitor", "price", "no-decision" or "timing".

    Weighs who won (a named vendor, "no decision", "postponed"), the rep's guessed reasons (the
    first guess counts most) and the red flags seen in hindsight. Ties go to the order of
    ``LOSS_KINDS``; with nothing to go on, a competitor (the most common loss) is assumed.
    """
    score = dict.fromkeys(LOSS_KINDS, 0.0)
    lost_to = debrief.lost_to.strip()
    if lost_to:
        if _NO_DECISION.search(lost_to):
            score["no-decision"] += 4
        elif _TIMING.search(lost_to):
            score["timing"] += 4
        else:
            score["competitor"] += 3
    for position, reason in enumerate(debrief.guessed_reasons):
        kind = _REASON_KIND.get(reason)
        if kind:
            score[kind] += 2.5 if position == 0 else 1.5
    for flag in debrief.red_flags:
        kind = _FLAG_KIND.get(flag)
        if kind:
            score[kind] += 1
    best = max(score.values())
    if best == 0:
        return "competitor"
    return next(kind for kind in LOSS_KINDS if score[kind] == best)


def suggest_bank(debrief: Debrief, banks: BankSet) -> Bank:
    """The bank that suits how the deal was lost; raise ScriptError when there are no banks.

    Among the banks that list the kind in ``use_when``, the one written for it (the shipped id,
    or a user bank that overrides it) comes first, then the most specific (fewest kinds), then the
    longest. With no bank for the kind, the competitor bank, else the first bank by id.
    """
    if not banks.banks:
        raise ScriptError("no question banks are available ('debrief banks list' shows why)")
    kind = loss_kind(debrief)
    candidates = banks.for_loss(kind)
    if candidates:
        preferred = _KIND_BANKS[kind]
        return min(
            candidates,
            key=lambda bank: (
                bank.id != preferred,
                not bank.use_when or bank.use_when[0] != kind,
                len(bank.use_when),
                -bank.question_count,
                bank.id,
            ),
        )
    fallback = banks.banks.get(_KIND_BANKS["competitor"])
    return fallback or banks.banks[sorted(banks.banks)[0]]


# -- which questions ----------------------------------------------------------------------------


def planned_minutes(questions: Iterable[ScriptQuestion]) -> float:
    """Minutes the questions take plus the opening and the closing."""
    return OPENING_CLOSING_MINUTES + sum(question.minutes for question in questions)


def clamp_minutes(minutes: int) -> int:
    """A call length within what a script accepts."""
    return max(MIN_MINUTES, min(MAX_MINUTES, int(minutes)))


def default_selection(
    bank: Bank,
    minutes: int,
    max_questions: int = 12,
    *,
    focus: Iterable[str] = (),
    avoid: Iterable[str] = (),
) -> list[str]:
    """Question ids that fit ``minutes`` (opening and closing included), in the bank's order.

    Value decides what gets in: the core questions every debrief asks come first; then each
    phase's first question before any phase's second (so the phases are covered before any is
    deepened), with questions on the bank's own kind of loss and on the ``focus`` reasons (the
    rep's own guesses, worth testing) half a round earlier. Questions are taken most valuable
    first while they fit; at most ``max_questions``. Questions in ``avoid`` (say, wording the tone
    check flags) are never chosen.
    """
    budget = float(minutes) - OPENING_CLOSING_MINUTES
    skip = set(avoid)
    focus_tags = set(focus) | {KIND_TAGS[kind] for kind in bank.use_when if kind in KIND_TAGS}
    ranked: list[tuple[float, int, int, str, float]] = []
    for phase_index, phase in enumerate(bank.phases):
        for position, question in enumerate(phase.questions):
            if question.id in skip:
                continue
            priority = float(position)
            if question.id in CORE_QUESTION_IDS:
                priority -= 2.0
            if focus_tags.intersection(question.tags):
                priority -= 0.5
            ranked.append((priority, phase_index, position, question.id, question.minutes))
    ranked.sort()
    chosen: set[str] = set()
    used = 0.0
    for _, _, _, question_id, question_minutes in ranked:
        if len(chosen) >= max_questions:
            break
        if used + question_minutes <= budget + 1e-9:
            chosen.add(question_id)
            used += question_minutes
    return [question.id for _, question in bank.questions() if question.id in chosen]


# -- building and rendering ---------------------------------------------------------------------


def next_custom_id(taken: Iterable[str]) -> str:
    """The next free ``custom-N`` id."""
    numbers = {
        int(qid.removeprefix(CUSTOM_PREFIX))
        for qid in taken
        if qid.startswith(CUSTOM_PREFIX) and qid.removeprefix(CUSTOM_PREFIX).isdigit()
    }
    number = 1
    while number in numbers:
        number += 1
    return f"{CUSTOM_PREFIX}{number}"


def custom_question(text: str, question_id: str, minutes: float = 2.0) -> ScriptQuestion:
    """A question the rep wrote: plain text (never a template), checked like any free text."""
    cleaned = " ".join(strip_control(text).split())
    if not cleaned:
        raise ScriptError("a question needs some text")
    return ScriptQuestion(
        id=question_id,
        phase="custom",
        phase_title="Your questions",
        text=cleaned,
        minutes=minutes,
        custom=True,
    )


def build_script(
    debrief: Debrief,
    bank: Bank,
    question_ids: list[str],
    minutes: int,
    rep_name: str = "",
    custom: list[ScriptQuestion] | None = None,
) -> Script:
    """The script for ``debrief``: the bank's questions rendered for this deal, in the given order.

    Custom questions go where their id stands in ``question_ids``; any not named there are added
    at the end, so nothing the rep wrote is lost. A question whose template renders to nothing
    (say, one that only applies when the winner is known) is left out. Raises RenderError for a
    template that cannot render and ScriptError for an id the bank does not have.
    """
    context = debrief.template_context(rep_name)
    customs = {question.id: question for question in custom or []}
    phases = {question.id: phase for phase, question in bank.questions()}
    where = f"bank {bank.id}"
    questions: list[ScriptQuestion] = []
    seen: set[str] = set()
    for question_id in question_ids:
        if question_id in seen:
            continue
        seen.add(question_id)
        if question_id in customs:
            questions.append(customs[question_id])
            continue
        found = bank.question(question_id)
        if found is None:
            raise ScriptError(f"bank {bank.id} has no question {question_id!r}")
        text = render(found.text, context, f"{where}, question {question_id}")
        if not text:
            continue
        probes = [
            probe
            for index, template in enumerate(found.probes)
            if (probe := render(template, context, f"{where}, question {question_id}, probe {index + 1}"))
        ]
        phase = phases[question_id]
        questions.append(
            ScriptQuestion(
                id=question_id,
                phase=phase.id,
                phase_title=phase.title,
                text=text,
                intent=found.intent.strip(),
                minutes=found.minutes,
                tags=list(found.tags),
                probes=probes,
            )
        )
    questions += [question for qid, question in customs.items() if qid not in seen]
    return Script(
        bank_id=bank.id,
        bank_version=bank.version,
        minutes=clamp_minutes(minutes),
        opening=render(bank.opening, context, f"{where}, opening"),
        closing=render(bank.closing, context, f"{where}, closing"),
        questions=questions,
        chosen_at=datetime.now().replace(microsecond=0),
    )


def call_minutes(debrief: Debrief, settings: Settings) -> int:
    """The call's length: the booked slot, else the prepared script's, else the settings'."""
    if debrief.schedule is not None:
        return debrief.schedule.minutes
    if debrief.script is not None:
        return debrief.script.minutes
    return settings.call_minutes


def unusable_questions(
    bank: Bank, rendered: Script, checker: ToneChecker | None = None
) -> set[str]:
    """Bank questions a default selection leaves out: those that rendered to nothing for this deal
    and those whose rendered wording the tone check flags."""
    shown = {question.id for question in rendered.questions}
    unusable = {question.id for _, question in bank.questions() if question.id not in shown}
    if checker is not None:
        unusable |= {question.id for question in rendered.questions if checker.check(question.text)}
    return unusable


def default_script(
    debrief: Debrief,
    banks: BankSet,
    settings: Settings,
    minutes: int | None = None,
    bank_id: str | None = None,
    *,
    checker: ToneChecker | None = None,
) -> Script:
    """A sensible script when the rep has chosen none: the suggested (or named) bank, fitted.

    Questions the tone check flags are left out (with ``checker``, else the shipped tone check
    when its rules load). Raises KeyError (from ``banks.get``) for an unknown ``bank_id``.
    """
    length = clamp_minutes(minutes if minutes is not None else call_minutes(debrief, settings))
    bank = banks.get(bank_id) if bank_id is not None else suggest_bank(debrief, banks)
    everything = build_script(
        debrief, bank, [question.id for _, question in bank.questions()], length, settings.rep_name
    )
    if checker is None:
        from debrief.core.tone import default_checker

        try:
            checker = default_checker()
        except ValueError:
            checker = None  # unreadable tone rules: choose without them rather than fail
    avoid = unusable_questions(bank, everything, checker)
    ids = set(default_selection(bank, length, settings.max_questions,
                                focus=debrief.guessed_reasons, avoid=avoid))
    return everything.model_copy(
        update={"questions": [question for question in everything.questions if question.id in ids]}
    )


def script_for(debrief: Debrief, banks: BankSet, settings: Settings) -> Script:
    """The script the call uses: the saved one, else the default selection."""
    if debrief.script is not None:
        return debrief.script
    return default_script(debrief, banks, settings)


_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def suggested_phrasing(suggestion: str) -> str:
    """The ready-to-ask question inside a tone suggestion ('Ask it open: "How did ...?"'), or "".

    Prefers a complete question over one with a gap ("How did … come across?") for the rep to
    fill in; quoted words that are not a question (the words to drop) are never taken.
    """
    quoted: list[str] = [(a or b).strip() for a, b in _QUOTED.findall(suggestion)]
    questions = [text for text in quoted if text.endswith("?")]
    complete = [text for text in questions if "…" not in text and "..." not in text]
    return (complete or questions or [""])[0]


# -- output -------------------------------------------------------------------------------------


def reminder_line() -> str:
    """The reminders as one line."""
    return " · ".join(REMINDERS)


def _clean(text: str) -> str:
    return strip_control(text).strip()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))(?=\s|$|[-=])")


def _md_inline(text: str) -> str:
    """One line of the rep's or the buyer's text, shown literally by any Markdown reader: no
    emphasis, code, links, tables, strike-through, HTML or entities (``&amp;`` stays as typed)."""
    return _MD_SPECIAL.sub(lambda match: "\\" + match.group(0), one_line(text))


def _md_line(text: str) -> str:
    """``_md_inline`` for text that starts a line: no list, heading or rule either, where the line
    begins with ``-``, ``+``, ``=`` or ``1.``."""
    return _MD_LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), _md_inline(text))


def _md_block(text: str) -> str:
    return "\n".join(_md_line(line) if line.strip() else "" for line in _clean(text).splitlines())


def _deal_facts(script: Script, debrief: Debrief) -> list[tuple[str, str]]:
    contact = debrief.contact.name + (f", {debrief.contact.role}" if debrief.contact.role else "")
    facts = [("With", contact)]
    if debrief.lost_to:
        facts.append(("Lost to", debrief.lost_to))
    if debrief.schedule is not None:
        facts.append(("Call", f"{format_datetime(debrief.schedule.at)}, {script.minutes} minutes"))
    else:
        facts.append(("Call", f"{script.minutes} minutes"))
    planned = planned_minutes(script.questions)
    facts.append(
        ("Plan", f"{plural(len(script.questions), 'question')}, about {plural(planned, 'minute')} "
                 f"(bank {script.bank_id})")
    )
    return facts


def _lines(lines: list[str]) -> str:
    """Lines kept apart inside one paragraph (hard breaks): few blocks, quick to preview."""
    return "\\\n".join(lines)


def script_markdown(script: Script, debrief: Debrief) -> str:
    """The script as Markdown: reminders, opening, numbered questions with probes, closing."""
    out = [f"# Debrief call — {_md_inline(debrief.company)}", ""]
    out += [_lines([f"**{label}:** {_md_inline(value)}" for label, value in _deal_facts(script, debrief)]), ""]
    out += ["> **Remember:** " + _md_inline(reminder_line()), ""]
    if script.opening.strip():
        out += ["## Opening", "", _md_block(script.opening), ""]
    out += ["## Questions", ""]
    if not script.questions:
        out += ["_No questions chosen yet._", ""]
    for number, question in enumerate(script.questions, start=1):
        label = f"{question.minutes:g} min" + (f" · {question.phase_title}" if question.phase_title else "")
        label += " · reworded" if question.reworded else ""
        lines = [f"_{_md_inline(label)}_" + (f" · Why: {_md_inline(question.intent)}" if question.intent else "")]
        lines += [f"↳ {_md_inline(probe)}" for probe in question.probes]
        out += [f"### {number}. {_md_inline(question.text)}", "", _lines(lines), ""]
    if script.closing.strip():
        out += ["## Closing", "", _md_block(script.closing), ""]
    return "\n".join(out).rstrip() + "\n"


def _wrap(text: str, indent: str, width: int = 88) -> list[str]:
    import textwrap

    lines: list[str] = []
    for paragraph in _clean(text).splitlines():
        if not paragraph.strip():
            lines.append("")
            continue
        lines += textwrap.wrap(
            " ".join(paragraph.split()), width=width, initial_indent=indent, subsequent_indent=indent
        ) or [indent]
    return lines


def script_text(script: Script, debrief: Debrief) -> str:
    """The script as plain text, to print or keep beside the phone."""
    title = f"DEBRIEF CALL — {one_line(debrief.company)}"
    out = [title, "=" * len(title)]
    out += [f"{label}: {one_line(value)}" for label, value in _deal_facts(script, debrief)]
    out += ["", "REMEMBER: " + reminder_line(), ""]
    if script.opening.strip():
        out += ["OPENING", *_wrap(script.opening, "  "), ""]
    out += ["QUESTIONS"]
    if not script.questions:
        out += ["  (no questions chosen yet)"]
    for number, question in enumerate(script.questions, start=1):
        label = f"{question.minutes:g} min" + (f", {question.phase_title}" if question.phase_title else "")
        label += ", reworded" if question.reworded else ""
        head = f"{number:>2}. "
        body = _wrap(f"{question.text} [{label}]", " " * len(head))
        out += [head + body[0].lstrip(), *body[1:]]
        if question.intent:
            out += _wrap(f"Why: {question.intent}", " " * (len(head) + 1))
        out += [line for probe in question.probes for line in _wrap(f"- {probe}", " " * (len(head) + 1))]
        out += [""]
    if script.closing.strip():
        out += ["CLOSING", *_wrap(script.closing, "  "), ""]
    return "\n".join(out).rstrip() + "\n"
