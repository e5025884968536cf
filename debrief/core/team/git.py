"""The real ``git`` command, run the one careful way: no shell, no prompt, a timeout, our identity.

Going through the team's own ``git`` means its remotes, SSH keys and credential helpers just work.
Every call passes the rep's identity with ``-c`` (a sync commits and rebases, both of which need
one) and turns off what could stop an unattended run: terminal prompts, commit signing, pagers.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from debrief.core.text import one_line

GIT_TIMEOUT = 120.0
"""Longest one git command may take (a clone or fetch over a slow link), in seconds."""

_DROPPED_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE",
                "GIT_CEILING_DIRECTORIES", "GIT_COMMON_DIR", "GIT_PREFIX")
"""Variables that would point git at another repository than the team clone (set inside a hook)."""


class GitError(Exception):
    """git failed or is missing: the message is one line."""


@dataclass(frozen=True)
class Result:
    """What one git command said."""

    code: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def reason(self) -> str:
        """The most telling line of git's complaint, for a one-line message."""
        lines = [line.strip() for line in (self.err or self.out).splitlines() if line.strip()]
        telling = [line for line in lines if line.lower().startswith(("fatal", "error", "!"))]
        return one_line((telling or lines or [f"git exited with {self.code}"])[-1], 300)


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", PAGER="cat", LC_ALL="C", LANGUAGE="C",
               GIT_EDITOR="true", GIT_MERGE_AUTOEDIT="no",
               GIT_SSH_COMMAND=env.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"))
    return env


def identity(name: str, email: str) -> list[str]:
    """The ``-c`` options that make commits the rep's and keep git from asking anything."""
    return ["-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false",
            "-c", "core.quotePath=false", "-c", "core.autocrlf=false", "-c", "rebase.autoStash=false",
            "-c", "init.defaultBranch=main", "-c", "protocol.ext.allow=never"]


def run_git(args: Sequence[str], cwd: Path, options: Sequence[str] = (), timeout: float = GIT_TIMEOUT) -> Result:
    """Run ``git [options] args`` in ``cwd``; never raises for git's own failure (see ``Result``)."""
    try:
        done = subprocess.run(["git", *options, *args], cwd=cwd, env=_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (the team shares through the git command); install git") from None
    except subprocess.TimeoutExpired:
        return Result(124, "", f"fatal: git {args[0]} took longer than {timeout:.0f} s")
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    return Result(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
