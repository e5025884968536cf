"""Drive the real ``debrief`` command in a real terminal: tmux send-keys and capture-pane.

Used by the ``terminal`` fixture in ``conftest.py``; every later feature reuses it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

DEBRIEF = str(Path(sys.executable).with_name("debrief"))


class Terminal:
    """One tmux session running one command, with its own database and data folders."""

    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed (.ci/run installs it)")
        self.name = f"debrief-test-{uuid.uuid4().hex[:8]}"
        # COLUMNS/LINES (set in pytest-xdist workers) would override the pane's real size.
        self.env = {key: value for key, value in env.items() if key not in ("COLUMNS", "LINES")}
        self.width = width
        self.height = height
        self.socket = ["-L", self.name]

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", *self.socket, *args], capture_output=True, text=True,
                              check=check, env=self.env)

    def start(self, *args: str) -> None:
        """Start ``debrief ARGS`` in a fresh session of the given size."""
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env.items()
                           if key.startswith(("DEBRIEF", "XDG_", "TERM", "COLORTERM", "LANG")))
        command = f"env {exports} {shlex.quote(DEBRIEF)} {' '.join(shlex.quote(a) for a in args)}"
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height),
                   f"{command}; echo '[exited]' $?; sleep 600")

    def send(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``C-q``, ``Down``) or literal words."""
        self._tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        """Type literal text, as a person would."""
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        """What the terminal shows now."""
        return self._tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Wait until ``text`` is on screen; fail with the screen's content if it never comes."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {timeout} s; screen was:\n{screen}")

    def app_pid(self) -> int:
        """The process id of the debrief command running in the pane."""
        shell_pid = int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").stdout.strip())
        children = subprocess.run(["pgrep", "-P", str(shell_pid)], capture_output=True, text=True).stdout.split()
        for pid in children:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"debrief" in cmdline:
                return int(pid)
        raise AssertionError("the debrief process is not running in the terminal")

    def kill_app(self) -> None:
        """``kill -9`` the app, as a crash or a closed laptop would."""
        os.kill(self.app_pid(), 9)

    def close(self) -> None:
        """End the session and its server."""
        self._tmux("kill-server", check=False)
