"""A normal, non-editable install finds everything it needs: the shipped banks and rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_built_wheel_lists_and_lints_the_shipped_banks(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("debrief-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = [sys.executable, "-c", "import sys; from debrief.cli import main; main(sys.argv[1:])"]
    where = subprocess.run([*run[:2], "import debrief; print(debrief.__file__)"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(target))  # the installed copy, not the checkout
    listed = subprocess.run([*run, "banks", "list", "--format", "json"], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    ids = {bank["id"] for bank in json.loads(listed.stdout)}
    assert {"lost-to-competitor", "lost-on-price", "no-decision", "lost-on-timing", "quick-10"} <= ids
    linted = subprocess.run([*run, "banks", "lint"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    toned = subprocess.run([*run, "tone", "Wouldn't you agree our price was fair?"], env=env, cwd=tmp_path,
                           capture_output=True, text=True)
    assert toned.returncode == 1 and "leading" in toned.stdout
