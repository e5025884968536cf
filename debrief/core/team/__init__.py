"""A team's lessons over git: each rep shares chosen debriefs into a repository the team already has.

``repo`` runs the clone (join, share, unshare, sync, status) through the real ``git`` command
(``git``); ``share_format`` is the versioned file one shared debrief becomes, and the redaction of
the contact; ``pool`` reads teammates' files as the untrusted input they are.
"""

from __future__ import annotations
