"""What reaches the team's remote: never the contact's name, email or role unless the rep asks."""

from __future__ import annotations

import subprocess
from pathlib import Path

from debrief.core.model import Contact, Debrief
from debrief.core.team.share_format import CONTACT_LABEL, EMAIL_LABEL, ROLE_LABEL, Redactor, redacted
from debrief.core.text import fold
from tests.team_helpers import SECRETS, bare_remote, git, make_rep, private_debrief


def remote_blobs(remote: Path) -> list[tuple[str, str, str]]:
    """Every file of every commit of the remote: (commit, path, text)."""
    seen: list[tuple[str, str, str]] = []
    for commit in git("rev-list", "--all", cwd=remote).split():
        for line in git("ls-tree", "-r", commit, cwd=remote).splitlines():
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            text = subprocess.run(["git", "cat-file", "-p", blob], cwd=remote, capture_output=True,
                                  check=True).stdout.decode("utf-8", "replace")
            seen.append((commit, path, text))
    return seen


def test_the_remote_never_holds_the_contact_unless_asked(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana", remote)
    hidden, kept = private_debrief("Hidden Co"), private_debrief("Kept Co")
    # The same person in an invitation and a script, too: every string is redacted.
    hidden.schedule = None
    store = ana.store()
    store.put(hidden)
    store.put(kept)
    ana.ok("team", "share", hidden.id)
    ana.ok("team", "sync")
    # An edit after sharing goes out on the next sync, still redacted.
    store.update(hidden.id, lambda d: setattr(d, "impressions", d.impressions + " Later: Núñez called back."))
    ana.ok("team", "sync")
    ana.ok("team", "share", "--with-contact", kept.id)
    ana.ok("team", "sync")

    blobs = remote_blobs(remote)
    hidden_files = [text for _, path, text in blobs if path.endswith(f"{hidden.id}.json")]
    kept_files = [text for _, path, text in blobs if path.endswith(f"{kept.id}.json")]
    assert len({text for text in hidden_files}) == 2  # two versions were pushed, both scanned
    for text in hidden_files:
        folded = fold(text)
        for secret in SECRETS:
            assert fold(secret) not in folded, secret
        assert "Later: [contact] called back." in text or "Later" not in text
    assert any("Later: [contact] called back." in text for text in hidden_files)
    assert all("María José Núñez" in text for text in kept_files)
    # Nothing else of the rep's database left it: only the shared files were ever committed.
    assert {path for _, path, _ in blobs} == {f"reps/ana/{hidden.id}.json", f"reps/ana/{kept.id}.json"}


def test_redaction_reaches_every_string_and_keeps_other_words() -> None:
    debrief = private_debrief()
    shown = redacted(debrief)
    text = fold(str(shown.to_json()))
    for secret in SECRETS:
        assert fold(secret) not in text, secret
    assert shown.contact == Contact(name="the contact")
    assert shown.impressions.startswith(f"{CONTACT_LABEL} said no. {CONTACT_LABEL} was kind; {CONTACT_LABEL} signed")
    assert EMAIL_LABEL in shown.impressions and f"Our {ROLE_LABEL} pushed" in shown.impressions
    assert "Also meet" in shown.takeaways.next_time  # "Al..." words and the rest stay whole
    answer = shown.answers[f"custom-{CONTACT_LABEL}"]
    assert answer.question_id == f"custom-{CONTACT_LABEL}" and answer.tags == ["price"]
    assert shown.id == debrief.id and shown.company == debrief.company and shown.lost_to == "Rivalsoft"


def test_short_names_spare_other_words() -> None:
    redact = Redactor.for_contact("Al B. Ng", "", "")
    assert redact("Al said also that Ng and al-Ng... Albert") == \
        f"{CONTACT_LABEL} said also that {CONTACT_LABEL} and {CONTACT_LABEL}-{CONTACT_LABEL}... Albert"
    assert Redactor.for_contact("X", "", "")("X marks the spot") == "X marks the spot"
    assert Debrief.model_validate(redacted(private_debrief()).to_json())
