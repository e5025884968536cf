"""Realistic demo debriefs: something to look at on a fresh install, and data for benchmarks.

Deterministic for a given seed, varied in competitors, stages, reasons, progress, answers and
takeaways, so that home, review and stats have real patterns to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from debrief.core.banks import Bank
from debrief.core.model import (
    ActionItem,
    Answer,
    AnswerState,
    CallRecord,
    Contact,
    Debrief,
    FollowUp,
    Marker,
    Schedule,
    Status,
    StayInTouch,
    Takeaways,
    new_id,
)

COMPANIES = [
    "Northwind Logistics", "Bluepeak Health", "Corvid Analytics", "Harbor & Lane", "Meridian Foods",
    "Oakridge Capital", "Pinecrest Schools", "Quantum Freight", "Redwood Retail", "Silverline Telecom",
    "Tidewater Energy", "Umbra Security", "Vantage Media", "Westfield Clinics", "Yellowstone Outfitters",
    "Zephyr Aerospace", "Atlas Manufacturing", "Brightwave Solar", "Cascade Insurance", "Driftwood Hotels",
    "Evergreen Labs", "Foxglove Pharma", "Granite Construction Co", "Helix Biotech", "Ironclad Legal",
    "Juniper Networks Group", "Keystone Realty", "Lumen Education", "Mosaic Marketing", "Nimbus Cloudworks",
]
FIRST = ["Jane", "Amir", "Sofia", "Liam", "Priya", "Marcus", "Elena", "Kenji", "Olivia", "Tomás",
         "Grace", "Noah", "Aisha", "Lukas", "Mei", "Daniel", "Fatima", "Oscar", "Hannah", "Ravi"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Schmidt", "Alvarez", "Chen", "Kowalski", "Haddad",
        "Brennan", "Nakamura", "Rossi", "Patel", "Johansson", "Dubois", "Ferreira", "Novak", "Walsh"]
ROLES = ["VP Operations", "Head of IT", "CFO", "Procurement Lead", "Director of Sales", "CTO",
         "Operations Manager", "Head of Customer Success", "COO", "IT Manager"]
COMPETITORS = ["Salesforce", "HubSpot", "Zendesk", "Freshworks", "Pipedrive", "an in-house build",
               "Monday.com", "Oracle", ""]
STAGES = ["discovery", "demo", "proposal", "negotiation", "security review", "final two"]
REASON_SETS = [
    ["price", "value"], ["competitor", "features"], ["relationship", "trust"], ["timing", "budget"],
    ["decision-maker", "decision-process"], ["status-quo", "urgency"], ["integration", "product-fit"],
    ["champion", "relationship"], ["references", "trust"], ["implementation", "scope"],
]
FLAGS = ["decision-maker", "price", "timing", "champion-left", "incumbent", "late-entry", "no-pain",
         "single-thread", "competitor-demo", "silence"]

PHRASES = {
    "price": "the price", "value": "not seeing the value clearly", "product-fit": "product fit",
    "features": "a missing reporting feature", "integration": "the integration with their ERP",
    "competitor": "the other vendor's stronger demo", "relationship": "the relationship with their team",
    "trust": "trust in a smaller vendor", "timing": "timing", "budget": "a budget freeze",
    "decision-process": "how the decision was run", "decision-maker": "the CFO's veto",
    "champion": "losing their internal champion", "status-quo": "sticking with what they have",
    "implementation": "the implementation effort", "support": "support coverage in their time zone",
    "references": "references in their industry", "criteria": "the evaluation criteria",
    "urgency": "no urgency to change", "scope": "the scope of the rollout",
}
"""How a rep would write each loss reason in a note."""

LOST_DAYS_AGO = {
    Status.LOGGED: (0, 12), Status.SCHEDULED: (2, 20), Status.PREPARED: (5, 20),
    Status.IN_CALL: (10, 25), Status.HELD: (18, 120), Status.WRAPPED: (30, 720),
}
"""How long ago a loss at each status happened, so call dates and statuses agree."""

NOTES = [
    "They said the decision came down to {reason}. Their team felt {winner} was a safer bet.",
    "Mostly about {reason}. Gave an example: the pilot showed gaps in reporting they needed by Q1.",
    "Budget holder joined late; {reason} was the deciding factor. Would consider us again next year.",
    "Honest answer: {reason}. They liked our team but {winner} had an existing relationship.",
    "Not clear at first. Asked for an example: they meant {reason}, specifically onboarding time.",
    "They valued the responsiveness of our team. The gap was {reason}.",
]
TAKEAWAYS = [
    ("We lost on {reason} to {winner}.", "Reach the economic buyer before the proposal.",
     "Multi-thread from discovery and confirm the decision process in writing."),
    ("{winner} won on {reason}; we were late to the evaluation.", "Ask about incumbents in the first call.",
     "Qualify out earlier when an RFP is written around another vendor."),
    ("The buyer stayed with the status quo: {reason}.", "Quantify the cost of doing nothing together.",
     "Build the business case with the champion before the demo."),
]


def _selection(bank: Bank, minutes: int, cache: dict[tuple[str, int], list[str]]) -> list[str]:
    key = (bank.id, minutes)
    if key not in cache:
        from debrief.core.script import default_selection

        cache[key] = default_selection(bank, minutes)
    return cache[key]


def demo_debriefs(count: int, seed: int = 7, today: date | None = None) -> Iterator[Debrief]:
    """``count`` varied, realistic debriefs at every stage of the flow."""
    from debrief.core.banks import load_banks
    from debrief.core.script import build_script, suggest_bank

    rng = random.Random(seed)
    today = today or date.today()
    banks = load_banks()
    selections: dict[tuple[str, int], list[str]] = {}
    for _ in range(count):
        company = rng.choice(COMPANIES)
        contact = Contact(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", role=rng.choice(ROLES))
        status = rng.choices(list(Status), weights=[3, 2, 1, 0, 2, 6])[0]
        lost_on = today - timedelta(days=rng.randint(*LOST_DAYS_AGO[status]))
        winner = rng.choice(COMPETITORS)
        reasons = rng.choice(REASON_SETS)
        created = datetime.combine(lost_on, time(17, 30))
        debrief = Debrief(
            id=new_id(), created_at=created, updated_at=created, status=Status.LOGGED,
            company=company, contact=contact, value=float(rng.randrange(8, 400) * 1000),
            stage=rng.choice(STAGES), lost_on=lost_on, lost_to=winner,
            impressions=rng.choice([
                f"They went with {winner or 'doing nothing'}. Felt we never reached the CFO.",
                "Call was short and polite. Price came up twice, but I think it was more about trust.",
                "We were a strong second. The champion went quiet two weeks before the decision.",
                "Timing: their budget froze for the quarter. Keep the door open.",
            ]),
            red_flags=rng.sample(FLAGS, rng.randint(0, 3)),
            guessed_reasons=rng.sample(reasons + ["price", "features"], 2),
        )
        if status.rank >= Status.SCHEDULED.rank:
            earliest = 7 if status.rank >= Status.HELD.rank else max(7, (today - lost_on).days + 1)
            day = lost_on + timedelta(days=rng.randint(earliest, max(earliest, 21)))
            at = datetime.combine(day, time(rng.choice([9, 10, 14, 16]), 0))
            debrief.schedule = Schedule(at=at, minutes=rng.choice([15, 20]), booked_at=created)
        if status.rank >= Status.PREPARED.rank and banks.banks:
            minutes = debrief.schedule.minutes if debrief.schedule else 20
            bank = suggest_bank(debrief, banks)
            chosen = [qid for qid in _selection(bank, minutes, selections) if rng.random() < 0.9]
            debrief.script = build_script(debrief, bank, chosen, minutes, rep_name="Sam Rivera")
            debrief.script.chosen_at = created
        if status.rank >= Status.HELD.rank and debrief.script and debrief.schedule:
            start = debrief.schedule.at
            for position, question in enumerate(debrief.script.questions):
                overlap = [tag for tag in question.tags if tag in reasons]
                said = rng.choice(overlap or reasons) if overlap or rng.random() < 0.3 else ""
                state = rng.choices(list(AnswerState)[1:], weights=[6, 1, 2])[0]
                debrief.answers[question.id] = Answer(
                    question_id=question.id,
                    notes=rng.choice(NOTES).format(reason=PHRASES[said or reasons[0]],
                                                   winner=winner or "staying put"),
                    state=state,
                    clarified="They meant the rollout plan, not the product." if state == AnswerState.CLARIFIED else "",
                    tags=[said] if said else [],
                    seconds=rng.uniform(40, 160),
                    first_noted_at=start + timedelta(minutes=position * 2),
                    updated_at=start + timedelta(minutes=position * 2 + 1),
                )
            rep, buyer = rng.uniform(120, 420), rng.uniform(600, 1100)
            debrief.call = CallRecord(
                started_at=start, ended_at=start + timedelta(seconds=rep + buyer),
                elapsed=rep + buyer, rep_talk=rep, buyer_talk=buyer,
                longest_monologue=rng.uniform(15, 90),
                markers=[Marker(at=start + timedelta(minutes=6), elapsed=360, label="Key quote on pricing")],
            )
        if status == Status.WRAPPED:
            happened, differently, next_time = rng.choice(TAKEAWAYS)
            debrief.takeaways = Takeaways(
                what_happened=happened.format(reason=PHRASES[reasons[0]], winner=winner or "the status quo"),
                differently=differently, next_time=next_time,
            )
            debrief.action_items = [ActionItem(text="Share the lesson at the team meeting", owner="me",
                                               due=lost_on + timedelta(days=30), done=rng.random() < 0.6)]
            debrief.stay_in_touch = StayInTouch(
                channel=rng.choice(["email", "LinkedIn", "phone"]),
                next_check_in=lost_on + timedelta(days=rng.choice([60, 90, 120, 180])),
                may_mention=rng.random() < 0.7, revisit_trigger="Their contract renewal next year",
            )
            debrief.follow_ups = [FollowUp(on=lost_on + timedelta(days=45), channel="email",
                                           outcome="Sent an article on their industry; friendly reply")]
            debrief.move_on = lost_on + timedelta(days=rng.choice([30, 45, 60]))
        debrief.status = status
        yield debrief
