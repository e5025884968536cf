"""Tone and own-it checks: accuracy on the labelled sets, and speed per question.

    python -m bench.tone [--repeat 5] [--show tune|held_out]

- accuracy: per split (tune, held_out) and per category, how many bad questions (or excuses)
  the check flags and how many good ones (recommended questions, owned lessons) it flags;
- speed: the median time of the full check of one question (``ToneChecker.check``), and of the
  live check while typing: the call's own-question dialog looks the checker up
  (``default_checker()``, which stats the user's rules file) and checks the text at every
  keystroke, so every prefix of every question is timed that way.

``--show`` lists the texts each split gets wrong (look only at ``tune`` while tuning the rules).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from bench.common import median_ms, p95_ms, table
from debrief.core.tone import ToneChecker, default_checker, ownit_checker

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "tone"
SPLITS = ("tune", "held_out")


def labelled(name: str) -> list[dict[str, Any]]:
    """The items of one labelled set (``questions`` or ``takeaways``)."""
    data = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = data["items"]
    return items


def flagged(checker: ToneChecker, item: dict[str, Any]) -> bool:
    """Whether the check flags the item: an item with ``excuses: N`` needs N findings."""
    return len(checker.check(item["text"])) >= int(item.get("excuses", 1))


def score(checker: ToneChecker, items: list[dict[str, Any]]) -> dict[tuple[str, str], list[int]]:
    """(split, category) -> [flagged, total]; good items sit under their own category."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        cell = counts[(item["split"], item["category"])]
        cell[0] += flagged(checker, item)
        cell[1] += 1
    return counts


def wrong(checker: ToneChecker, items: list[dict[str, Any]], split: str) -> list[str]:
    """The texts of one split the check gets wrong: missed bad ones, flagged good ones."""
    lines = []
    for item in items:
        if item["split"] != split:
            continue
        if flagged(checker, item) != (item["label"] == "bad"):
            lines.append(f"  {'missed' if item['label'] == 'bad' else 'FLAGGED'} [{item['category']}] {item['text']}")
    return lines


def accuracy_table(checker: ToneChecker, items: list[dict[str, Any]]) -> str:
    counts = score(checker, items)
    labels = {item["category"]: item["label"] for item in items}
    rows = []
    for category in dict.fromkeys(item["category"] for item in items):
        cells = [category, labels[category]]
        for split in SPLITS:
            hits, total = counts.get((split, category), [0, 0])
            cells.append(f"{hits}/{total}")
        rows.append(cells)
    for label in ("bad", "good"):
        cells = [f"all {label}", label]
        for split in SPLITS:
            hits = sum(v[0] for (s, c), v in counts.items() if s == split and labels[c] == label)
            total = sum(v[1] for (s, c), v in counts.items() if s == split and labels[c] == label)
            cells.append(f"{hits}/{total} ({hits / total:.0%})" if total else "-")
        rows.append(cells)
    return table(["category", "label", "tune flagged", "held_out flagged"], rows)


def speed(items: list[dict[str, Any]], repeat: int) -> list[list[str]]:
    checker = default_checker()
    texts = [item["text"] for item in items]
    full: list[float] = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            checker.check(text)
            full.append(time.perf_counter() - started)
    typing: list[float] = []
    for text in texts:
        for end in range(1, len(text) + 1):
            started = time.perf_counter()
            default_checker().check(text[:end])
            typing.append(time.perf_counter() - started)
    return [["full check, one question", f"{median_ms(full):.3f}", f"{p95_ms(full):.3f}", str(len(full))],
            ["live check, one keystroke", f"{median_ms(typing):.3f}", f"{p95_ms(typing):.3f}", str(len(typing))]]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tone")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show", choices=SPLITS, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    default_checker()
    ownit_checker()
    print(f"rules compiled in {(time.perf_counter() - started) * 1000:.0f} ms")
    questions, takeaways = labelled("questions"), labelled("takeaways")
    for title, checker, items in (("tone check on questions", default_checker(), questions),
                                  ("own-it check on takeaways", ownit_checker(), takeaways)):
        print(f"\n{title} ({len(items)} items)")
        print(accuracy_table(checker, items))
        if args.show:
            print("\n".join(wrong(checker, items, args.show)) or "  (nothing wrong)")
    print("\nspeed (ms)")
    print(table(["path", "median", "p95", "checks"], speed(questions, args.repeat)))


if __name__ == "__main__":
    main()
