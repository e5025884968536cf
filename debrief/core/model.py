"""The domain model: one debrief, from the logged loss to the lesson learned.

Typed and validated with pydantic; stored as JSON with a ``schema_version`` so that later versions
can migrate old data (see ``migrations``). The model knows nothing of storage or the UI.

The model is the text boundary: every string in it (list items and answer keys included) is one of
the types below, so whatever door a text came in by it is stored cleaned (``debrief.core.text``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from debrief.core.dates import check_range
from debrief.core.ids import ID_ALPHABET, ID_LENGTH, is_valid_id, new_id
from debrief.core.red_flags import RED_FLAGS as RED_FLAGS
from debrief.core.text import MAX_LINE, MAX_TEXT, clean_line, clean_text, needs_cleaning, one_line

__all__ = ["ID_ALPHABET", "ID_LENGTH", "is_valid_id", "new_id"]  # re-exported: ids live in ids.py

SCHEMA_VERSION = 2
"""Version of the stored shape of a debrief; bump it and add a migration when the shape changes."""


def _refuse_huge(value: str, limit: int) -> None:
    # Cleaning is linear but not free: text many times the bound is refused before it is cleaned.
    if len(value) > 10 * limit:
        raise ValueError(f"too long ({len(value):,} characters, at most {limit:,})")


# Validators run for every string of every debrief read (stats reads 10,000): the clean case is
# one scan in C and no further call.
def _text(value: object) -> object:
    if type(value) is str and not needs_cleaning(value):
        return value
    if isinstance(value, str):
        _refuse_huge(value, MAX_TEXT)
        return clean_text(str(value))
    return value


def _line(value: object) -> object:
    if type(value) is str and value.isprintable():
        return value
    if isinstance(value, str):
        _refuse_huge(value, MAX_LINE)
        return clean_line(str(value))
    return value


def _line_cut(value: object) -> object:
    if type(value) is str and value.isprintable() and len(value) <= MAX_LINE:
        return value
    if isinstance(value, str):
        return one_line(value[: 10 * MAX_LINE], MAX_LINE)
    return value


def _debrief_id(value: str) -> str:
    if not is_valid_id(value):
        raise ValueError(f"not a debrief id ({ID_LENGTH} characters of {ID_ALPHABET})")
    return value


# Cleaning runs before pydantic's length checks, so a bound holds for the text as stored (a bidi
# mark shown as ⟨U+202E⟩ takes more room than it did) and stored text always validates again.
# The bound sits before the validator so that pydantic checks it natively, in the string schema;
# a bound given here wins over a field's own, hence BoundedLine for fields that set theirs.
Text = Annotated[str, Field(max_length=MAX_TEXT), BeforeValidator(_text)]
"""Multi-line free text (notes, takeaways): cleaned of escapes and controls, tabs and newlines kept."""

Line = Annotated[str, Field(max_length=MAX_LINE), BeforeValidator(_line)]
"""Single-line text (tags, ids, titles, labels): cleaned, line breaks folded to a space."""

CutLine = Annotated[str, BeforeValidator(_line_cut)]
"""Single-line text the app worked out (a tone finding quoting the question): cleaned, and cut to
``MAX_LINE`` with an ellipsis rather than refused, so it never stops a save."""

BoundedLine = Annotated[str, BeforeValidator(_line)]
"""Single-line text for a field that sets its own ``max_length`` (names, company, stage)."""

DebriefId = Annotated[str, AfterValidator(_debrief_id)]
"""A debrief's id: the short, typeable shape every command takes."""


@cache
def multiline_fields(cls: type[BaseModel]) -> frozenset[str]:
    """The fields of ``cls`` that hold multi-line ``Text`` (import joins those on their own lines)."""
    return frozenset(
        name for name, info in cls.model_fields.items()
        if any(isinstance(item, BeforeValidator) and item.func is _text for item in info.metadata)
    )


Day = Annotated[date, AfterValidator(check_range)]
"""A date between 1990 and 2100: the same range every date field of the forms and commands takes."""

Moment = Annotated[datetime, AfterValidator(check_range)]
"""A date and time in the same range (an imported year 1 or 9999 is refused, not stored)."""


class Status(StrEnum):
    """Progress through one debrief; the rep may jump around, the status records how far."""

    LOGGED = "logged"
    SCHEDULED = "scheduled"
    PREPARED = "prepared"
    IN_CALL = "in_call"
    HELD = "held"
    WRAPPED = "wrapped"

    @property
    def rank(self) -> int:
        """Position in the flow, so progress only moves forward unless asked otherwise."""
        return list(Status).index(self)


class AnswerState(StrEnum):
    """Where one question stands during and after the call."""

    NOT_ASKED = "not_asked"
    ANSWERED = "answered"
    UNCLEAR = "unclear"
    CLARIFIED = "clarified"


# Loss-reason tags (an answer's ``tags``, the ``guessed_reasons``) are ids of the taxonomy in
# ``debrief.core.reasons``: any well-formed id is stored, declared or not.


class Contact(BaseModel):
    """The buyer the rep worked with and will call."""

    model_config = ConfigDict(extra="forbid")

    name: BoundedLine = Field(min_length=1, max_length=200)
    role: BoundedLine = Field(default="", max_length=200)
    email: BoundedLine = Field(default="", max_length=320)

    @property
    def first_name(self) -> str:
        """What the rep calls them in the opening line."""
        return self.name.split()[0] if self.name.split() else self.name


class Schedule(BaseModel):
    """The booked debrief call."""

    model_config = ConfigDict(extra="forbid")

    at: Moment
    minutes: int = Field(default=20, ge=5, le=120)
    invitation: Text = ""
    """The invitation as it left the app (once ``sent_at`` is set); before that it is rendered
    from the template each time it is shown, so a name or zone set later signs it."""
    booked_at: Moment = Field(default_factory=lambda: datetime.now().replace(microsecond=0))
    sent_at: Moment | None = None
    """When the invitation was first written out (a file or an email draft); None: not sent yet."""


class ScriptQuestion(BaseModel):
    """A question as chosen for this call: a snapshot, so later bank edits change nothing here."""

    model_config = ConfigDict(extra="forbid")

    id: BoundedLine = Field(min_length=1, max_length=120)
    phase: Line = ""
    phase_title: Line = ""
    text: Text = Field(min_length=1)
    intent: Text = ""
    minutes: float = Field(default=2, ge=0, le=60)
    tags: list[Line] = Field(default_factory=list)
    probes: list[Text] = Field(default_factory=list)
    custom: bool = False
    reworded: bool = False
    """The rep reworded this bank question for this deal: ``text`` is their wording."""
    bank_text: Text = ""
    """The bank's wording for this deal, kept when reworded (so it can be put back)."""


class Script(BaseModel):
    """The chosen call script: which bank, which questions in which order."""

    model_config = ConfigDict(extra="forbid")

    bank_id: Line
    bank_version: int | Line = 1
    minutes: int = Field(default=20, ge=5, le=120)
    opening: Text = ""
    closing: Text = ""
    questions: list[ScriptQuestion] = Field(default_factory=list)
    chosen_at: datetime = Field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def question_ids(self) -> list[str]:
        """Ids in the order they will be asked."""
        return [question.id for question in self.questions]


class Answer(BaseModel):
    """What the buyer said to one question, captured live."""

    model_config = ConfigDict(extra="forbid")

    question_id: Line
    notes: Text = ""
    state: AnswerState = AnswerState.NOT_ASKED
    clarified: Text = ""
    probes_used: list[Text] = Field(default_factory=list)
    tags: list[Line] = Field(default_factory=list)
    seconds: float = Field(default=0, ge=0)
    first_noted_at: datetime | None = None
    updated_at: datetime | None = None


class Marker(BaseModel):
    """A timestamped moment in the call worth coming back to."""

    model_config = ConfigDict(extra="forbid")

    at: datetime
    elapsed: float = Field(default=0, ge=0)
    question_id: Line | None = None
    label: Line = ""


class AdHocQuestion(BaseModel):
    """A question the rep typed during the call, with what the tone check said."""

    model_config = ConfigDict(extra="forbid")

    text: Text
    asked_at: datetime
    findings: list[CutLine] = Field(default_factory=list)


class CallRecord(BaseModel):
    """How the call went: timing, talk share, where the rep was."""

    model_config = ConfigDict(extra="forbid")

    started_at: datetime | None = None
    ended_at: datetime | None = None
    elapsed: float = Field(default=0, ge=0)
    current_question: Line | None = None
    rep_talk: float = Field(default=0, ge=0)
    buyer_talk: float = Field(default=0, ge=0)
    longest_monologue: float = Field(default=0, ge=0)
    markers: list[Marker] = Field(default_factory=list)
    adhoc: list[AdHocQuestion] = Field(default_factory=list)

    @property
    def rep_share(self) -> float | None:
        """The rep's share of talking time, or None before anyone talked."""
        total = self.rep_talk + self.buyer_talk
        return self.rep_talk / total if total else None


class Takeaways(BaseModel):
    """The lesson, in the rep's own words, in three parts."""

    model_config = ConfigDict(extra="forbid")

    what_happened: Text = ""
    differently: Text = ""
    next_time: Text = ""


class ActionItem(BaseModel):
    """Something to do because of this loss."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1)
    owner: Line = ""
    due: Day | None = None
    done: bool = False


class StayInTouch(BaseModel):
    """No often means not now: how the door stays open."""

    model_config = ConfigDict(extra="forbid")

    channel: Line = ""
    next_check_in: Day | None = None
    may_mention: bool | None = None
    referral: Text = ""
    revisit_trigger: Text = ""


class FollowUp(BaseModel):
    """One contact attempt after the call."""

    model_config = ConfigDict(extra="forbid")

    on: Day
    channel: Line = ""
    outcome: Text = ""


class CrmRef(BaseModel):
    """Where an imported deal came from: the CRM and its own id there, so importing again adds nothing."""

    model_config = ConfigDict(extra="forbid")

    source: BoundedLine = Field(min_length=1, max_length=40)
    id: BoundedLine = Field(default="", max_length=200)


class Debrief(BaseModel):
    """One lost deal and everything learned from it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    id: DebriefId = Field(default_factory=new_id)
    created_at: Moment = Field(default_factory=lambda: datetime.now().replace(microsecond=0))
    updated_at: Moment = Field(default_factory=lambda: datetime.now().replace(microsecond=0))
    status: Status = Status.LOGGED

    company: BoundedLine = Field(min_length=1, max_length=200)
    contact: Contact
    value: float | None = Field(default=None, ge=0)
    stage: BoundedLine = Field(default="", max_length=100)
    lost_on: Day = Field(default_factory=date.today)
    lost_to: BoundedLine = Field(default="", max_length=200)
    crm: CrmRef | None = None

    impressions: Text = ""
    red_flags: list[Line] = Field(default_factory=list)
    guessed_reasons: list[Line] = Field(default_factory=list)

    schedule: Schedule | None = None
    script: Script | None = None
    answers: dict[Line, Answer] = Field(default_factory=dict)
    call: CallRecord = Field(default_factory=CallRecord)

    takeaways: Takeaways = Field(default_factory=Takeaways)
    action_items: list[ActionItem] = Field(default_factory=list)
    stay_in_touch: StayInTouch = Field(default_factory=StayInTouch)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    move_on: Day | None = None

    def advance(self, status: Status) -> None:
        """Record progress: the status only moves forward through the flow."""
        if status.rank > self.status.rank:
            self.status = status

    def answer(self, question_id: str) -> Answer:
        """The answer to ``question_id``, created empty on first use."""
        if question_id not in self.answers:
            self.answers[question_id] = Answer(question_id=question_id)
        return self.answers[question_id]

    def buyer_reasons(self) -> list[str]:
        """Loss reasons the buyer's answers were tagged with, most frequent first."""
        counts: dict[str, int] = {}
        for answer in self.answers.values():
            for tag in answer.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda tag: (-counts[tag], tag))

    def template_context(self, rep_name: str = "") -> dict[str, Any]:
        """What bank and invitation templates may see: the deal and the rep, nothing else."""
        return {
            "company": self.company,
            "contact": {
                "name": self.contact.name,
                "first_name": self.contact.first_name,
                "role": self.contact.role,
            },
            "lost_to": self.lost_to,
            "stage": self.stage,
            "value": self.value,
            "rep": {"name": rep_name},
        }

    def to_json(self) -> dict[str, Any]:
        """The stored and exported shape: plain JSON types."""
        return self.model_dump(mode="json")


def summary_of(debrief: Debrief) -> dict[str, Any]:
    """The few fields the home list, the due panel and stats filters need, kept in the index."""
    return {
        "id": debrief.id,
        "company": debrief.company,
        "contact": debrief.contact.name,
        "role": debrief.contact.role,
        "value": debrief.value,
        "stage": debrief.stage,
        "lost_on": debrief.lost_on.isoformat(),
        "lost_to": debrief.lost_to,
        "status": debrief.status.value,
        "call_at": debrief.schedule.at.isoformat(timespec="minutes") if debrief.schedule else None,
        # When the call really began (or ended, if only that was recorded): home shows it once held.
        "held_at": (
            held.isoformat(timespec="minutes")
            if (held := debrief.call.started_at or debrief.call.ended_at) is not None
            else None
        ),
        "next_check_in": (
            debrief.stay_in_touch.next_check_in.isoformat()
            if debrief.stay_in_touch.next_check_in
            else None
        ),
        "move_on": debrief.move_on.isoformat() if debrief.move_on else None,
        # The due rule needs it: a check-in is done once a follow-up is logged on or after it.
        "last_follow_up": (
            max(entry.on for entry in debrief.follow_ups).isoformat() if debrief.follow_ups else None
        ),
        "created_at": debrief.created_at.isoformat(timespec="seconds"),
    }
