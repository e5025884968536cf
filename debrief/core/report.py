"""One debrief as Markdown: what ``debrief show`` prints and what a rep pastes into a CRM note.

Every piece of free text passes through ``strip_control`` so a note's terminal escapes never
reach the terminal.
"""

from __future__ import annotations

from debrief.core.dates import format_date, format_datetime
from debrief.core.model import LOSS_REASONS, RED_FLAGS, AnswerState, Debrief
from debrief.core.text import strip_control


def _clean(text: str) -> str:
    return strip_control(text).strip()


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in _clean(text).splitlines()]


def reason_label(tag: str) -> str:
    """The readable name of a loss-reason tag."""
    return LOSS_REASONS.get(tag, tag)


def debrief_markdown(debrief: Debrief) -> str:
    """Everything in one debrief, as readable Markdown."""
    out: list[str] = [f"# {_clean(debrief.company)} — debrief {debrief.id}", ""]
    deal = [
        ("Status", debrief.status.value),
        ("Contact", _clean(f"{debrief.contact.name}" + (f", {debrief.contact.role}" if debrief.contact.role else ""))),
        ("Lost on", format_date(debrief.lost_on)),
        ("Lost to", _clean(debrief.lost_to) or "—"),
        ("Stage", _clean(debrief.stage) or "—"),
        ("Value", f"{debrief.value:,.0f}" if debrief.value is not None else "—"),
    ]
    out += [f"- **{label}:** {value}" for label, value in deal] + [""]

    out += ["## First impressions", ""]
    out += (_quote(debrief.impressions) or ["_None written._"]) + [""]
    if debrief.red_flags:
        out += ["**Red flags in hindsight:**", ""]
        out += [f"- {RED_FLAGS.get(flag, _clean(flag))}" for flag in debrief.red_flags] + [""]
    if debrief.guessed_reasons:
        out += ["**My guess at the reasons:** " + ", ".join(reason_label(t) for t in debrief.guessed_reasons), ""]

    if debrief.schedule:
        out += ["## The call", ""]
        out += [f"- **When:** {format_datetime(debrief.schedule.at)} ({debrief.schedule.minutes} minutes)"]
        if debrief.call.ended_at:
            share = debrief.call.rep_share
            out += [f"- **Held:** {round(debrief.call.elapsed / 60)} minutes"]
            if share is not None:
                out += [f"- **I talked:** {share:.0%} of the time; longest monologue "
                        f"{debrief.call.longest_monologue:.0f} s"]
        out += [""]

    if debrief.script:
        out += [f"## Answers (bank {debrief.script.bank_id} v{debrief.script.bank_version})", ""]
        for question in debrief.script.questions:
            answer = debrief.answers.get(question.id)
            state = answer.state if answer else AnswerState.NOT_ASKED
            out += [f"### {_clean(question.text)}", "", f"_{state.value.replace('_', ' ')}_", ""]
            if answer and answer.notes.strip():
                out += _quote(answer.notes) + [""]
            if answer and answer.clarified.strip():
                out += ["**Clarified:**", ""] + _quote(answer.clarified) + [""]
            if answer and answer.tags:
                out += ["Reasons: " + ", ".join(reason_label(t) for t in answer.tags), ""]
    extra = [a for qid, a in debrief.answers.items() if not debrief.script or qid not in debrief.script.question_ids]
    if extra:
        out += ["## Other notes", ""]
        for answer in extra:
            out += [f"### {answer.question_id}", ""] + _quote(answer.notes) + [""]
    if debrief.call.markers:
        out += ["## Markers", ""]
        out += [f"- {int(m.elapsed // 60):02d}:{int(m.elapsed % 60):02d} {_clean(m.label)}"
                for m in debrief.call.markers]
        out += [""]

    from debrief.core.wrapup import compare_guess  # wrapup builds on this module

    comparison = compare_guess(debrief)
    if comparison.rows:
        out += ["## My guess versus what the buyer said", ""]
        out += [f"- {row.label}: {row.verdict}" for row in comparison.guessed]
        if comparison.buyer_only:
            out += ["- Buyer also said: " + ", ".join(row.label for row in comparison.buyer_only)]
        out += ["", comparison.sentence(), ""]

    takeaways = debrief.takeaways
    if any((takeaways.what_happened, takeaways.differently, takeaways.next_time)):
        out += ["## Takeaways", ""]
        for title, text in (("What happened", takeaways.what_happened),
                            ("What I could have done differently", takeaways.differently),
                            ("What I will do next time", takeaways.next_time)):
            if text.strip():
                out += [f"**{title}:**", ""] + _quote(text) + [""]
    if debrief.action_items:
        out += ["## Action items", ""]
        for item in debrief.action_items:
            due = f" (due {format_date(item.due)})" if item.due else ""
            owner = f" — {_clean(item.owner)}" if item.owner else ""
            out += [f"- [{'x' if item.done else ' '}] {_clean(item.text)}{owner}{due}"]
        out += [""]
    plan = debrief.stay_in_touch
    if any((plan.channel, plan.next_check_in, plan.may_mention is not None, plan.referral, plan.revisit_trigger)):
        out += ["## Staying in touch", ""]
        if plan.channel:
            out += [f"- **Channel:** {_clean(plan.channel)}"]
        if plan.next_check_in:
            out += [f"- **Next check-in:** {format_date(plan.next_check_in)}"]
        if plan.may_mention is not None:
            out += [f"- **May mention us to others:** {'yes' if plan.may_mention else 'no'}"]
        if plan.referral:
            out += [f"- **Referral:** {_clean(plan.referral)}"]
        if plan.revisit_trigger:
            out += [f"- **What would make them revisit:** {_clean(plan.revisit_trigger)}"]
        out += [""]
    if debrief.follow_ups:
        out += [f"## Follow-ups ({len(debrief.follow_ups)})", ""]
        out += [f"- {format_date(f.on)} {_clean(f.channel)}: {_clean(f.outcome)}"
                for f in sorted(debrief.follow_ups, key=lambda entry: entry.on)]
        out += [""]
    if debrief.move_on:
        out += [f"**Move on after:** {format_date(debrief.move_on)}", ""]
    return "\n".join(out).rstrip() + "\n"
