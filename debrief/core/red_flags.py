"""The red flags a rep may tick when logging a loss, with their labels: apart from the model so
that counting them (``debrief stats``) does not load the model's validation machinery."""

from __future__ import annotations

RED_FLAGS: dict[str, str] = {
    "decision-maker": "Our contact was not the final decision-maker",
    "price": "Price came up early and often",
    "timing": "Timing or budget cycle was unclear",
    "champion-left": "Our champion left or went quiet",
    "incumbent": "An incumbent or preferred vendor was in place",
    "late-entry": "We entered the deal late (an RFP written for someone else)",
    "no-pain": "The pain was never quantified",
    "single-thread": "We talked to only one person",
    "competitor-demo": "A competitor ran a stronger demo or pilot",
    "silence": "Replies slowed down before the decision",
}
"""Warning signs a rep may see in hindsight; logged with the loss to learn which ones predict."""
