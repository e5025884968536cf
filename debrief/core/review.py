"""Review: learn across losses. Side by side, patterns across all debriefs, and search.

Pure logic, no UI: the review screens, ``debrief compare``, ``debrief stats`` and ``debrief search``
all read the same results from here.

- **Side by side** lines two to four debriefs up question by question: the same question id on
  the same row, questions only some of them asked kept in place (blank elsewhere).
- **Patterns** boil every debrief down to a few ``Facts`` and count: loss reasons (the buyer's and
  the rep's guesses), competitors, stages, quarters, red flags before losses, how often the rep's
  guesses were right, follow-ups done and due, questions left unclear.
- **Search** keeps the free text of every debrief in memory (``SearchDoc``) so that each keystroke
  searches in a few milliseconds, with the matched words located for highlighting.

A ``Library`` holds the facts and search text of one database in memory and, by comparing file
stamps, reloads only the debriefs that changed: the first look at 10,000 debriefs reads them all
(seconds, in a worker), later looks take milliseconds.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from debrief.core.dates import format_date
from debrief.core.model import RED_FLAGS, Answer, AnswerState, Debrief
from debrief.core.report import reason_label
from debrief.core.store import Store, StoreError
from debrief.core.text import one_line, strip_control

MIN_COMPARE = 2
MAX_COMPARE = 4


# -- side by side ----------------------------------------------------------------------------------


def check_compare_ids(debrief_ids: Sequence[str]) -> list[str]:
    """The ids to put side by side, cleaned; ValueError with a one-line reason when they cannot be.

    Two to four, no repeats: one debrief is better read alone, and five columns no longer fit.
    """
    cleaned = [value.strip().lower() for value in debrief_ids]
    if any(not value for value in cleaned):
        raise ValueError("an empty id was given")
    if len(cleaned) < MIN_COMPARE:
        given = "one was" if len(cleaned) == 1 else "none were"
        raise ValueError(f"side by side needs two to four debriefs; {given} given")
    if len(cleaned) > MAX_COMPARE:
        raise ValueError(f"side by side shows at most four debriefs; {len(cleaned)} were given")
    repeated = [value for value, count in Counter(cleaned).items() if count > 1]
    if repeated:
        raise ValueError(f"{repeated[0]} was given twice; pick different debriefs to compare")
    return cleaned


def merged_order(sequences: Sequence[Sequence[str]]) -> list[str]:
    """The union of several question orders, keeping each one's order wherever they agree.

    Every id appears once. An id only some scripts have is kept in place between its neighbours;
    when nothing else decides, the earlier first appearance (scripts in the order given) comes
    first; when scripts disagree on the order, the earlier first appearance wins.
    """
    first: dict[str, int] = {}
    successors: dict[str, set[str]] = {}
    indegree: dict[str, int] = {}
    for sequence in sequences:
        previous: str | None = None
        for item in sequence:
            if item not in first:
                first[item] = len(first)
                successors[item] = set()
                indegree[item] = 0
            if previous is not None and previous != item and item not in successors[previous]:
                successors[previous].add(item)
                indegree[item] += 1
            previous = item
    ready = [(first[item], item) for item, degree in indegree.items() if degree == 0]
    heapq.heapify(ready)
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(first):
        if ready:
            _, item = heapq.heappop(ready)
            if item in done:
                continue
        else:  # a cycle (scripts ordered two questions differently): earliest first appearance
            item = min((i for i in first if i not in done), key=first.__getitem__)
        done.add(item)
        order.append(item)
        for after in successors[item]:
            indegree[after] -= 1
            if indegree[after] == 0 and after not in done:
                heapq.heappush(ready, (first[after], after))
    return order


def _state_label(state: AnswerState) -> str:
    return state.value.replace("_", " ")


@dataclass(frozen=True)
class QuestionRow:
    """One question across the compared debriefs: an answer per debrief, None where not asked."""

    question_id: str
    text: str
    phase_title: str
    answers: tuple[Answer | None, ...]

    @property
    def differs(self) -> bool:
        """Whether the answers' states or reasons differ (notes always differ, so they don't count)."""
        signatures = {None if answer is None else (answer.state, tuple(sorted(answer.tags)))
                      for answer in self.answers}
        return len(signatures) > 1


@dataclass(frozen=True)
class ReasonLine:
    """One loss reason across the compared debriefs: how often the buyer said it, whether guessed."""

    tag: str
    said: tuple[int, ...]
    guessed: tuple[bool, ...]

    @property
    def label(self) -> str:
        """The readable name of the reason."""
        return reason_label(self.tag)

    @property
    def differs(self) -> bool:
        """Whether the debriefs disagree on this reason (said or not, guessed or not)."""
        return len({(count > 0, guess) for count, guess in zip(self.said, self.guessed, strict=True)}) > 1

    def cell(self, index: int) -> str:
        """What one debrief's column says about this reason."""
        said, guessed = self.said[index], self.guessed[index]
        if said and guessed:
            return f"said ×{said} · guessed ✓"
        if said:
            return f"said ×{said} · not guessed"
        if guessed:
            return "guessed ✗ (not said)"
        return ""


@dataclass(frozen=True)
class GuessResult:
    """How one rep's guess held up against what the buyer said."""

    guessed: tuple[str, ...]
    buyer: tuple[str, ...]

    @property
    def confirmed(self) -> tuple[str, ...]:
        """Guesses the buyer bore out."""
        said = set(self.buyer)
        return tuple(tag for tag in self.guessed if tag in said)

    @property
    def missed(self) -> tuple[str, ...]:
        """Guesses the buyer never gave."""
        said = set(self.buyer)
        return tuple(tag for tag in self.guessed if tag not in said)

    @property
    def unexpected(self) -> tuple[str, ...]:
        """Reasons the buyer gave that the rep did not guess."""
        return tuple(tag for tag in self.buyer if tag not in self.guessed)

    @property
    def accuracy(self) -> float | None:
        """Share of guesses confirmed; None when there is no guess or no buyer reason to judge by."""
        if not self.guessed or not self.buyer:
            return None
        return len(self.confirmed) / len(self.guessed)

    def sentence(self) -> str:
        """One line for a cell: how the guess held up."""
        if not self.guessed:
            return "no guess written"
        if not self.buyer:
            return "no buyer reasons tagged yet"
        return f"{len(self.confirmed)} of {len(self.guessed)} confirmed ({self.accuracy:.0%})"

    def to_json(self) -> dict[str, Any]:
        return {"guessed": list(self.guessed), "buyer": list(self.buyer),
                "confirmed": list(self.confirmed), "missed": list(self.missed),
                "unexpected": list(self.unexpected),
                "accuracy": None if self.accuracy is None else round(self.accuracy, 4)}


DEAL_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("contact", "Contact", False),
    ("lost_on", "Lost on", False),
    ("lost_to", "Lost to", True),
    ("stage", "Stage", True),
    ("value", "Value", False),
    ("status", "Status", True),
    ("red_flags", "Red flags", True),
)
"""Deal facts shown above the answers: key, title, whether a difference is worth highlighting."""

TAKEAWAY_FIELDS: tuple[tuple[str, str], ...] = (
    ("what_happened", "What happened"),
    ("differently", "What I could have done differently"),
    ("next_time", "What I will do next time"),
)


def _deal_value(debrief: Debrief, key: str) -> str:
    if key == "contact":
        role = f", {debrief.contact.role}" if debrief.contact.role else ""
        return one_line(debrief.contact.name + role)
    if key == "lost_on":
        return format_date(debrief.lost_on)
    if key == "value":
        return f"{debrief.value:,.0f}" if debrief.value is not None else ""
    if key == "status":
        return debrief.status.value.replace("_", " ")
    if key == "red_flags":
        return ", ".join(RED_FLAGS.get(flag, flag) for flag in debrief.red_flags)
    return one_line(str(getattr(debrief, key)))


@dataclass(frozen=True)
class Comparison:
    """Two to four debriefs side by side."""

    debriefs: tuple[Debrief, ...]
    rows: tuple[QuestionRow, ...]
    reasons: tuple[ReasonLine, ...]
    guesses: tuple[GuessResult, ...]

    def deal_rows(self) -> list[tuple[str, list[str], bool]]:
        """Title, one value per debrief, and whether the difference should stand out."""
        rows = []
        for key, title, notable in DEAL_FIELDS:
            values = [_deal_value(debrief, key) for debrief in self.debriefs]
            rows.append((title, values, notable and len(set(values)) > 1))
        return rows

    def takeaway_rows(self) -> list[tuple[str, list[str]]]:
        """Each part of the lesson, one text per debrief."""
        return [(title, [strip_control(getattr(debrief.takeaways, key)).strip() for debrief in self.debriefs])
                for key, title in TAKEAWAY_FIELDS]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of ``debrief compare --format json``."""
        return {
            "debriefs": [
                {"id": d.id, "company": d.company, "contact": d.contact.name, "role": d.contact.role,
                 "lost_on": d.lost_on.isoformat(), "lost_to": d.lost_to, "stage": d.stage,
                 "value": d.value, "status": d.status.value, "red_flags": list(d.red_flags)}
                for d in self.debriefs
            ],
            "rows": [
                {"question_id": row.question_id, "text": row.text, "phase": row.phase_title,
                 "differs": row.differs,
                 "answers": [None if a is None else {"notes": a.notes, "clarified": a.clarified,
                                                     "state": a.state.value, "tags": list(a.tags)}
                             for a in row.answers]}
                for row in self.rows
            ],
            "tags": [{"tag": line.tag, "label": line.label, "said": list(line.said),
                      "guessed": list(line.guessed), "differs": line.differs} for line in self.reasons],
            "takeaways": [{key: getattr(d.takeaways, key) for key, _ in TAKEAWAY_FIELDS}
                          for d in self.debriefs],
            "guess": [guess.to_json() for guess in self.guesses],
        }


def _question_sequence(debrief: Debrief) -> list[str]:
    scripted = debrief.script.question_ids if debrief.script else []
    extra = [qid for qid, answer in debrief.answers.items()
             if qid not in scripted and (answer.notes.strip() or answer.tags or answer.state != AnswerState.NOT_ASKED)]
    return [*scripted, *extra]


def compare(debriefs: Sequence[Debrief]) -> Comparison:
    """Line the debriefs up question by question, then reasons and guesses."""
    sequences = [_question_sequence(debrief) for debrief in debriefs]
    texts: dict[str, tuple[str, str]] = {}
    for debrief in debriefs:
        for question in debrief.script.questions if debrief.script else []:
            texts.setdefault(question.id, (one_line(question.text), one_line(question.phase_title)))
    rows: list[QuestionRow] = []
    for qid in merged_order(sequences):
        answers: list[Answer | None] = []
        for debrief, sequence in zip(debriefs, sequences, strict=True):
            if qid in debrief.answers:
                answers.append(debrief.answers[qid])
            elif qid in sequence:
                answers.append(Answer(question_id=qid))
            else:
                answers.append(None)
        text, phase = texts.get(qid, (qid, ""))
        rows.append(QuestionRow(question_id=qid, text=text, phase_title=phase, answers=tuple(answers)))

    said_counts = [Counter(tag for answer in d.answers.values() for tag in answer.tags) for d in debriefs]
    tags = list(dict.fromkeys([t for counts in said_counts for t in counts] +
                              [t for d in debriefs for t in d.guessed_reasons]))
    reasons = [ReasonLine(tag=tag, said=tuple(counts.get(tag, 0) for counts in said_counts),
                          guessed=tuple(tag in d.guessed_reasons for d in debriefs)) for tag in tags]
    reasons.sort(key=lambda line: (-sum(1 for n in line.said if n), -sum(line.said), -sum(line.guessed), line.tag))
    guesses = tuple(GuessResult(guessed=tuple(dict.fromkeys(d.guessed_reasons)), buyer=tuple(d.buyer_reasons()))
                    for d in debriefs)
    return Comparison(debriefs=tuple(debriefs), rows=tuple(rows), reasons=tuple(reasons), guesses=guesses)


def _md_cell(text: str) -> str:
    flat = strip_control(text).strip().replace("|", "\\|")
    return "<br>".join(line.strip() for line in flat.splitlines() if line.strip())


def answer_cell(answer: Answer | None) -> str:
    """One answer as plain text for a cell: state, notes, clarification, reasons."""
    if answer is None:
        return ""
    parts = [_state_label(answer.state)]
    if answer.notes.strip():
        parts.append(strip_control(answer.notes).strip())
    if answer.clarified.strip():
        parts.append("Clarified: " + strip_control(answer.clarified).strip())
    if answer.tags:
        parts.append("Reasons: " + ", ".join(reason_label(tag) for tag in answer.tags))
    return "\n".join(parts)


def comparison_markdown(comparison: Comparison) -> str:
    """The side by side as Markdown tables: deal, answers, reasons, guesses, takeaways."""
    debriefs = comparison.debriefs
    heads = [f"{_md_cell(d.company)} ({d.id})" for d in debriefs]

    def table(first: str, rows: Iterable[list[str]]) -> list[str]:
        out = [f"| {first} | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
        out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
        return [*out, ""]

    out = ["# Side by side: " + " · ".join(heads), "",
           "≠ marks rows where the debriefs differ (answer states, reasons, deal facts).", ""]
    out += table("Deal", ([("≠ " if differs else "") + title, *(_md_cell(v) for v in values)]
                          for title, values, differs in comparison.deal_rows()))
    out += ["## Answers, question by question", ""]
    if comparison.rows:
        cells = []
        for row in comparison.rows:
            answers = [_md_cell(answer_cell(a)) if a is not None else "—" for a in row.answers]
            cells.append([("≠ " if row.differs else "") + _md_cell(row.text), *answers])
        out += table("Question", cells)
    else:
        out += ["_No questions were asked in these debriefs yet._", ""]
    out += ["## Loss reasons", ""]
    if comparison.reasons:
        out += table("Reason", ([("≠ " if line.differs else "") + line.label,
                                 *(line.cell(i) for i in range(len(debriefs)))] for line in comparison.reasons))
    else:
        out += ["_No reasons guessed or tagged._", ""]
    out += ["## My guess versus the buyer", ""]
    out += table("Guess", [
        ["Guessed", *(", ".join(reason_label(t) for t in g.guessed) for g in comparison.guesses)],
        ["Buyer said", *(", ".join(reason_label(t) for t in g.buyer) for g in comparison.guesses)],
        ["Result", *(g.sentence() for g in comparison.guesses)],
    ])
    out += ["## Takeaways", ""]
    out += table("Takeaway", ([title, *(_md_cell(text) for text in texts)]
                              for title, texts in comparison.takeaway_rows()))
    return "\n".join(out).rstrip() + "\n"


# -- patterns across all debriefs --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What the patterns need of one debrief: small, so 10,000 of them stay cheap in memory."""

    id: str
    company: str
    contact: str
    lost_on: date
    lost_to: str
    stage: str
    value: float | None
    status: str
    buyer: tuple[str, ...]
    guessed: tuple[str, ...]
    red_flags: tuple[str, ...]
    actions: tuple[tuple[bool, date | None, str], ...]
    """Action items: done, due, text."""
    next_check_in: date | None
    last_follow_up: date | None
    follow_ups: int
    answers: tuple[tuple[str, str, AnswerState], ...]
    """Asked questions: id, text, state."""


def facts_of(debrief: Debrief) -> Facts:
    """Boil one debrief down to what the patterns count."""
    texts = {q.id: one_line(q.text) for q in debrief.script.questions} if debrief.script else {}
    return Facts(
        id=debrief.id, company=one_line(debrief.company), contact=one_line(debrief.contact.name),
        lost_on=debrief.lost_on, lost_to=one_line(debrief.lost_to), stage=one_line(debrief.stage),
        value=debrief.value, status=debrief.status.value, buyer=tuple(debrief.buyer_reasons()),
        guessed=tuple(dict.fromkeys(debrief.guessed_reasons)), red_flags=tuple(dict.fromkeys(debrief.red_flags)),
        actions=tuple((item.done, item.due, one_line(item.text)) for item in debrief.action_items),
        next_check_in=debrief.stay_in_touch.next_check_in,
        last_follow_up=max((entry.on for entry in debrief.follow_ups), default=None),
        follow_ups=len(debrief.follow_ups),
        answers=tuple((qid, texts.get(qid, qid), answer.state) for qid, answer in debrief.answers.items()
                      if answer.state != AnswerState.NOT_ASKED),
    )


def quarter_of(day: date) -> str:
    """``2026-Q4``: sorts as text and reads at a glance."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarters_between(first: str, last: str) -> list[str]:
    year, quarter = int(first[:4]), int(first[-1])
    out = []
    while f"{year}-Q{quarter}" <= last:
        out.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _top_reasons(counter: Counter[str], limit: int = 3) -> list[dict[str, Any]]:
    return [{"reason": tag, "label": reason_label(tag), "count": count}
            for tag, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


class _Group:
    """A breakdown bucket: how many losses, their value, and the buyer's reasons in them."""

    __slots__ = ("count", "reasons", "spellings", "value")

    def __init__(self) -> None:
        self.count = 0
        self.value = 0.0
        self.reasons: Counter[str] = Counter()
        self.spellings: Counter[str] = Counter()

    def add(self, facts: Facts, spelling: str) -> None:
        self.count += 1
        self.value += facts.value or 0.0
        self.reasons.update(facts.buyer)
        self.spellings[spelling] += 1

    @property
    def label(self) -> str:
        """The name as most often typed ("Salesforce" over a one-off "salesforce"); capitals win ties."""
        return max(self.spellings, key=lambda s: (self.spellings[s], s != s.lower(), s), default="")


def _grouped(groups: dict[str, _Group], total: int, name: str, blank: str) -> list[dict[str, Any]]:
    rows = []
    for group in sorted(groups.values(), key=lambda g: (-g.count, g.label.casefold())):
        rows.append({name: group.label, "label": group.label or blank, "count": group.count,
                     "share": _share(group.count, total), "value": round(group.value, 2),
                     "reasons": _top_reasons(group.reasons)})
    return rows


def compute_stats(all_facts: Iterable[Facts], today: date) -> dict[str, Any]:
    """Every pattern across the debriefs, as plain JSON types (``debrief stats --format json``).

    Shares of reasons are of the debriefs whose buyer gave any reason ("heard"): one loss often
    has two reasons, so they add up to more than 100%.
    """
    total = heard = with_guesses = 0
    value_lost = 0.0
    first_day: date | None = None
    last_day: date | None = None
    buyer: Counter[str] = Counter()
    guessed: Counter[str] = Counter()
    confirmed: Counter[str] = Counter()
    competitors: dict[str, _Group] = {}
    stages: dict[str, _Group] = {}
    quarters: dict[str, _Group] = {}
    flags: dict[str, list[int]] = {}  # flag -> [debriefs, heard]
    flag_reasons: dict[str, Counter[str]] = {}
    guess_quarters: dict[str, list[int]] = {}  # quarter -> [debriefs, guessed, confirmed]
    items_done = items_open = logged = check_ins_upcoming = 0
    overdue_items: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    questions: dict[str, dict[str, Any]] = {}

    for facts in all_facts:
        total += 1
        value_lost += facts.value or 0.0
        first_day = facts.lost_on if first_day is None else min(first_day, facts.lost_on)
        last_day = facts.lost_on if last_day is None else max(last_day, facts.lost_on)
        said = set(facts.buyer)
        if said:
            heard += 1
            buyer.update(said)
        if facts.guessed:
            with_guesses += 1
            guessed.update(facts.guessed)
        competitors.setdefault(facts.lost_to.casefold(), _Group()).add(facts, facts.lost_to)
        stages.setdefault(facts.stage.casefold(), _Group()).add(facts, facts.stage)
        quarter = quarter_of(facts.lost_on)
        quarters.setdefault(quarter, _Group()).add(facts, quarter)
        for flag in facts.red_flags:
            counts = flags.setdefault(flag, [0, 0])
            counts[0] += 1
            if said:
                counts[1] += 1
                flag_reasons.setdefault(flag, Counter()).update(said)
        if said and facts.guessed:
            hits = sum(1 for tag in facts.guessed if tag in said)
            confirmed.update(tag for tag in facts.guessed if tag in said)
            entry = guess_quarters.setdefault(quarter, [0, 0, 0])
            entry[0] += 1
            entry[1] += len(facts.guessed)
            entry[2] += hits
        for done, due_on, text in facts.actions:
            if done:
                items_done += 1
            else:
                items_open += 1
                if due_on is not None and due_on < today:
                    overdue_items.append({"id": facts.id, "company": facts.company, "text": text,
                                          "due": due_on.isoformat(), "days_overdue": (today - due_on).days})
        logged += facts.follow_ups
        if facts.next_check_in is not None:
            done_since = facts.last_follow_up is not None and facts.last_follow_up >= facts.next_check_in
            if facts.next_check_in <= today and not done_since:
                due.append({"id": facts.id, "company": facts.company, "contact": facts.contact,
                            "next_check_in": facts.next_check_in.isoformat(),
                            "days_overdue": (today - facts.next_check_in).days})
            elif facts.next_check_in > today:
                check_ins_upcoming += 1
        for qid, text, state in facts.answers:
            entry_q = questions.setdefault(qid, {"question_id": qid, "text": text, "asked": 0,
                                                 "unclear": 0, "clarified": 0})
            entry_q["asked"] += 1
            if state == AnswerState.UNCLEAR:
                entry_q["unclear"] += 1
            elif state == AnswerState.CLARIFIED:
                entry_q["clarified"] += 1

    reason_tags = sorted(set(buyer) | set(guessed), key=lambda t: (-buyer[t], -guessed[t], t))
    reasons = [{"reason": tag, "label": reason_label(tag), "count": buyer[tag], "share": _share(buyer[tag], heard),
                "guessed": guessed[tag], "guessed_share": _share(guessed[tag], with_guesses),
                "confirmed": confirmed[tag]} for tag in reason_tags]
    overall_share = {tag: buyer[tag] / heard for tag in buyer} if heard else {}
    red_flags = []
    for flag, (count, flag_heard) in sorted(flags.items(), key=lambda kv: (-kv[1][0], kv[0])):
        co = flag_reasons.get(flag, Counter())
        red_flags.append({
            "flag": flag, "label": RED_FLAGS.get(flag, flag), "count": count, "heard": flag_heard,
            "reasons": [{"reason": tag, "label": reason_label(tag), "count": n, "share": _share(n, flag_heard),
                         "lift": round((n / flag_heard) / overall_share[tag], 2) if overall_share.get(tag) else None}
                        for tag, n in sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))],
        })
    quarter_rows = []
    if quarters:
        for name in _quarters_between(min(quarters), max(quarters)):
            group = quarters.get(name, _Group())
            quarter_rows.append({"quarter": name, "count": group.count, "value": round(group.value, 2),
                                 "reasons": _top_reasons(group.reasons)})
    judged_guesses = sum(entry[1] for entry in guess_quarters.values())
    judged_hits = sum(entry[2] for entry in guess_quarters.values())
    accuracy_rows = []
    if guess_quarters:
        for name in _quarters_between(min(guess_quarters), max(guess_quarters)):
            debriefs, guesses, hits = guess_quarters.get(name, [0, 0, 0])
            accuracy_rows.append({"quarter": name, "debriefs": debriefs, "guessed": guesses, "confirmed": hits,
                                  "accuracy": round(hits / guesses, 4) if guesses else None})
    due.sort(key=lambda row: (row["next_check_in"], row["company"], row["id"]))
    overdue_items.sort(key=lambda row: (row["due"], row["company"], row["id"]))
    unclear = sorted((q for q in questions.values() if q["unclear"]),
                     key=lambda q: (-q["unclear"], -q["unclear"] / q["asked"], q["question_id"]))
    for entry_q in unclear:
        entry_q["share"] = _share(entry_q["unclear"], entry_q["asked"])
    return {
        "total": total,
        "today": today.isoformat(),
        "period": {"from": format_date(first_day) or None, "to": format_date(last_day) or None},
        "value_lost": round(value_lost, 2),
        "heard": heard,
        "with_guesses": with_guesses,
        "reasons": reasons,
        "competitors": _grouped(competitors, total, "name", "not recorded"),
        "stages": _grouped(stages, total, "stage", "not recorded"),
        "quarters": quarter_rows,
        "red_flags": red_flags,
        "guess_accuracy": {
            "debriefs": sum(entry[0] for entry in guess_quarters.values()),
            "guessed": judged_guesses, "confirmed": judged_hits,
            "accuracy": round(judged_hits / judged_guesses, 4) if judged_guesses else None,
            "quarters": accuracy_rows,
        },
        "follow_ups": {
            "action_items": {"done": items_done, "open": items_open, "overdue": len(overdue_items)},
            "check_ins": {"due": len(due), "upcoming": check_ins_upcoming},
            "logged": logged,
            "due": due,
            "overdue_items": overdue_items,
        },
        "unclear_questions": unclear,
    }


def stats_of(debriefs: Iterable[Debrief], today: date) -> dict[str, Any]:
    """Patterns straight from debriefs (the command line reads them once, no cache needed)."""
    return compute_stats((facts_of(debrief) for debrief in debriefs), today)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _bar(value: float, top: float, width: int = 20) -> str:
    if top <= 0 or value <= 0:
        return ""
    cells = value / top * width
    full = int(cells)
    rest = "▏▎▍▌▋▊▉"[int((cells - full) * 7)] if full < width and cells - full >= 1 / 7 else ""
    return "█" * full + rest


def _text_table(headers: list[str], rows: list[list[str]], align: str) -> list[str]:
    """Columns padded to width; ``align`` has one letter a column: l(eft) or r(ight)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(width) if side == "r" else cell.ljust(width)
                         for cell, width, side in zip(cells, widths, align, strict=True)).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)]


def stats_text(stats: dict[str, Any], limit: int = 10) -> str:
    """The patterns for a terminal: plain aligned tables with bars (``debrief stats``)."""
    total = stats["total"]
    if not total:
        return "No debriefs yet: patterns appear once you have logged a few losses.\n"
    period = stats["period"]
    out = [f"{total:,} lost deals from {period['from']} to {period['to']}, {stats['value_lost']:,.0f} in value; "
           f"the buyer's reasons are known for {stats['heard']:,}.", ""]

    def section(title: str, lines: list[str]) -> None:
        out.extend([title, *lines, ""])

    reasons = stats["reasons"][:limit]
    top = max([r["count"] for r in reasons] + [1])
    section("Why we lose (buyer's reasons; share of debriefs where the buyer was heard)", _text_table(
        ["reason", "buyer", "share", "my guesses", ""],
        [[r["label"], str(r["count"]), _pct(r["share"]), str(r["guessed"]), _bar(r["count"], top)] for r in reasons],
        "lrrrl"))
    for key, title in (("competitors", "Who we lose to"), ("stages", "Where in the deal")):
        rows = stats[key][:limit]
        top = max([r["count"] for r in rows] + [1])
        section(title, _text_table(
            ["", "losses", "share", "top reason", ""],
            [[r["label"], str(r["count"]), _pct(r["share"]), r["reasons"][0]["label"] if r["reasons"] else "",
              _bar(r["count"], top)] for r in rows], "lrrll"))
    quarters = stats["quarters"][-8:]
    top = max([q["count"] for q in quarters] + [1])
    section("Losses by quarter", _text_table(
        ["quarter", "losses", "top reason", ""],
        [[q["quarter"], str(q["count"]), q["reasons"][0]["label"] if q["reasons"] else "", _bar(q["count"], top)]
         for q in quarters], "lrll"))
    accuracy = stats["guess_accuracy"]
    section(f"My guesses confirmed by the buyer: {_pct(accuracy['accuracy'])} "
            f"({accuracy['confirmed']:,} of {accuracy['guessed']:,} guesses)", _text_table(
        ["quarter", "guesses", "confirmed", "accuracy"],
        [[q["quarter"], str(q["guessed"]), str(q["confirmed"]), _pct(q["accuracy"])]
         for q in accuracy["quarters"][-8:]], "lrrr"))
    section("Red flags before losses (most frequent buyer reasons when the flag was seen)", _text_table(
        ["red flag", "seen", "then the buyer said"],
        [[f["label"], str(f["count"]), ", ".join(f"{r['label']} {_pct(r['share'])}" for r in f["reasons"][:3])]
         for f in stats["red_flags"][:limit]], "lrl"))
    follow = stats["follow_ups"]
    items, check_ins = follow["action_items"], follow["check_ins"]
    lines = [f"Action items: {items['done']:,} done, {items['open']:,} open ({items['overdue']:,} overdue).",
             f"Check-ins: {check_ins['due']:,} due by {stats['today']}, {check_ins['upcoming']:,} coming up; "
             f"{follow['logged']:,} follow-ups logged."]
    lines += [f"  due {row['next_check_in']}  {row['id']}  {row['company']} ({row['contact']})"
              for row in follow["due"][:5]]
    section("Follow-ups", lines)
    unclear = stats["unclear_questions"][:limit]
    section("Questions most often left unclear", _text_table(
        ["question", "unclear", "asked", "share"],
        [[one_line(q["text"], 60), str(q["unclear"]), str(q["asked"]), _pct(q["share"])] for q in unclear], "lrrr")
        if unclear else ["No answer was left unclear."])
    return "\n".join(out).rstrip() + "\n"


def stats_markdown(stats: dict[str, Any]) -> str:
    """The patterns as a Markdown report to share with a manager or a team."""
    return "# Patterns across lost deals\n\n```\n" + stats_text(stats, limit=20) + "```\n"


# -- search ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchField:
    """One piece of a debrief's free text, flattened to one line, with where it came from."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """The searchable text of one debrief; ``blob`` is all of it, lower-cased, for a fast first pass."""

    id: str
    company: str
    contact: str
    lost_on: date
    lost_to: str
    fields: tuple[SearchField, ...]
    blob: str


def search_doc(debrief: Debrief) -> SearchDoc:
    """What search looks through: impressions, every answer's notes and clarification, takeaways."""
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
    for key, title in TAKEAWAY_FIELDS:
        add(title, getattr(debrief.takeaways, key))
    for item in debrief.action_items:
        add("Action item", item.text)
    blob = "\n".join(f.text for f in fields).lower()
    return SearchDoc(id=debrief.id, company=one_line(debrief.company), contact=one_line(debrief.contact.name),
                     lost_on=debrief.lost_on, lost_to=one_line(debrief.lost_to), fields=tuple(fields), blob=blob)


_TERM = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 12


def query_terms(query: str) -> list[str]:
    """Words of a query, lower-cased; a "quoted phrase" is one term. Every term must match."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(strip_control(query)[:500]):
        term = " ".join((phrase or word).lower().split())
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
    """A regex that finds any of the terms, longest first, ignoring case (for highlighting)."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term).replace(r"\ ", r"\s+") for term in ordered), re.IGNORECASE)


def snippet(label: str, text: str, pattern: re.Pattern[str], width: int = 150) -> Snippet | None:
    """The part of ``text`` around its first match, cut at word boundaries, matches located."""
    first = pattern.search(text)
    if first is None:
        return None
    start = 0
    if len(text) > width and first.start() > width // 3:
        start = first.start() - width // 3
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 15 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    piece = prefix + text[start:end] + suffix
    spans = tuple((m.start(), m.end()) for m in pattern.finditer(piece) if m.end() > m.start())
    return Snippet(label, piece, spans)


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


# -- the library: one database's facts and search text, kept in memory ------------------------------


@dataclass
class _Entry:
    stamp: tuple[int, int, int]
    facts: Facts
    doc: SearchDoc


@dataclass
class Library:
    """Facts and search text of every debrief of one database, refreshed by file stamps."""

    store: Store
    _entries: dict[str, _Entry] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    """Ids whose file could not be read at the last refresh (reported, never fatal)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Read the debriefs added or changed since the last refresh; returns how many were read.

        ``progress(done, todo)`` is called every few hundred debriefs, for a progress hint.
        """
        with self._lock:
            stamps = self.store.stamps()
            for gone in set(self._entries) - set(stamps):
                del self._entries[gone]
            changed = [i for i, stamp in stamps.items()
                       if (entry := self._entries.get(i)) is None or entry.stamp != stamp]
            unreadable: list[str] = []
            for done, debrief_id in enumerate(changed, start=1):
                try:
                    debrief = self.store.get(debrief_id)
                except StoreError:
                    unreadable.append(debrief_id)
                    self._entries.pop(debrief_id, None)
                    continue
                self._entries[debrief_id] = _Entry(stamps[debrief_id], facts_of(debrief), search_doc(debrief))
                if progress is not None and (done % 250 == 0 or done == len(changed)):
                    progress(done, len(changed))
            # Unreadable files have no entry, so the next refresh tries them again.
            self.unreadable = sorted(unreadable)
            return len(changed)

    def facts(self) -> list[Facts]:
        """The facts of every debrief read so far, by id (so results never depend on disk order)."""
        with self._lock:
            return [self._entries[key].facts for key in sorted(self._entries)]

    def docs(self) -> list[SearchDoc]:
        """The search text of every debrief read so far, by id."""
        with self._lock:
            return [self._entries[key].doc for key in sorted(self._entries)]

    def __len__(self) -> int:
        return len(self._entries)


_LIBRARIES: dict[Path, Library] = {}
_LIBRARIES_LOCK = threading.Lock()


def library_for(store: Store) -> Library:
    """The one library of this database in this process (screens share it, so a second look is fast)."""
    key = store.root.resolve()
    with _LIBRARIES_LOCK:
        library = _LIBRARIES.get(key)
        if library is None:
            library = _LIBRARIES[key] = Library(store)
        return library


# -- exports -------------------------------------------------------------------------------------------


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe form of a company name."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", one_line(text).lower()).strip("-")
    return cleaned[:limit].strip("-") or "debrief"


def save_export(text: str, filename: str, folder: Path | None = None) -> Path:
    """Write an export where the rep can find it (0600: it holds prospects' words); returns the path."""
    from debrief.core.store import atomic_write
    from debrief.locations import ensure_private_dir, exports_dir

    target = ensure_private_dir(folder or exports_dir())
    path = target / filename
    atomic_write(path, strip_control(text).encode(), target)
    return path

