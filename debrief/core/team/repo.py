"""The team clone: join, share, unshare, sync, status.

The clone sits beside the database (``locations.team_dir``); the rep's own state (name, folder,
which debriefs are shared, what waits to be pushed, the last sync) is a JSON file inside the
clone's ``.git`` folder, never committed. Every operation holds an exclusive lock on the clone,
so a sync from the app and one from a cron job never interleave.

A sync only ever changes ``reps/<me>/``: it stages that folder and nothing else, unstages
anything else it finds staged, puts back a teammate's file edited in the clone (a hand edit of a
team bank stays, uncommitted, through the rebase), rebases its commit onto the remote (which
cannot conflict, since no one else writes there) and pushes; a push refused because a teammate
pushed first is retried after a growing, jittered pause. If a rebase does conflict after all (the same name joined from
two machines), it is aborted and replaced by a merge in which our side wins in our folder and the
remote's side everywhere else: a conflict is never left for a human. Unreachable remote: the
commit stays in the clone and the next sync delivers it.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from debrief.core.file_lock import flock_within
from debrief.core.ids import is_valid_id
from debrief.core.store import NotFound, StoreError, atomic_write, read_private
from debrief.core.team.git import GitError, Result, identity, run_git
from debrief.core.text import clean_line, one_line, plural
from debrief.locations import ensure_private_dir, team_dir

if TYPE_CHECKING:
    from debrief.core.store import Store

STATE_FILE = "debrief-team.json"
LOCK_FILE = "debrief-team.lock"
TMP_DIR = "debrief-tmp"
REPS = "reps"
MAX_PUSH_TRIES = 12
"""Pushes tried before a sync gives up for now (each refused one means a teammate pushed first)."""
LOCK_TIMEOUT = 300.0
MAX_STATE_BYTES = 64 * 1024 * 1024


class TeamError(Exception):
    """A team operation that cannot go on, worded as one line for the rep (exit 2)."""


class NotJoined(TeamError):
    """No team clone beside this database yet."""


def rep_folder(name: str) -> str:
    """The folder a rep's shares go in: the name in lower case, words joined by ``-``."""
    text = unicodedata.normalize("NFKC", name).casefold()
    plain = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    if plain.isascii():
        text = plain  # "Ana López" -> ana-lopez; a name in another script keeps its letters
    folder = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")[:40].strip("-_")
    if not folder:
        raise TeamError(f"{name!r} cannot name a folder: use letters or digits")
    return folder


@dataclass
class TeamState:
    """The rep's side of the clone: who they are, what they share, what waits to be pushed."""

    rep: str
    folder: str
    remote: str
    branch: str
    shared: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Shared id -> ``with_contact`` and ``stamp`` (the database file's stamp when last written)."""
    unpushed: list[str] = field(default_factory=list)
    """Ids written (or removed) since the last push that reached the remote."""
    removed: list[str] = field(default_factory=list)
    """Unshared ids whose file is still on the remote."""
    last_sync: str | None = None
    last_result: str = ""

    @property
    def email(self) -> str:
        return f"{self.folder}@debrief.invalid"

    def to_json(self) -> dict[str, Any]:
        return {"rep": self.rep, "folder": self.folder, "remote": self.remote, "branch": self.branch,
                "shared": self.shared, "unpushed": sorted(set(self.unpushed)), "removed": sorted(set(self.removed)),
                "last_sync": self.last_sync, "last_result": self.last_result}


@dataclass
class SyncReport:
    """What one sync did, for the command's lines and the home screen."""

    written: int = 0
    removed: int = 0
    sent: int = 0
    """Own changes (shares written or removed) the remote now holds."""
    received: int = 0
    delivered: bool = False
    offline: str = ""
    """Why the remote could not be reached (empty when it was)."""
    tries: int = 0
    waiting: int = 0
    """Own changes still waiting for the remote after this sync."""
    notes: list[str] = field(default_factory=list)
    merged: bool = False


@dataclass
class TeamStatus:
    """``team status``."""

    rep: str
    folder: str
    remote: str
    shared: int
    pending: int
    behind: int | None
    last_sync: str | None
    last_result: str
    teammates: int


class Team:
    """The team clone of one database."""

    def __init__(self, db: Path) -> None:
        self.db = Path(db)
        self.clone = team_dir(self.db)
        self.git_dir = self.clone / ".git"

    # -- state ---------------------------------------------------------------------------------

    def joined(self) -> bool:
        return (self.git_dir / STATE_FILE).is_file()

    def load(self) -> TeamState:
        path = self.git_dir / STATE_FILE
        try:
            raw = read_private(path, MAX_STATE_BYTES)
        except FileNotFoundError:
            raise NotJoined(f"no team yet for {self.db}: run 'debrief team join REMOTE --as NAME'") from None
        except StoreError as error:
            raise TeamError(str(error)) from None
        try:
            data = orjson.loads(raw)
            shared = {key: dict(value) for key, value in data.get("shared", {}).items() if is_valid_id(key)}
            return TeamState(str(data["rep"]), str(data["folder"]), str(data["remote"]), str(data["branch"]),
                             shared, list(data.get("unpushed", [])), list(data.get("removed", [])),
                             data.get("last_sync"), str(data.get("last_result", "")))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            raise TeamError(f"{path} is damaged; join again in a fresh folder or fix it by hand") from None

    def save(self, state: TeamState) -> None:
        tmp = ensure_private_dir(self.git_dir / TMP_DIR)
        atomic_write(self.git_dir / STATE_FILE, orjson.dumps(state.to_json(), option=orjson.OPT_INDENT_2),
                     tmp, contained=True)

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Exclusive use of the clone by this process (other syncs and shares wait)."""
        try:
            fd = os.open(self.git_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except FileNotFoundError:
            raise NotJoined(f"no team yet for {self.db}: run 'debrief team join REMOTE --as NAME'") from None
        except OSError as error:
            raise TeamError(f"cannot lock the team clone: {error.strerror or error}") from None
        try:
            if not flock_within(fd, timeout, poll=0.05):
                raise TeamError("another sync of this team clone is still running; try again")
            yield
        finally:
            os.close(fd)

    def git(self, *args: str, state: TeamState | None = None, timeout: float | None = None) -> Result:
        options = identity(state.rep, state.email) if state else identity("debrief", "debrief@debrief.invalid")
        if timeout is None:
            return run_git(args, self.clone, options)
        return run_git(args, self.clone, options, timeout)

    def must(self, *args: str, state: TeamState | None = None) -> Result:
        result = self.git(*args, state=state)
        if not result.ok:
            raise TeamError(f"git {args[0]} failed in {self.clone}: {result.reason()}")
        return result

    def own_dir(self, state: TeamState) -> Path:
        """``reps/<me>/`` in the clone, created; refused if either part is a symbolic link."""
        reps = self.clone / REPS
        own = reps / state.folder
        for folder in (reps, own):
            try:
                info = os.lstat(folder)
            except FileNotFoundError:
                folder.mkdir(mode=0o700)
                continue
            if not stat.S_ISDIR(info.st_mode):
                raise TeamError(f"{folder} is a symbolic link or a file in the team repository; "
                                "debrief never writes through it")
        return own

    # -- join ----------------------------------------------------------------------------------

    def join(self, remote: str, rep: str) -> tuple[TeamState, int]:
        """Clone ``remote`` beside the database and record who the rep is; returns the state and
        how many shares of the rep's folder were found on the remote already (they stay theirs)."""
        rep = clean_line(rep).strip()
        remote = remote.strip()
        if not rep:
            raise TeamError("--as: give the name your teammates know you by")
        if not remote or remote.startswith("-"):
            raise TeamError("REMOTE: give a git URL or the path of a shared repository")
        folder = rep_folder(rep)
        if self.joined():
            state = self.load()
            raise TeamError(f"{self.db} already joined {state.remote} as {state.rep}; use 'debrief team sync'")
        if os.path.lexists(self.clone) and (not self.clone.is_dir() or self.clone.is_symlink()
                                            or any(self.clone.iterdir())):
            raise TeamError(f"{self.clone} is in the way (the team clone goes there); move it aside")
        source = remote
        if "://" not in remote and not re.match(r"^[\w.-]+@[\w.-]+:", remote):
            local = Path(remote).expanduser()
            if local.exists():
                source = str(local.resolve())
        ensure_private_dir(self.clone.parent)
        result = run_git(["clone", "--quiet", "--", source, str(self.clone)], self.clone.parent,
                         identity(rep, f"{folder}@debrief.invalid"))
        if not result.ok:
            with contextlib.suppress(OSError):
                if self.clone.is_dir() and not any(self.clone.iterdir()):
                    self.clone.rmdir()
            raise TeamError(f"cannot clone {one_line(remote, 200)}: {result.reason()}")
        os.chmod(self.clone, 0o700)
        probe = self.git("symbolic-ref", "--short", "HEAD")
        branch = probe.out.strip() if probe.ok and probe.out.strip() else "main"
        state = TeamState(rep=rep, folder=folder, remote=source, branch=branch)
        for key, value in (("user.name", rep), ("user.email", state.email)):
            self.must("config", "--local", key, value)
        from debrief.core.team.share_format import ShareError, read_share

        adopted = 0
        own = self.clone / REPS / folder
        if own.is_dir() and not own.is_symlink():
            for path in sorted(own.glob("*.json")):
                if not is_valid_id(path.stem):
                    continue
                try:
                    with_contact = read_share(path, folder).with_contact
                except ShareError:
                    with_contact = False
                state.shared[path.stem] = {"with_contact": with_contact, "stamp": None}
                adopted += 1
        self.save(state)
        return state, adopted

    # -- share / unshare -----------------------------------------------------------------------

    def _write_share(self, state: TeamState, store: Store, debrief_id: str, stamp: Any) -> bool:
        """Write one share file if its content changed; True when it did."""
        from debrief.core.team.share_format import same_share, share_bytes

        entry = state.shared[debrief_id]
        debrief = store.get(debrief_id)
        data = share_bytes(debrief, state.rep, bool(entry.get("with_contact")))
        target = self.own_dir(state) / f"{debrief_id}.json"
        with contextlib.suppress(FileNotFoundError, StoreError):
            if same_share(read_private(target, 8 * 1024 * 1024), data):
                entry["stamp"] = list(stamp) if stamp else None
                return False
        atomic_write(target, data, ensure_private_dir(self.git_dir / TMP_DIR), durable=False, contained=True)
        entry["stamp"] = list(stamp) if stamp else None
        return True

    def share(self, store: Store, ids: list[str], with_contact: bool) -> list[str]:
        """Mark ``ids`` shared and write their files (the next sync pushes them); returns the ids
        whose file changed. A missing id raises NotFound before anything is written."""
        from debrief.core.team.share_format import ShareError

        with self.locked():
            state = self.load()
            for debrief_id in ids:
                if not store.exists(debrief_id):
                    raise NotFound(f"no debrief {debrief_id}")
            stamps = store.stamps()
            changed = []
            for debrief_id in dict.fromkeys(ids):
                previous = state.shared.get(debrief_id)
                state.shared[debrief_id] = {"with_contact": with_contact, "stamp": None}
                try:
                    if self._write_share(state, store, debrief_id, stamps.get(debrief_id)):
                        changed.append(debrief_id)
                except (ShareError, StoreError) as error:
                    if previous is None:
                        del state.shared[debrief_id]
                    else:
                        state.shared[debrief_id] = previous
                    self.save(state)
                    raise TeamError(str(error)) from None
                state.unpushed.append(debrief_id)
                state.removed = [item for item in state.removed if item != debrief_id]
            self.save(state)
            return changed

    def unshare(self, ids: list[str]) -> list[str]:
        """Stop sharing ``ids``: their files go at the next sync; returns the ids that were shared."""
        with self.locked():
            state = self.load()
            own = self.own_dir(state)
            done = []
            for debrief_id in dict.fromkeys(ids):
                target = own / f"{debrief_id}.json"
                if debrief_id not in state.shared and not os.path.lexists(target):
                    continue
                state.shared.pop(debrief_id, None)
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
                state.removed.append(debrief_id)
                state.unpushed.append(debrief_id)
                done.append(debrief_id)
            self.save(state)
            return done

    # -- sync ----------------------------------------------------------------------------------

    def _export(self, state: TeamState, store: Store, report: SyncReport) -> None:
        """Bring ``reps/<me>/`` up to date with the database: changed shares written, removed gone."""
        from debrief.core.team.share_format import ShareError

        stamps = store.stamps()
        own = self.own_dir(state)
        for debrief_id in sorted(state.shared):
            entry = state.shared[debrief_id]
            stamp = stamps.get(debrief_id)
            if stamp is None:
                if store.exists(debrief_id) or entry.get("stamp") is None:
                    continue  # shared from another database of the rep's (found at join): kept as it is
                # Deleted from the database: its lesson leaves the team too.
                del state.shared[debrief_id]
                state.removed.append(debrief_id)
                report.notes.append(f"{debrief_id} is no longer in the database; its share is removed")
                continue
            if entry.get("stamp") == list(stamp) and (own / f"{debrief_id}.json").exists():
                continue
            try:
                if self._write_share(state, store, debrief_id, stamp):
                    report.written += 1
                    state.unpushed.append(debrief_id)
            except NotFound:
                continue
            except (ShareError, StoreError) as error:
                report.notes.append(f"{debrief_id} was not shared again: {one_line(str(error), 200)}")
        for debrief_id in sorted(set(state.removed)):
            target = own / f"{debrief_id}.json"
            if os.path.lexists(target):
                target.unlink()
                report.removed += 1

    def _stage_own(self, state: TeamState, report: SyncReport) -> bool:
        """Stage our folder only; anything else staged or changed is put back. True: a commit is due."""
        prefix = f"{REPS}/{state.folder}/"
        added = self.git("add", "--all", "--", prefix, state=state)
        if not added.ok and "did not match any files" not in added.err:
            raise TeamError(f"git add failed in {self.clone}: {added.reason()}")
        staged = [path for path in self.must("diff", "--cached", "--name-only", "-z", state=state).out.split("\0")
                  if path]
        outside = [path for path in staged if not path.startswith(prefix)]
        if outside:
            self.must("reset", "--quiet", "--", *outside, state=state)
            report.notes.append(f"left out {plural(len(outside), 'change')} outside {prefix} "
                                "(a sync only commits your own folder)")
        changed = self.git("diff", "--name-only", "-z", state=state).out.split("\0")
        foreign = [path for path in changed if path.startswith(f"{REPS}/") and not path.startswith(prefix)]
        if foreign:
            # Teammates' files are the remote's: a local edit to one is undone, never pushed. A
            # hand edit elsewhere (a team bank) stays as it is, uncommitted, through the rebase.
            self.must("checkout", "--quiet", "--", *foreign, state=state)
            report.notes.append(f"put back {plural(len(foreign), 'teammate file')} changed in the clone")
        return len(staged) > len(outside)

    def _remote_head(self, state: TeamState) -> str | None:
        result = self.git("rev-parse", "--quiet", "--verify", f"refs/remotes/origin/{state.branch}^{{commit}}",
                          state=state)
        return result.out.strip() if result.ok and result.out.strip() else None

    def _local_head(self, state: TeamState) -> str | None:
        result = self.git("rev-parse", "--quiet", "--verify", "HEAD^{commit}", state=state)
        return result.out.strip() if result.ok and result.out.strip() else None

    def _moved(self, state: TeamState, seen: str | None) -> bool:
        """Whether the remote's branch moved on since ``seen`` (a push lost a race, whatever git said)."""
        if not self.git("fetch", "--quiet", "origin", state=state).ok:
            return False
        return self._remote_head(state) != seen

    def _integrate(self, state: TeamState, remote: str, report: SyncReport) -> None:
        """Put our commits on top of the remote's: rebase; if that conflicts, a merge that settles it."""
        local = self._local_head(state)
        if local is None:
            self.must("reset", "--quiet", "--hard", remote, state=state)
            return
        if self.git("merge-base", "--is-ancestor", remote, "HEAD", state=state).ok:
            return  # the remote has nothing we lack
        rebase = self.git("rebase", "--quiet", "--autostash", remote, state=state)
        if rebase.ok:
            return
        self.git("rebase", "--abort", state=state)
        self._merge(state, remote)
        report.merged = True
        report.notes.append("the remote held changes to your own folder; yours were kept")

    def _merge(self, state: TeamState, remote: str) -> None:
        """Merge ``remote``: ours wins in our folder, theirs everywhere else; nothing left unresolved."""
        own = f"{REPS}/{state.folder}"
        merge = self.git("merge", "--quiet", "--no-edit", "--no-commit", "--no-ff", "-X", "ours", remote,
                         state=state)
        if not merge.ok and not (self.git_dir / "MERGE_HEAD").exists():
            # The merge did not even start (a file of yours in the clone is in the way): nothing changed.
            raise TeamError(f"cannot bring in the team's changes in {self.clone}: {merge.reason()}; "
                            "your shares wait in the clone")
        conflicted = [p for p in self.git("diff", "--name-only", "--diff-filter=U", "-z", state=state).out.split("\0")
                      if p]
        for path in conflicted:
            side = "--ours" if path.startswith(own + "/") else "--theirs"
            if self.git("checkout", side, "--", path, state=state).ok:
                self.must("add", "--", path, state=state)
            else:  # deleted on that side
                self.must("rm", "--quiet", "--cached", "--ignore-unmatch", "--", path, state=state)
                with contextlib.suppress(FileNotFoundError):
                    (self.clone / path).unlink()
        # Outside our folder the remote's tree is the truth, whatever the merge made of it.
        others = [p for p in self.git("diff", "--cached", "--name-only", "-z", remote, "--", ".",
                                      f":(exclude){own}", state=state).out.split("\0") if p]
        for path in others:
            if self.git("cat-file", "-e", f"{remote}:{path}", state=state).ok:
                self.must("checkout", remote, "--", path, state=state)
            else:
                self.must("rm", "--quiet", "-r", "--cached", "--ignore-unmatch", "--", path, state=state)
                with contextlib.suppress(FileNotFoundError):
                    (self.clone / path).unlink()
        self.must("commit", "--quiet", "--no-verify", "-m", f"debrief: {state.rep} merges the team's changes",
                  state=state)

    def sync(self, store: Store, sleep: Callable[[float], None] = time.sleep) -> SyncReport:
        """Write, commit, fetch, rebase, push; retried while teammates push first (see the module doc)."""
        report = SyncReport()
        with self.locked():
            state = self.load()
            self._export(state, store, report)
            if self._stage_own(state, report):
                count = len(set(state.unpushed))
                message = f"debrief: {state.rep} shares {plural(count, 'change')}"
                self.must("commit", "--quiet", "--no-verify", "-m", message, state=state)
            before = self._remote_head(state)
            for attempt in range(1, MAX_PUSH_TRIES + 1):
                report.tries = attempt
                fetch = self.git("fetch", "--quiet", "--prune", "origin", state=state)
                if not fetch.ok:
                    report.offline = fetch.reason()
                    break
                remote = self._remote_head(state)
                if remote is not None:
                    self._integrate(state, remote, report)
                local = self._local_head(state)
                ahead = local is not None and (remote is None or (local != remote and not self.git(
                    "merge-base", "--is-ancestor", "HEAD", remote, state=state).ok))
                if not ahead:
                    report.delivered = True
                    break
                push = self.git("push", "--quiet", "--porcelain", "origin", f"HEAD:refs/heads/{state.branch}",
                                state=state)
                if push.ok:
                    report.delivered = True
                    break
                if not _refused(push) and not self._moved(state, remote):
                    report.offline = push.reason()
                    break
                # A teammate pushed first: wait a little (longer each time, never in step), fetch again.
                sleep(min(2.0, 0.05 * 2 ** attempt) * (0.5 + random.random()))
            after = self._remote_head(state)
            if after and after != before:
                report.received = _count_others(self, state, before, after)
            now = datetime.now().replace(microsecond=0).isoformat()
            if report.delivered:
                report.sent = len(set(state.unpushed) | set(state.removed))
                state.unpushed, state.removed = [], []
                state.last_sync = now
                state.last_result = "delivered"
            else:
                state.last_result = f"waiting: {report.offline or 'the remote kept changing'}"
            report.waiting = len(set(state.unpushed))
            self.save(state)
            # Teammates' files changed through git: their facts cache catches up while the clone is ours.
            from debrief.core.team.pool import refresh_team_cache

            refresh_team_cache(store.root, self.clone, state.folder)
        return report

    # -- status --------------------------------------------------------------------------------

    def pending(self, state: TeamState, store: Store) -> int:
        """Own changes not on the remote yet: written or removed but unpushed, or edited since."""
        stamps = store.stamps()
        waiting = set(state.unpushed) | set(state.removed)
        for debrief_id, entry in state.shared.items():
            stamp = stamps.get(debrief_id)
            if stamp is None and entry.get("stamp") is None:
                continue  # found on the remote at join, not in this database
            if stamp is None or entry.get("stamp") != list(stamp):
                waiting.add(debrief_id)
        return len(waiting)

    def status(self, store: Store, fetch: bool = True) -> TeamStatus:
        state = self.load()
        behind: int | None = None
        if fetch:
            with self.locked():
                fetched = self.git("fetch", "--quiet", "origin", state=state, timeout=30).ok
        else:
            fetched = True
        remote = self._remote_head(state)
        if fetched:
            if remote is None:
                behind = 0
            else:
                counted = self.git("rev-list", "--count", f"HEAD..{remote}" if self._local_head(state) else remote,
                                   state=state)
                behind = int(counted.out.strip()) if counted.ok and counted.out.strip().isdigit() else None
        from debrief.core.team.pool import teammate_files

        return TeamStatus(state.rep, state.folder, state.remote, len(state.shared), self.pending(state, store),
                          behind, state.last_sync, state.last_result, len(teammate_files(self.clone, state.folder)))


def _refused(push: Result) -> bool:
    """Whether the remote refused the push because it moved on (retry), not because it is away."""
    text = (push.out + push.err).lower()
    return any(word in text for word in ("rejected", "fetch first", "non-fast-forward", "failed to update ref",
                                         "cannot lock ref", "unable to update", "stale info", "failed to lock"))


def _count_others(team: Team, state: TeamState, before: str | None, after: str) -> int:
    """How many teammates' files changed between two remote commits (all of them on the first)."""
    args = ["diff", "--name-only", "-z", before, after] if before else ["ls-tree", "-r", "--name-only", "-z", after]
    result = team.git(*args, state=state)
    own = f"{REPS}/{state.folder}/"
    return len([path for path in result.out.split("\0")
                if path.startswith(f"{REPS}/") and not path.startswith(own)]) if result.ok else 0


def sync_line(db: Path, store: Store, now: datetime | None = None) -> str | None:
    """One line for the home screen (``team: 3 to share, last sync 10 min ago``); None without a team.

    Reads only local files (no network): cheap enough for every look at home.
    """
    team = Team(db)
    if not team.joined():
        return None
    try:
        state = team.load()
        pending = team.pending(state, store)
    except (TeamError, StoreError, GitError, OSError):
        return "team: state unreadable (run 'debrief team status')"
    waiting = f"{pending} to share" if pending else "all shared"
    if state.last_sync is None:
        return f"team: {waiting}, never synced"
    return f"team: {waiting}, last sync {ago(state.last_sync, now)}"


def ago(stamp: str, now: datetime | None = None) -> str:
    """``10 min ago``, ``3 h ago``, ``2 days ago``: how long since an ISO date and time."""
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return "at an unknown time"
    seconds = max(((now or datetime.now()) - then).total_seconds(), 0)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{plural(int(seconds // 86400), 'day')} ago"
