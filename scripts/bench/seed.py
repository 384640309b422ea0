#!/usr/bin/env python3
"""Fills a Boardroom SQLite database for the benchmarks, many rows a statement.

    seed.py DB members WORKSPACE_ID OWNER_ID COUNT TAG
        COUNT members (a third of them holding the role `reviewer`) and COUNT
        pending invitations (a third granting it), each with its email sent.
    seed.py DB queued WORKSPACE_ID OWNER_ID COUNT TAG
        COUNT pending invitations whose emails wait in the outbox.
"""

import os
import sqlite3
import sys
import time

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis",
         "Radia", "John", "Hedy", "Tim", "Katherine", "Linus", "Sophie", "Niklaus", "Joan", "Bjarne"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton",
        "Ritchie", "Perlman", "McCarthy", "Lamarr", "Berners-Lee", "Johnson", "Torvalds", "Wilson", "Wirth",
        "Clarke", "Stroustrup"]
DAY = 24 * 3600 * 1000


def name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"


def invitations(db, ws, owner, count, tag, email_state, now):
    db.executemany(
        "INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, send_email, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, 'pending', 1, ?, ?)",
        ((f"i-{tag}-{n}", ws, f"invitee{n}-{tag}@bench.example", owner, os.urandom(16).hex(),
          now - (count - n) * 1000, now + 7 * DAY) for n in range(count)),
    )
    db.executemany(
        "INSERT INTO invitation_roles (invitation_id, role_name) VALUES (?, 'reviewer')",
        ((f"i-{tag}-{n}",) for n in range(0, count, 3)),
    )
    db.executemany(
        "INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, created_at, sent_at) "
        "VALUES (?, 'invitation', ?, ?, ?, ?, ?, ?, ?)",
        ((f"e-{tag}-{n}", f"i-{tag}-{n}", f"invitee{n}-{tag}@bench.example", email_state,
          1 if email_state == "sent" else 0, 0, now - (count - n) * 1000,
          now - (count - n) * 1000 if email_state == "sent" else None) for n in range(count)),
    )


def main() -> None:
    path, what, ws, owner, count, tag = sys.argv[1:7]
    count = int(count)
    now = int(time.time() * 1000)
    db = sqlite3.connect(path, timeout=60)
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        if what == "members":
            db.executemany(
                "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, 'none', ?)",
                ((f"u-{tag}-{n}", f"member{n}-{tag}@bench.example", name(n), now - n) for n in range(count)),
            )
            db.executemany(
                "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) "
                "VALUES (?, ?, 0, ?, ?, ?)",
                ((ws, f"u-{tag}-{n}", owner, now - n, name(n).lower()) for n in range(count)),
            )
            db.executemany(
                "INSERT INTO member_roles (workspace_id, user_id, role_name) VALUES (?, ?, 'reviewer')",
                ((ws, f"u-{tag}-{n}") for n in range(0, count, 3)),
            )
            invitations(db, ws, owner, count, tag, "sent", now)
        elif what == "queued":
            invitations(db, ws, owner, count, tag, "queued", now)
        else:
            sys.exit(f"unknown: {what}")
    db.close()


if __name__ == "__main__":
    main()
