"""The architecture, checked: the core knows nothing of the UI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import debrief


def test_core_and_command_line_do_not_load_textual() -> None:
    core = Path(debrief.__file__).parent / "core"
    modules = sorted(".".join(("debrief", *path.relative_to(core.parent).with_suffix("").parts))
                     for path in core.rglob("*.py") if path.stem != "__init__")
    assert "debrief.core.store" in modules and "debrief.core.review.stats" in modules
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r} + ["debrief.cli", "debrief.locations"]:
            importlib.import_module(name)
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print(",".join(loaded))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_home_screen_loads_without_pydantic() -> None:
    """Start-up is a feature: the first screen reads index summaries, never full models."""
    script = "import sys, debrief.app, debrief.screens.home; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_every_core_module_has_a_docstring() -> None:
    core = Path(debrief.__file__).parent / "core"
    for path in core.rglob("*.py"):
        source = path.read_text()
        assert source.lstrip().startswith('"""'), f"{path.name} has no module docstring"
