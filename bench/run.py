"""Run every benchmark and print the product's budgets as numbers.

    python -m bench.run            # all of them (builds 1,000 and 10,000-debrief demo databases once)
    python -m bench.run storage    # only some
"""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = ["storage", "home", "call", "review", "team", "tone", "crm"]


def main() -> None:
    chosen = sys.argv[1:] or BENCHMARKS
    for name in chosen:
        print(f"== bench.{name} ==")
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        saved_argv = sys.argv
        sys.argv = [f"bench.{name}"]
        try:
            module.main()
        finally:
            sys.argv = saved_argv
        print(f"({time.perf_counter() - started:.0f} s)\n")


if __name__ == "__main__":
    main()
