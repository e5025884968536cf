"""Realistic demo debriefs: something to look at on a fresh install, and data for benchmarks.

Each deal follows one story (lost on price, to a stronger product, to the status quo, to a
budget freeze...): its winner, red flags, the rep's first impressions, the buyer's answers, the
reasons tagged, the clarifications and the takeaways all tell that same story, so nothing reads
"they meant the price, specifically onboarding time". The rep's guess is right about half the
time, as it is in life, which gives the guess check something to show. Dates follow the flow and
today: calls a week or three after the loss, check-ins kept up every few months, so only a few
are late and by days, not years.

Deterministic for a given seed. Fast: ten thousand debriefs in a few seconds, since a bank is
rendered once per account and winner and reused (the cost is in the template renders).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
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
    Script,
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
CONTACTS_PER_COMPANY = 2
"""Accounts repeat in a big demo, as they do in a real pipeline: a company and its two buyers."""

REP_NAME = "Sam Rivera"


@dataclass(frozen=True)
class Story:
    """One way a deal is lost, told consistently from the loss to the lesson."""

    reasons: tuple[str, ...]
    """What the buyer will say, most important first (loss-reason tags)."""
    winners: tuple[str, ...]
    stages: tuple[str, ...]
    flags: tuple[str, ...]
    impressions: tuple[str, ...]
    wrong_guesses: tuple[str, ...]
    """What a rep who misread the deal guesses instead."""
    notes: dict[str, tuple[str, ...]]
    """Per reason: what the buyer said about it, as a rep writes it down."""
    background: tuple[str, ...]
    """Notes of answers that touched none of the reasons: context, in the same story."""
    clarified: tuple[str, ...]
    takeaways: tuple[tuple[str, str, str], ...]
    marker: str
    trigger: str
    actions: tuple[str, ...]


STORIES: tuple[Story, ...] = (
    Story(
        reasons=("price", "value"), winners=("HubSpot", "Pipedrive", "Freshworks"),
        stages=("proposal", "negotiation"), flags=("price", "no-pain"),
        impressions=("They went with {winner}, roughly 20% cheaper. I never got the CFO to see the return.",
                     "Price came up in every call from the demo on. I think we lost on the number."),
        wrong_guesses=("features", "relationship"),
        notes={
            "price": ("Their CFO put our quote next to {winner}'s line by line; we were about 20% higher.",
                      "Said plainly that the price decided it: {winner} came in under their budget, we did not.",
                      "The three-year total was what they compared, and ours was the highest of the three."),
            "value": ("They could not tie our extra cost to a saving they could show their board.",
                      "Liked the product, but the business case stayed vague on their side and ours."),
        },
        background=("Started from a mandate to cut the cost of their support operation.",
                    "Finance ran the last round; the project team only saw the shortlist.",
                    "They thought the demo was strong; no complaints about the product itself."),
        clarified=("The price itself was fine for the budget; the gap was seeing what the extra bought them.",
                   "By 'too expensive' they meant the implementation fee, not the licences."),
        takeaways=(("We lost on price to {winner}: our value case never reached the CFO.",
                    "Put the ROI case in front of the budget holder before the quote.",
                    "Ask in discovery how the budget is set, and price the first proposal against it."),
                   ("{winner} was cheaper and we never showed what the difference bought.",
                    "Quantify the saving with the champion before the proposal.",
                    "Offer a smaller first phase when the number is the objection.")),
        marker="Key quote on the price gap", trigger="Their renewal with {winner} in twelve months",
        actions=("Share the pricing lesson at the team meeting", "Draft an ROI one-pager for this segment"),
    ),
    Story(
        reasons=("features", "product-fit"), winners=("Salesforce", "Zendesk", "Monday.com"),
        stages=("demo", "final two"), flags=("competitor-demo", "late-entry"),
        impressions=("{winner} showed the reporting they asked for; we showed a roadmap slide.",
                     "We were a strong second. The pilot exposed the reporting gap."),
        wrong_guesses=("price", "relationship"),
        notes={
            "features": ("The custom reporting they needed by Q1 was on our roadmap; {winner} had it live.",
                         "Asked for an example: they rebuild a weekly board report by hand, and {winner} automates it.",
                         "Mobile access for the field team was a must-have we could not show."),
            "product-fit": ("Our workflow assumes one team owns the process; at their company three teams share it.",
                            "Felt our product was built for a bigger IT team than they have."),
        },
        background=("The evaluation started after their old tool was discontinued.",
                    "Their operations lead ran the pilot with five users over two weeks.",
                    "They were complimentary about our team's responsiveness."),
        clarified=("The gap was scheduled reports, not dashboards: they have the dashboards they need.",
                   "'Not a fit' meant the approval workflow, which {winner} let them configure themselves."),
        takeaways=(("{winner} won on features: the reporting they needed was live there, a roadmap item here.",
                    "Qualify the must-have features in the first call and show them in the demo.",
                    "Bring product in early when a must-have is on the roadmap."),
                   ("We entered late against {winner}'s pilot and never closed the reporting gap.",
                    "Ask which features decide it before offering a pilot.",
                    "Pass the reporting request to product with this deal as the example.")),
        marker="The must-have they named", trigger="Our reporting release next quarter",
        actions=("Send the reporting request to product with this deal",
                 "Update the demo script with scheduled reports"),
    ),
    Story(
        reasons=("integration", "implementation"), winners=("Oracle", "Salesforce", "an in-house build"),
        stages=("security review", "proposal"), flags=("incumbent", "single-thread"),
        impressions=("IT worried about the ERP connector from the first call; {winner} already runs there.",
                     "The champion loved it, IT did not. I only spoke to IT once."),
        wrong_guesses=("price", "features"),
        notes={
            "integration": ("Their ERP needed a custom connector from us; {winner} connects out of the box.",
                            "IT estimated six weeks to integrate us against two for {winner}.",
                            "Single sign-on with their identity provider was the sticking point."),
            "implementation": ("They did not have the people to run an implementation this year.",
                               "Our rollout plan assumed a project manager they do not have."),
        },
        background=("The head of IT joined the process late and had the final word.",
                    "They run most of their stack on {winner} already.",
                    "The business side was keen; the pilot users asked to keep access."),
        clarified=("It was the ERP connector, not SSO: SSO they could live with.",
                   "'Too much effort' meant the data migration, which they had underestimated before."),
        takeaways=(("IT chose {winner} for the integration with the ERP they already run.",
                    "Meet IT in discovery, not at the security review.",
                    "Bring a connector plan and an implementation estimate to the first technical call."),
                   ("We sold to the business and lost on integration effort with IT.",
                    "Multi-thread into IT before the demo.",
                    "Offer implementation help when the buyer has no project manager.")),
        marker="IT's integration estimate", trigger="Their ERP upgrade next year",
        actions=("Write up the ERP connector gap for product", "Add an IT discovery call to the playbook"),
    ),
    Story(
        reasons=("status-quo", "urgency"), winners=("no decision", "nothing (kept their spreadsheets)"),
        stages=("proposal", "negotiation"), flags=("no-pain", "silence"),
        impressions=("They decided to do nothing. The pain was real to the users but never to the budget holder.",
                     "Replies slowed for a month, then they said they would keep what they have."),
        wrong_guesses=("price", "competitor"),
        notes={
            "status-quo": ("They will keep the spreadsheets for now: it works well enough for a team of eight.",
                           "Changing meant retraining everyone before their busy season; they chose not to.",
                           "The current tool is paid for until next year, so there was no reason to move."),
            "urgency": ("Nothing forced a decision this quarter; other projects had a deadline, ours did not.",
                        "The cost of waiting was never put in numbers, by them or by us."),
        },
        background=("The idea came from the operations team, not from management.",
                    "No other vendor was seriously considered.",
                    "They liked the product and asked us to stay in touch."),
        clarified=("'Not now' meant until the busy season is over, not never.",
                   "The users wanted it; the director did not see it as a priority this year."),
        takeaways=(("The buyer stayed with the status quo: the cost of doing nothing was never quantified.",
                    "Quantify the cost of waiting together with the champion.",
                    "Find the event that makes this urgent before writing a proposal."),
                   ("No decision: the project never became a priority for the budget holder.",
                    "Reach the budget holder before the proposal.",
                    "Qualify urgency as hard as budget.")),
        marker="What would make it urgent", trigger="The end of their busy season",
        actions=("Set a reminder for after their busy season", "Add a cost-of-waiting question to discovery"),
    ),
    Story(
        reasons=("timing", "budget"), winners=("postponed to next year", "on hold (budget freeze)"),
        stages=("negotiation", "final two"), flags=("timing", "decision-maker"),
        impressions=("Budget froze for the quarter two days before signature. Keep the door open.",
                     "They still want it; the money moved to another project until next year."),
        wrong_guesses=("price", "competitor"),
        notes={
            "timing": ("The project moved to next fiscal year when their parent company froze new spending.",
                       "A reorganisation put every new tool on hold until the new structure is in place."),
            "budget": ("The budget was there in spring and gone by autumn: it went to a compliance project.",
                       "They need to re-apply for the budget in January and want our help with the case."),
        },
        background=("We were their preferred option when the freeze came.",
                    "The decision sits with the new finance director now.",
                    "Nothing about the product or the team came up as a problem."),
        clarified=("It is a freeze, not a cut: the project is planned again for Q2.",
                   "They meant the approval date moved, not that they chose someone else."),
        takeaways=(("We lost on timing: the budget froze before signature.",
                    "Ask about budget approval dates and the risks to them earlier.",
                    "Keep a lighter first phase ready that fits a frozen budget."),
                   ("Postponed to next year when spending froze; we are still their preferred option.",
                    "Confirm the budget is approved, not just planned, before the proposal.",
                    "Stay close to the champion through the freeze.")),
        marker="When the budget opens again", trigger="Their new fiscal year in January",
        actions=("Book a check-in for when the new budget opens", "Send the champion a one-page business case"),
    ),
    Story(
        reasons=("decision-maker", "decision-process"), winners=("Salesforce", "HubSpot", "Oracle"),
        stages=("final two", "negotiation"), flags=("decision-maker", "single-thread"),
        impressions=("Felt we never reached the CFO; our champion did not have the final word.",
                     "The decision went to a committee I had never met."),
        wrong_guesses=("price", "features"),
        notes={
            "decision-maker": ("The CFO joined in the last week and chose {winner}, whom she had used before.",
                               "Our contact recommended us; the COO overruled the recommendation."),
            "decision-process": ("A steering committee decided; we had not presented to it once.",
                                 "Procurement added a scoring round at the end that we did not know about."),
        },
        background=("Our champion was honest that she was disappointed too.",
                    "The evaluation team ranked us first on the product.",
                    "{winner} had been in to see the executives twice."),
        clarified=("The committee weighed vendor size most, which nobody had told us.",
                   "It was the CFO's call alone; the committee only advised."),
        takeaways=(("We lost to {winner} at the top: the CFO decided and we never met her.",
                    "Map the decision process and its people in the first two calls.",
                    "Ask the champion to bring us to the budget holder before the proposal."),
                   ("The steering committee chose {winner}; we had only sold to the project team.",
                    "Confirm who signs and how they decide, in writing.",
                    "Multi-thread from discovery.")),
        marker="Who really decided", trigger="A new CFO or a change in the committee",
        actions=("Add a decision-process map to the deal template", "Share the lesson at the team meeting"),
    ),
    Story(
        reasons=("champion", "relationship"), winners=("Zendesk", "Freshworks", "Salesforce"),
        stages=("demo", "proposal"), flags=("champion-left", "incumbent"),
        impressions=("The champion went quiet two weeks before the decision, then left the company.",
                     "Our sponsor moved to another role; her successor knew {winner} from his last job."),
        wrong_guesses=("price", "features"),
        notes={
            "champion": ("Our sponsor left in the middle of the evaluation and nobody picked it up.",
                         "The new head of operations arrived with {winner} on his list already."),
            "relationship": ("{winner}'s account manager had known their team for years.",
                             "They felt closer to {winner}: more meetings on site, more people at their events."),
        },
        background=("The project started well: a clear brief and a keen sponsor.",
                    "The pilot went well; the users rated it highly.",
                    "Nobody raised the price."),
        clarified=("It was the people, not the product: they trusted {winner}'s team more.",
                   "The successor did not reject us; he simply went with what he knew."),
        takeaways=(("We lost our champion and with her the deal; {winner} had the relationships.",
                    "Build more than one sponsor in every deal.",
                    "When the champion changes, restart discovery with the new person."),
                   ("{winner} won on the relationship after our sponsor left.",
                    "Meet the sponsor's manager early.",
                    "Watch for a champion going quiet and act in days, not weeks.")),
        marker="When the sponsor left", trigger="Our former champion's new company",
        actions=("Connect with the former champion at her new company", "Add a second-sponsor step to the playbook"),
    ),
    Story(
        reasons=("references", "trust"), winners=("Oracle", "Salesforce", "Zendesk"),
        stages=("security review", "final two"), flags=("late-entry", "competitor-demo"),
        impressions=("They wanted a reference in their industry and we could not give one.",
                     "We looked like the risky choice next to {winner}."),
        wrong_guesses=("price", "features"),
        notes={
            "references": ("They asked twice for a customer in their sector; we offered a retailer.",
                           "{winner} put them on the phone with two clinics of their size."),
            "trust": ("The board worried a smaller vendor would not be around in five years.",
                      "Our security answers came late and incomplete; that hurt more than the answers."),
        },
        background=("They were impressed by the product in the demo.",
                    "The security review took six weeks.",
                    "Pricing was comparable between the two finalists."),
        clarified=("It was the reference, not our size: one customer like them would have done it.",
                   "By 'risk' they meant data residency, which we do cover."),
        takeaways=(("{winner} won on references in their industry; we looked like the risky choice.",
                    "Line up a reference customer before the final round.",
                    "Answer security questions within days, complete the first time."),
                   ("We lost on trust: no reference in their sector and a slow security review.",
                    "Prepare the security pack before the demo.",
                    "Build a reference programme for this industry.")),
        marker="The reference they wanted", trigger="Our first customer in their industry",
        actions=("Ask marketing for a reference customer in this sector", "Prepare a security pack for this segment"),
    ),
)
"""The stories a demo deal can follow: reasons, notes and lessons that agree with each other."""

STATUS_WEIGHTS = (3, 2, 1, 0, 2, 6)
"""How often each status turns up (logged, scheduled, prepared, in call, held, wrapped)."""


@dataclass(frozen=True)
class _Account:
    company: str
    contact: Contact


def _accounts(rng: random.Random) -> list[_Account]:
    people = [(first, last) for first in FIRST for last in LAST]
    rng.shuffle(people)
    accounts = []
    for index, company in enumerate(COMPANIES):
        for offset in range(CONTACTS_PER_COMPANY):
            first, last = people[index * CONTACTS_PER_COMPANY + offset]
            accounts.append(_Account(company, Contact(name=f"{first} {last}", role=rng.choice(ROLES))))
    return accounts


def _lost_days_ago(status: Status, rng: random.Random) -> int:
    """How long ago a loss at this status happened: recent for open work, a spread for lessons."""
    if status == Status.LOGGED:
        return rng.randint(0, 10)
    if status == Status.SCHEDULED:
        return rng.randint(1, 12)
    if status in (Status.PREPARED, Status.IN_CALL):
        return rng.randint(4, 16)
    if status == Status.HELD:
        return rng.randint(12, 35)
    return min(720, 25 + int(rng.expovariate(1 / 110)))  # wrapped: most this year, a tail older


def _format(text: str, winner: str) -> str:
    return text.replace("{winner}", winner)


def _winner_word(story: Story, lost_to: str) -> str:
    """How a note names the winner: the vendor, or what the buyer did instead."""
    if story.reasons[0] in ("status-quo", "timing"):
        return "their current setup"
    return lost_to


def demo_debriefs(count: int, seed: int = 7, today: date | None = None) -> Iterator[Debrief]:
    """``count`` varied, realistic debriefs at every stage of the flow, each telling one story."""
    from debrief.core.banks import load_banks
    from debrief.core.script import build_script, suggest_bank

    rng = random.Random(seed)
    today = today or date.today()
    banks = load_banks()
    accounts = _accounts(rng)
    selections: dict[tuple[str, int], list[str]] = {}
    scripts: dict[tuple[object, ...], Script] = {}
    statuses = list(Status)
    states = list(AnswerState)[1:]
    for _ in range(count):
        account = rng.choice(accounts)
        story = rng.choice(STORIES)
        status = rng.choices(statuses, weights=STATUS_WEIGHTS)[0]
        lost_on = today - timedelta(days=_lost_days_ago(status, rng))
        lost_to = rng.choice(story.winners)
        winner = _winner_word(story, lost_to)
        if rng.random() < 0.55:  # the rep read the deal right
            guessed = [story.reasons[0], rng.choice((story.reasons[1], *story.wrong_guesses))]
        else:
            guessed = list(rng.sample(story.wrong_guesses, 1)) + ([story.reasons[1]] if rng.random() < 0.4 else [])
        created = datetime.combine(lost_on, time(17, 30))
        value = float(rng.randrange(8, 400) * 1000)
        stage = rng.choice(story.stages)
        fields: dict[str, object] = {}
        schedule = script = None
        if status.rank >= Status.SCHEDULED.rank:
            if status.rank >= Status.HELD.rank:  # held: a week to three after the loss, before today
                latest = max(7, min(21, (today - lost_on).days - 1))
                day = lost_on + timedelta(days=rng.randint(min(7, latest), latest))
            else:  # booked: a week or more after the loss, and still ahead
                first_day = max(lost_on + timedelta(days=7), today + timedelta(days=1))
                day = first_day + timedelta(days=rng.randint(0, 6))
            at = datetime.combine(day, time(rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30])))
            booked = min(created + timedelta(days=rng.randint(0, 2)), datetime.combine(today, time(9, 0)))
            schedule = Schedule(at=at, minutes=rng.choice([15, 20, 20, 30]), booked_at=max(created, booked))
        draft = Debrief(
            id=new_id(), created_at=created, updated_at=created, status=Status.LOGGED,
            company=account.company, contact=account.contact, value=value, stage=stage, lost_on=lost_on,
            lost_to=lost_to, impressions=_format(rng.choice(story.impressions), lost_to),
            red_flags=rng.sample(story.flags, rng.randint(1, len(story.flags))), guessed_reasons=guessed,
        )
        if status.rank >= Status.PREPARED.rank and banks.banks:
            minutes = schedule.minutes if schedule else 20
            bank = suggest_bank(draft, banks)
            # The shipped banks name only the company, the contact and the winner: one render of the
            # whole bank per account and winner serves every length of call. Other banks may name
            # anything of the deal, so their renders are shared only by identical deals.
            key: tuple[object, ...] = (bank.id, bank.version, account.company, account.contact.name, lost_to)
            if bank.source != "shipped":
                key += (stage, value)
            if key not in scripts:
                every = [question.id for _, question in bank.questions()]
                scripts[key] = build_script(draft, bank, every, minutes, rep_name=REP_NAME)
            full = scripts[key]
            chosen = set(_selection(bank, minutes, selections))
            kept = [question for question in full.questions if question.id in chosen and rng.random() < 0.9]
            script = full.model_copy(update={"questions": kept, "chosen_at": created, "minutes": minutes})
        if status.rank >= Status.HELD.rank and script is not None and schedule is not None:
            fields.update(_held(story, script, schedule, winner, rng, states))
        if status == Status.WRAPPED and schedule is not None:
            fields.update(_wrapped(story, lost_on, schedule.at.date(), lost_to, today, rng))
        yield draft.model_copy(update={"status": status, "schedule": schedule, "script": script, **fields})


def _selection(bank: Bank, minutes: int, cache: dict[tuple[str, int], list[str]]) -> list[str]:
    key = (bank.id, minutes)
    if key not in cache:
        from debrief.core.script import default_selection

        cache[key] = default_selection(bank, minutes)
    return cache[key]


def _held(story: Story, script: Script, schedule: Schedule, winner: str, rng: random.Random,
          states: list[AnswerState]) -> dict[str, object]:
    """The call: an answer per question, in the story's words; talk times and one marker."""
    start = schedule.at
    answers: dict[str, Answer] = {}
    # Each thing the buyer said is noted once: a second question on the same reason gets another
    # remark on it, or on the other reason, or a brief answer.
    background = list(story.background)
    rng.shuffle(background)
    pools = {tag: rng.sample(texts, len(texts)) for tag, texts in story.notes.items()}
    for position, question in enumerate(script.questions):
        overlap = [tag for tag in question.tags if tag in story.reasons]
        said = overlap[0] if overlap else (rng.choice(story.reasons) if rng.random() < 0.25 else "")
        if said and not pools[said]:
            said = next((tag for tag in story.reasons if pools[tag]), "")
        state = rng.choices(states, weights=[6, 1, 2])[0]
        if state == AnswerState.CLARIFIED and not said:
            state = AnswerState.ANSWERED  # a clarification is always about one of the reasons
        if said:
            notes = _format(pools[said].pop(), winner)
        elif background:
            notes = _format(background.pop(), winner)
        else:
            notes = rng.choice(BRIEF_ANSWERS)
        if state == AnswerState.UNCLEAR:
            notes += " Vague on the details: follow up by email."
        answers[question.id] = Answer(
            question_id=question.id, notes=notes, state=state,
            clarified=_format(rng.choice(story.clarified), winner) if state == AnswerState.CLARIFIED else "",
            tags=[said] if said else [], seconds=rng.uniform(40, 160),
            first_noted_at=start + timedelta(minutes=position * 2),
            updated_at=start + timedelta(minutes=position * 2 + 1),
        )
    rep, buyer = rng.uniform(120, 420), rng.uniform(600, 1100)
    marked = next(iter(answers), None)
    call = CallRecord(
        started_at=start, ended_at=start + timedelta(seconds=rep + buyer), elapsed=rep + buyer,
        rep_talk=rep, buyer_talk=buyer, longest_monologue=rng.uniform(15, 90),
        markers=[Marker(at=start + timedelta(minutes=6), elapsed=360, question_id=marked, label=story.marker)],
    )
    return {"answers": answers, "call": call}


def _wrapped(story: Story, lost_on: date, call_day: date, lost_to: str, today: date,
             rng: random.Random) -> dict[str, object]:
    """The lesson and how the door stays open: check-ins every few months, kept up to date."""
    happened, differently, next_time = rng.choice(story.takeaways)
    takeaways = Takeaways(what_happened=_format(happened, lost_to), differently=differently, next_time=next_time)
    actions = []
    for offset, text in enumerate(story.actions):
        due = call_day + timedelta(days=14 + 14 * offset)
        done = rng.random() < (0.95 if due < today - timedelta(days=14) else 0.4)
        actions.append(ActionItem(text=text, owner="me", due=due, done=done))
    channel = rng.choice(["email", "LinkedIn", "phone"])
    move_on = lost_on + timedelta(days=rng.choice([180, 270, 365]))
    follow_ups: list[FollowUp] = []
    check_in = call_day + timedelta(days=rng.randint(30, 45))
    stop = min(today, move_on)
    keeps_up = rng.random() < 0.85  # most reps log their check-ins; some fall a little behind
    while check_in < stop - timedelta(days=0 if keeps_up else rng.randint(5, 25)):
        follow_ups.append(FollowUp(on=check_in, channel=channel, outcome=rng.choice(FOLLOW_UP_OUTCOMES)))
        check_in += timedelta(days=rng.choice([60, 90, 120]))
    if move_on < today:  # moved on: the last check-in planned was the one before letting go
        check_in = min(check_in, move_on - timedelta(days=1))
    stay = StayInTouch(channel=channel, next_check_in=check_in, may_mention=rng.random() < 0.7,
                       revisit_trigger=_format(story.trigger, lost_to))
    return {"takeaways": takeaways, "action_items": actions, "stay_in_touch": stay, "follow_ups": follow_ups,
            "move_on": move_on}


BRIEF_ANSWERS = (
    "Short answer; nothing beyond what they said earlier.",
    "Agreed with the earlier points, no new detail.",
    "Not much to add on this one.",
)
"""Notes of answers that added nothing new, once the story's background is told."""

FOLLOW_UP_OUTCOMES = (
    "Sent an article on their industry; friendly reply",
    "Quick call: nothing has changed on their side yet",
    "Shared our new release notes; they asked for a demo later in the year",
    "No reply this time",
    "Congratulated them on their expansion; warm answer",
)
