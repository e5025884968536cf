"""Reps as separate databases around one real bare git repository, for the team tests."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from debrief.core.model import Contact, Debrief
from debrief.core.store import Store
from debrief.locations import team_dir
from tests.tmux_harness import DEBRIEF


def git(*args: str, cwd: Path) -> str:
    """Plain git, as a teammate (or an attacker) would run it by hand."""
    done = subprocess.run(["git", "-c", "user.name=someone", "-c", "user.email=someone@example.com",
                           "-c", "init.defaultBranch=main", *args], cwd=cwd, capture_output=True, text=True,
                          check=True, timeout=60, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    return done.stdout


def bare_remote(tmp_path: Path, name: str = "team.git") -> Path:
    """An empty bare repository: what a team puts on a shared drive."""
    remote = tmp_path / name
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    return remote


@dataclass
class Rep:
    """One rep: a database of their own, the team clone beside it."""

    name: str
    db: Path

    @property
    def clone(self) -> Path:
        return team_dir(self.db)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([DEBRIEF, *args], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "DEBRIEF_DB": str(self.db)})

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stdout

    def store(self) -> Store:
        return Store.open(self.db)

    def ids(self) -> list[str]:
        return sorted(self.store().ids())


def make_rep(tmp_path: Path, name: str, remote: Path | None = None) -> Rep:
    rep = Rep(name, tmp_path / f"db-{'-'.join(name.lower().split())}")
    Store.open(rep.db)
    if remote is not None:
        rep.ok("team", "join", str(remote), "--as", name)
    return rep


def private_debrief(company: str = "Acme Corp") -> Debrief:
    """A debrief whose contact turns up in every kind of field, in every spelling."""
    contact = Contact(name="María José Núñez", email="mj.nunez@acme.example", role="Head of Procurement")
    debrief = Debrief(company=company, contact=contact, lost_on=date(2026, 11, 2), lost_to="Rivalsoft",
                      impressions="MARIA JOSE NUNEZ said no. maría was kind; Núñez signed for Rivalsoft. "
                                  "Mail mj.nunez@acme.example. Our Head of Procurement pushed on price.",
                      guessed_reasons=["price"])
    debrief.takeaways.what_happened = "nunez wanted a pilot; María José decided alone."
    debrief.takeaways.next_time = "Ask MARÍA early about procurement; Also meet Jose's boss."
    answer = debrief.answer("custom-María")
    answer.notes = "Maria said: price. Email: MJ.NUNEZ@ACME.EXAMPLE"
    answer.tags = ["price"]
    answer.probes_used = ["Could you say more, María?"]
    return debrief


SECRETS = ("maría", "maria", "josé", "jose", "núñez", "nunez", "mj.nunez@acme.example", "head of procurement")
"""What must never reach the remote without --with-contact (compared case-blind)."""
