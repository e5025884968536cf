"""Realistic demo debriefs: something to look at on a fresh install, and data for benchmarks.

Deterministic for a given seed, varied in competitors, stages, reasons, progress, answers and
takeaways, so that home, review and stats have real patterns to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

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
    Script,
    ScriptQuestion,
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

QUESTIONS = [
    ("opening", "Opening", "thanks-context", "Looking back, how did this project start on your side?", ["criteria"]),
    ("decision", "How the decision was made", "decision-factors", "What mattered most in your final decision?", ["criteria"]),
    ("decision", "How the decision was made", "decision-who", "Who was involved in the final decision, and how did they weigh in?", ["decision-maker", "decision-process"]),
    ("evaluation", "Evaluation", "eval-strengths", "Where did our solution fit your needs best?", ["product-fit"]),
    ("evaluation", "Evaluation", "eval-gaps", "Where did it fall short of what you needed?", ["features", "product-fit"]),
    ("competitor", "The alternative", "winner-edge", "What stood out about the option you chose?", ["competitor"]),
    ("price", "Price and value", "value-case", "How did you weigh the cost against the value you expected?", ["price", "value"]),
    ("relationship", "Our team", "team-experience", "How was it to work with our team during the evaluation?", ["relationship", "trust"]),
    ("better", "What we could do better", "do-differently", "What could we have done differently to be more helpful?", ["relationship"]),
    ("better", "What we could do better", "moment", "Was there a moment when the decision tipped?", ["decision-process"]),
    ("ahead", "Looking ahead", "revisit", "What would have to change for you to look at this area again?", ["timing"]),
    ("ahead", "Looking ahead", "stay-touch", "How would you like us to stay in touch?", []),
]
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


def _question(phase: str, title: str, qid: str, text: str, tags: list[str]) -> ScriptQuestion:
    return ScriptQuestion(
        id=qid, phase=phase, phase_title=title, text=text, minutes=2, tags=tags,
        intent="Learn what really drove the decision.",
        probes=["Could you give me an example?", "What did that look like day to day?"],
    )


def demo_debriefs(count: int, seed: int = 7, today: date | None = None) -> Iterator[Debrief]:
    """``count`` varied, realistic debriefs at every stage of the flow."""
    rng = random.Random(seed)
    today = today or date.today()
    questions = [_question(*row) for row in QUESTIONS]
    for _ in range(count):
        company = rng.choice(COMPANIES)
        contact = Contact(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", role=rng.choice(ROLES))
        lost_on = today - timedelta(days=rng.randint(0, 720))
        winner = rng.choice(COMPETITORS)
        reasons = rng.choice(REASON_SETS)
        status = rng.choices(list(Status), weights=[3, 2, 1, 0, 2, 6])[0]
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
            at = datetime.combine(lost_on + timedelta(days=rng.randint(7, 21)), time(rng.choice([9, 10, 14, 16]), 0))
            debrief.schedule = Schedule(at=at, minutes=rng.choice([15, 20]), booked_at=created)
        if status.rank >= Status.PREPARED.rank:
            chosen = [q for q in questions if rng.random() < 0.8]
            debrief.script = Script(bank_id="lost-to-competitor", bank_version=1,
                                    minutes=debrief.schedule.minutes if debrief.schedule else 20,
                                    questions=chosen, chosen_at=created)
        if status.rank >= Status.HELD.rank and debrief.script and debrief.schedule:
            start = debrief.schedule.at
            for position, question in enumerate(debrief.script.questions):
                said = rng.choice(reasons) if question.tags or rng.random() < 0.3 else ""
                state = rng.choices(list(AnswerState)[1:], weights=[6, 1, 2])[0]
                debrief.answers[question.id] = Answer(
                    question_id=question.id,
                    notes=rng.choice(NOTES).format(reason=said or reasons[0], winner=winner or "staying put"),
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
                unclear_left=sum(1 for a in debrief.answers.values() if a.state == AnswerState.UNCLEAR),
            )
        if status == Status.WRAPPED:
            happened, differently, next_time = rng.choice(TAKEAWAYS)
            debrief.takeaways = Takeaways(
                what_happened=happened.format(reason=reasons[0], winner=winner or "the status quo"),
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
