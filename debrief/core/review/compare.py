"""Side by side: two to four debriefs lined up question by question.

The same question id sits on the same row; questions only some of them asked stay in place (blank
elsewhere). The guess check of each column is ``facts.guess_check``, the one every screen uses.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from debrief.core.dates import format_date
from debrief.core.facts import NOT_CHECKED, GuessCheck, guess_check, reason_label, state_label, status_label
from debrief.core.red_flags import RED_FLAGS
from debrief.core.text import one_line, plural, strip_control

if TYPE_CHECKING:
    # Loaded when a comparison is made, not when the review package is imported (stats and search
    # start without the model).
    from debrief.core.model import Answer, Debrief

MIN_COMPARE = 2
MAX_COMPARE = 4

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


@dataclass(frozen=True)
class QuestionRow:
    """One question across the compared debriefs: an answer per debrief, None where not asked."""

    question_id: str
    text: str
    phase_title: str
    answers: tuple[Answer | None, ...]
    asked: tuple[str, ...] = ()
    """Per debrief: the question as its own script words it (its names), "" where not scripted."""

    @property
    def topic(self) -> str:
        """The row's neutral head: what the question is about, no debrief's names in it."""
        from debrief.core.script import question_topic

        return question_topic(self.question_id)

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
    checked: tuple[bool, ...] = ()
    """Per debrief: whether any of its answers carries a reason (else a guess is not checked yet)."""

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
        if guessed and self.checked and not self.checked[index]:
            return f"guessed · {NOT_CHECKED}"
        if guessed:
            return "guessed ✗ (not said)"
        return ""


DEAL_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("contact", "Contact", False),
    ("lost_on", "Lost on", True),
    ("lost_to", "Lost to", True),
    ("stage", "Stage", True),
    ("value", "Value", True),
    ("status", "Status", True),
    ("red_flags", "Red flags", True),
)
"""Deal facts shown above the answers: key, title, whether a difference is marked ≠.

Every fact is marked where the debriefs differ, as answers and reasons are, except the contact:
each column is about another buyer, so that row would always be marked and say nothing.
"""

def _takeaway_fields() -> tuple[tuple[str, str], ...]:
    from debrief.core.document import TAKEAWAY_TITLES

    return tuple(TAKEAWAY_TITLES)
"""The parts of the lesson: field name and title."""


def _deal_value(debrief: Debrief, key: str) -> str:
    if key == "contact":
        role = f", {debrief.contact.role}" if debrief.contact.role else ""
        return one_line(debrief.contact.name + role)
    if key == "lost_on":
        return format_date(debrief.lost_on)
    if key == "value":
        return f"{debrief.value:,.0f}" if debrief.value is not None else ""
    if key == "status":
        return status_label(debrief.status)
    if key == "red_flags":
        return ", ".join(RED_FLAGS.get(flag, flag) for flag in debrief.red_flags)
    return one_line(str(getattr(debrief, key)))


@dataclass(frozen=True)
class Comparison:
    """Two to four debriefs side by side."""

    debriefs: tuple[Debrief, ...]
    rows: tuple[QuestionRow, ...]
    reasons: tuple[ReasonLine, ...]
    guesses: tuple[GuessCheck, ...]

    def deal_rows(self) -> list[tuple[str, list[str], bool]]:
        """Title, one value per debrief, and whether the difference should stand out."""
        rows = []
        for key, title, notable in DEAL_FIELDS:
            values = [_deal_value(debrief, key) for debrief in self.debriefs]
            rows.append((title, values, notable and len(set(values)) > 1))
        return rows

    def guess_rows(self) -> list[tuple[str, str, list[str], bool]]:
        """The rep's guess and what the buyer said: key, title, one text per debrief, whether they differ."""
        rows = []
        for key, title, values in (
            ("guessed", "Guessed", [", ".join(reason_label(t) for t in g.guessed) for g in self.guesses]),
            ("buyer", "Buyer said", [", ".join(reason_label(t) for t in g.buyer) for g in self.guesses]),
        ):
            rows.append((key, title, values, len(set(values)) > 1))
        return rows

    @property
    def results_differ(self) -> bool:
        """Whether the guesses came out differently (one confirmed, another missed)."""
        return len({guess.accuracy for guess in self.guesses}) > 1

    def summary(self) -> str:
        """What the ≠ marks stand for here, in words: how many of each kind of row differ."""
        rows = self.rows
        if not rows:
            return "None of these debriefs has answers yet: compare the deals, reasons and takeaways."
        shared = sum(1 for row in rows if all(answer is not None for answer in row.answers))
        if len(rows) == 1:
            asked = f"{'Every' if shared else 'Not every'} debrief asked the one question."
        elif shared == len(rows):
            asked = f"Every debrief asked all {len(rows)} questions."
        elif shared == 0:
            asked = f"None of the {len(rows)} questions was asked in every debrief."
        else:
            asked = f"{shared} of the {len(rows)} questions were asked in every debrief."
        facts = sum(1 for _, _, differs in self.deal_rows() if differs)
        answers = sum(1 for row in rows if row.differs)
        reasons = sum(1 for line in self.reasons if line.differs)
        guesses = sum(1 for *_, differs in self.guess_rows() if differs) + self.results_differ
        parts = [part for count, part in (
            (facts, plural(facts, "deal fact")),
            (answers, f"{plural(answers, 'question')} answered differently"),
            (reasons, plural(reasons, "loss reason")),
            (guesses, plural(guesses, "guess line")),
        ) if count]
        if not parts:
            return f"{asked} Nothing else differs: only the notes and takeaways, which always do."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{asked} ≠ marks what differs: {listed}."

    def takeaway_rows(self) -> list[tuple[str, list[str]]]:
        """Each part of the lesson, one text per debrief."""
        return [(title, [strip_control(getattr(debrief.takeaways, key)).strip() for debrief in self.debriefs])
                for key, title in _takeaway_fields()]

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
                {"question_id": row.question_id, "text": row.text, "topic": row.topic, "asked": list(row.asked),
                 "phase": row.phase_title,
                 "differs": row.differs,
                 "answers": [None if a is None else {"notes": a.notes, "clarified": a.clarified,
                                                     "state": a.state.value, "tags": list(a.tags)}
                             for a in row.answers]}
                for row in self.rows
            ],
            "tags": [{"tag": line.tag, "label": line.label, "said": list(line.said),
                      "guessed": list(line.guessed), "differs": line.differs} for line in self.reasons],
            "takeaways": [{key: getattr(d.takeaways, key) for key, _ in _takeaway_fields()}
                          for d in self.debriefs],
            "guess": [guess.to_json() for guess in self.guesses],
        }


def _question_sequence(debrief: Debrief) -> list[str]:
    scripted = debrief.script.question_ids if debrief.script else []
    extra = [qid for qid, answer in debrief.answers.items()
             if qid not in scripted and (answer.notes.strip() or answer.tags or answer.state != "not_asked")]
    return [*scripted, *extra]


def compare(debriefs: Sequence[Debrief]) -> Comparison:
    """Line the debriefs up question by question, then reasons and guesses."""
    from debrief.core.model import Answer

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
        asked = tuple(next((one_line(q.text) for q in d.script.questions if q.id == qid), "") if d.script else ""
                      for d in debriefs)
        rows.append(QuestionRow(question_id=qid, text=text, phase_title=phase, answers=tuple(answers),
                                asked=asked))

    said_counts = [Counter(tag for answer in d.answers.values() for tag in answer.tags) for d in debriefs]
    tags = list(dict.fromkeys([t for counts in said_counts for t in counts] +
                              [t for d in debriefs for t in d.guessed_reasons]))
    reasons = [ReasonLine(tag=tag, said=tuple(counts.get(tag, 0) for counts in said_counts),
                          guessed=tuple(tag in d.guessed_reasons for d in debriefs),
                          checked=tuple(bool(counts) for counts in said_counts)) for tag in tags]
    reasons.sort(key=lambda line: (-sum(1 for n in line.said if n), -sum(line.said), -sum(line.guessed), line.tag))
    guesses = tuple(guess_check(d) for d in debriefs)
    return Comparison(debriefs=tuple(debriefs), rows=tuple(rows), reasons=tuple(reasons), guesses=guesses)


def _md_cell(text: str) -> str:
    flat = strip_control(text).strip().replace("|", "\\|")
    return "<br>".join(line.strip() for line in flat.splitlines() if line.strip())


def answer_cell(answer: Answer | None) -> str:
    """One answer as plain text for a cell: state, notes, clarification, reasons."""
    if answer is None:
        return ""
    parts = [state_label(answer.state)]
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
           "≠ marks rows where the debriefs differ: deal facts (the contact aside), how each "
           "question went and the reasons given, loss reasons, the guess.", ""]
    out += table("Deal", ([("≠ " if differs else "") + title, *(_md_cell(v) for v in values)]
                          for title, values, differs in comparison.deal_rows()))
    out += ["## Answers, question by question", ""]
    if comparison.rows:
        cells = []
        for row in comparison.rows:
            answers = [_md_cell("\n".join(part for part in (f"“{asked}”" if asked else "", answer_cell(a)) if part))
                       if a is not None else "—" for a, asked in zip(row.answers, row.asked or [""] * len(row.answers),
                                                                  strict=True)]
            cells.append([("≠ " if row.differs else "") + _md_cell(row.topic), *answers])
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
        *([("≠ " if differs else "") + title, *(_md_cell(v) for v in values)]
          for _, title, values, differs in comparison.guess_rows()),
        [("≠ " if comparison.results_differ else "") + "Result", *(g.cell() for g in comparison.guesses)],
    ])
    out += ["## Takeaways", ""]
    out += table("Takeaway", ([title, *(_md_cell(text) for text in texts)]
                              for title, texts in comparison.takeaway_rows()))
    return "\n".join(out).rstrip() + "\n"


