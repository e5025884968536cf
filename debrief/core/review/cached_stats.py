"""``debrief stats`` from the facts cache: SQLite counts the fresh rows into the same ``Tally`` that
reading every debrief file gives, and the debriefs whose row is stale are counted from their files.

Apart from ``facts_cache`` because counting leans on the due rule and the settings, which the
store (the cache's writer) must not depend on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import orjson

from debrief.core.review.facts_cache import (
    CHUNK,
    CacheUnusable,
    FactsCache,
    Row,
    Source,
    Stamp,
    _day,
    _open_read,
    _rowid,
    _stale,
    current_stamps,
    fresh_rows,
    settled_state,
    untrusted,
)

if TYPE_CHECKING:
    from debrief.core.review.stats import Tally


def read_tally(source: Source, cache: FactsCache, today: date,
               skipped: Callable[[str, str], None] | None = None, *,
               progress: Callable[[int, int], None] | None = None,
               write_back: Callable[[list[Row]], None] | None = None,
               also: Callable[[sqlite3.Connection, str], None] | None = None,
               complete: Callable[[list[str], str], None] | None = None) -> tuple[Tally, list[str]]:
    """The tally of every debrief of ``source`` (and the ids that could not be read), counted by
    SQLite over the fresh rows and in Python over the debriefs whose row is stale or missing.

    It equals ``Tally.of`` over every debrief read from its file, except that the candidates for
    what is due today are narrowed down to those that can be due (``finish`` judges them the same).
    Never writes itself: a stale row is worked out in memory and handed to ``write_back`` (a
    writing process's way to bring it into the cache), a few hundred at a time, with ``progress``.
    ``also(connection, where)`` reads more of the cached rows in the same transaction, ``where``
    keeping the fresh ones (the stale ones reach ``write_back``). ``complete(gone, seen)`` is
    called when there was no claim, every file was read (none damaged) and every stale row reached
    ``write_back``: with the ids whose rows have no file any more, and the folder's state from
    before its files were looked at, a writing process may drop those rows and make the claim.
    """
    from debrief.core.review.stats import Tally

    stamps: dict[str, Stamp] = {}
    unreadable: list[str] = []

    def damaged(debrief_id: str, reason: str) -> None:
        unreadable.append(debrief_id)
        if skipped is not None:
            skipped(debrief_id, reason)

    tally = Tally()
    seen = settled_state(source) if complete is not None else None
    gone: list[str] | None = None
    try:
        connection = _open_read(cache.path)
    except CacheUnusable:
        connection = None
    if connection is None:
        stamps = source.stamps()
        stale = sorted(stamps)
    else:
        try:
            connection.execute("BEGIN")  # every count over one state of the cache
            dirty = untrusted(connection, cache.path, source)
            if dirty is not None:
                # Every row but the dirty ones is fresh: only their files are looked at, and the
                # counts kept by every save are read less what the dirty rows added.
                stamps = current_stamps(source, dirty)
                stale = sorted(stamps)
                skip = [n for (n,) in connection.execute(
                    f"SELECT n FROM rows WHERE id IN ({', '.join('?' * len(dirty))})", dirty)] if dirty else []
                tally = _count(connection, skip, today, kept=True)
            else:
                stamps = source.stamps()
                stored = dict(connection.execute("SELECT id, stamp FROM rows"))
                stale = _stale(stored, stamps)
                gone = [i for i in stored if i not in stamps]
                skip = [_rowid(i) for i in stale if i in stored] + [_rowid(i) for i in gone]
                tally = _count(connection, skip, today, kept=not skip)
            if also is not None:
                also(connection, "n NOT IN (SELECT n FROM temp.skip)" if skip else "1")
        except sqlite3.Error:
            stamps = source.stamps()
            tally, stale, gone = Tally(), sorted(stamps), None
        finally:
            connection.close()
    for start in range(0, len(stale), CHUNK):
        rows = fresh_rows(source, stamps, damaged, stale[start:start + CHUNK])
        tally.merge(Tally.of(row.facts for row in rows))
        if write_back is not None:
            write_back(rows)
        if progress is not None:
            progress(min(start + CHUNK, len(stale)), len(stale))
    if complete is not None and gone is not None and seen is not None and not unreadable:
        complete(gone, seen)
    return tally, sorted(unreadable)


def _count(connection: sqlite3.Connection, skip: list[int], today: date, *, kept: bool) -> Tally:
    """The tally of the cached rows whose number is not in ``skip``: with ``kept`` from the counts
    every save keeps (less what the skipped rows added), else counted afresh over the rows."""

    from debrief.core.review.stats import Tally

    where = "1"
    if skip:
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("CREATE TEMP TABLE skip (n INTEGER PRIMARY KEY)")
        connection.executemany("INSERT INTO skip VALUES (?)", [(n,) for n in skip])
        where = "n NOT IN (SELECT n FROM temp.skip)"
    day = today.isoformat()
    tally = Tally()
    if kept:
        _count_kept(connection, tally, skip, where)
    else:
        _count_rows(connection, tally, where)
    actions_where = where.replace("n NOT IN", "actions.n NOT IN")
    found = connection.execute(
        "SELECT rows.id, rows.company, actions.text, actions.due FROM actions JOIN rows ON rows.n = actions.n "
        f"WHERE actions.due < ? AND {actions_where} ORDER BY rows.id, actions.pos", (day,))
    tally.open_actions = [(debrief_id, company, text, date.fromisoformat(due_on))
                          for debrief_id, company, text, due_on in found]
    tally.check_ins = [(date.fromisoformat(check_in), _day(move_on)) for check_in, move_on in connection.execute(
        f"SELECT check_in, move_on FROM rows WHERE check_in > ? AND {where}", (day,))]
    # Only what the due rule can pick today: logged and not booked, a call today, a check-in that
    # has come, a move-on date today (the rule itself then decides, as it does on the home screen).
    tally.summaries = [orjson.loads(raw) for (raw,) in connection.execute(
        "SELECT summary FROM due WHERE (" + where + ") AND ("
        "(coalesce(nullif(s_status, ''), 'logged') = 'logged' AND coalesce(s_call_at, '') = '') "
        "OR substr(s_call_at, 1, 10) = ? OR (coalesce(s_check_in, '') != '' AND s_check_in <= ?) "
        "OR substr(s_move_on, 1, 10) = ?)", (day, day, day))]  # in any order: the rule sorts what it finds
    return tally


def _count_rows(connection: sqlite3.Connection, tally: Tally, where: str) -> None:
    """The counts that do not depend on today, by SQL over the rows that ``where`` keeps."""
    from collections import Counter

    from debrief.core.review.stats import _Group

    rows_where = where.replace("n NOT IN", "rows.n NOT IN")
    (tally.total, heard, with_guesses, cents, first, last, done, open_, logged) = connection.execute(
        "SELECT count(*), total(heard), total(guessed_n > 0), total(cents), min(lost_on), max(lost_on), "
        f"total(items_done), total(items_open), total(follow_ups) FROM rows WHERE {where}").fetchone()
    tally.heard, tally.with_guesses, tally.cents = int(heard), int(with_guesses), int(cents)
    tally.items_done, tally.items_open, tally.logged = int(done), int(open_), int(logged)
    tally.first_day, tally.last_day = _day(first), _day(last)
    counters = {"b": tally.buyer, "g": tally.guessed, "c": tally.confirmed}
    for kind, tag, count in connection.execute(
            f"SELECT kind, tag, count(*) FROM reasons WHERE {where} GROUP BY kind, tag"):
        counters[kind][tag] = count
    for groups, key, spelling in ((tally.competitors, "lost_to_key", "lost_to"), (tally.stages, "stage_key", "stage"),
                                  (tally.quarters, "quarter", "quarter")):
        for name, typed, count, group_cents in connection.execute(
                f"SELECT {key}, {spelling}, count(*), total(cents) FROM rows WHERE {where} "
                f"GROUP BY {key}, {spelling}"):
            group = groups.setdefault(name, _Group())
            group.count += count
            group.cents += int(group_cents)
            group.spellings[typed] += count
        for name, tag, count in connection.execute(
                f"SELECT rows.{key}, reasons.tag, count(*) FROM reasons JOIN rows ON rows.n = reasons.n "
                f"WHERE reasons.kind = 'b' AND {rows_where} GROUP BY 1, 2"):
            groups[name].reasons[tag] += count
    for flag, count, flag_heard in connection.execute(
            f"SELECT flag, count(*), total(heard) FROM flags WHERE {where} GROUP BY flag"):
        tally.flags[flag] = [count, int(flag_heard)]
    flags_where = where.replace("n NOT IN", "flags.n NOT IN")
    for flag, tag, count in connection.execute(
            "SELECT flags.flag, reasons.tag, count(*) FROM flags JOIN reasons ON reasons.n = flags.n "
            f"AND reasons.kind = 'b' WHERE {flags_where} GROUP BY 1, 2"):
        tally.flag_reasons.setdefault(flag, Counter())[tag] = count
    for quarter, count, guessed, hits in connection.execute(
            f"SELECT quarter, count(*), total(guessed_n), total(hits) FROM rows WHERE judged = 1 AND {where} "
            "GROUP BY quarter"):
        tally.guess_quarters[quarter] = [count, int(guessed), int(hits)]
    # One min() and the bare column "text": SQLite takes the text from the row of the smallest id.
    for qid, first, text, asked, unclear, clarified in connection.execute(
            "SELECT qid, min(id), text, count(*), total(state = 'unclear'), total(state = 'clarified') "
            f"FROM answers WHERE {where} GROUP BY qid"):
        tally.questions[qid] = [first, text, asked, int(unclear), int(clarified)]


def _count_kept(connection: sqlite3.Connection, tally: Tally, skip: list[int], where: str) -> None:
    """The counts that do not depend on today, from the ones every save keeps up to date (``agg``),
    less what the rows of ``skip`` added: the same as ``_count_rows`` over the rows ``where`` keeps,
    in a few hundred rows."""
    from collections import Counter

    from debrief.core.review.stats import _Group

    counters = {"b": tally.buyer, "g": tally.guessed, "c": tally.confirmed}
    groups = {"lost_to": tally.competitors, "stage": tally.stages, "quarter": tally.quarters}
    kept = {key: values for key, *values in connection.execute("SELECT k, n, a, b, c, d, e FROM agg")}
    for (raw,) in connection.execute(f"SELECT counted FROM blobs WHERE n IN ({', '.join('?' * len(skip))})", skip) \
            if skip else ():
        for key, *values in orjson.loads(raw):
            kept[key] = [have - value for have, value in zip(kept.get(key, [0] * 6), values, strict=True)]
    for key, (n, a, b, c, d, e) in sorted(kept.items()):
        if n <= 0:
            continue  # every debrief that added this count is skipped
        kind, *names = orjson.loads(key)
        if kind == "t":
            tally.total, tally.heard, tally.with_guesses, tally.cents = n, a, b, c
            tally.items_done, tally.items_open = d, e
        elif kind == "l":
            tally.logged = a
        elif kind == "r":
            counters[names[0]][names[1]] = n
        elif kind == "g":
            group = groups[names[0]].setdefault(names[1], _Group())
            group.count += n
            group.cents += a
            group.spellings[names[2]] += n
        elif kind == "gr":
            groups[names[0]].setdefault(names[1], _Group()).reasons[names[2]] += n
        elif kind == "f":
            tally.flags[names[0]] = [n, a]
        elif kind == "fr":
            tally.flag_reasons.setdefault(names[0], Counter())[names[1]] = n
        elif kind == "q":
            tally.guess_quarters[names[0]] = [n, a, b]
        elif kind == "a":
            # The first debrief asking it, and its wording there, as ``_count_rows`` picks them.
            first, text = connection.execute(f"SELECT min(id), text FROM answers WHERE qid = ? AND {where}",
                                             (names[0],)).fetchone()
            tally.questions[names[0]] = [first, text, n, a, b]
    first_day, last_day = connection.execute(f"SELECT min(lost_on), max(lost_on) FROM rows WHERE {where}").fetchone()
    tally.first_day, tally.last_day = _day(first_day), _day(last_day)
