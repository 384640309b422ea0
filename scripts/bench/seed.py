#!/usr/bin/env python3
"""Fills a Boardroom database for the benchmarks, many rows a statement: a
SQLite file, or PostgreSQL (DB a postgres:// URL), where the same rows are
made by generate_series in statements psql runs.

    seed.py DB members WORKSPACE_ID OWNER_ID COUNT TAG
        COUNT members (a third of them holding the role `reviewer`) and COUNT
        pending invitations (a third granting it), each with its email sent.
    seed.py DB queued WORKSPACE_ID OWNER_ID COUNT TAG
        COUNT pending invitations whose emails wait in the outbox.
    seed.py DB events WORKSPACE_ID OWNER_ID COUNT TAG
        COUNT audit events over the last 390 days: eight kinds, by 50 people
        (one in four with an API token), to 100,000 addresses.
"""

import os
import sqlite3
import subprocess
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


KINDS = ["invitation.create", "invitation.resend", "invitation.accept", "member.roles", "invitation.revoke",
         "member.remove", "owner.grant", "invitation.link"]


def events(db, ws, count, tag, now):
    span = 390 * DAY
    rows = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        change = ("viewer", "editor, viewer") if kind == "member.roles" else (None, None)
        rows.append((f"a-{tag}-{n}", ws, f"actor{n % 50}@bench.example",
                     "deploy bot" if n % 4 == 0 else None, f"10.0.{n % 200}.{n % 250}", kind,
                     f"invitee{(n * 7919) % 100000}@bench.example", change[0], change[1],
                     now - span + n * span // count))
        if len(rows) == 50_000:
            db.executemany(
                "INSERT INTO audit_events (id, workspace_id, actor_email, token_name, ip, action, subject, "
                "before_value, after_value, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    if rows:
        db.executemany(
            "INSERT INTO audit_events (id, workspace_id, actor_email, token_name, ip, action, subject, "
            "before_value, after_value, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def sql_array(items) -> str:
    return "ARRAY[" + ", ".join(f"'{i}'" for i in items) + "]"


# The same rows as above, for PostgreSQL: {n} runs over generate_series.
NAME_SQL = (f"({sql_array(FIRST)})[1 + n % {len(FIRST)}] || ' ' || "
            f"({sql_array(LAST)})[1 + (n / {len(FIRST)}) % {len(LAST)}] || ' ' || n")


def invitations_sql(ws, owner, count, tag, email_state, now):
    sent = email_state == "sent"
    return f"""
INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, send_email, created_at, expires_at)
  SELECT 'i-{tag}-' || n, '{ws}', 'invitee' || n || '-{tag}@bench.example', '{owner}', md5(random()::text || n),
         'pending', 1, {now} - ({count} - n) * 1000, {now + 7 * DAY}
  FROM generate_series(0, {count - 1}) AS n;
INSERT INTO invitation_roles (invitation_id, role_name)
  SELECT 'i-{tag}-' || n, 'reviewer' FROM generate_series(0, {count - 1}, 3) AS n;
INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, created_at, sent_at)
  SELECT 'e-{tag}-' || n, 'invitation', 'i-{tag}-' || n, 'invitee' || n || '-{tag}@bench.example', '{email_state}',
         {1 if sent else 0}, 0, {now} - ({count} - n) * 1000, {f"{now} - ({count} - n) * 1000" if sent else "NULL"}
  FROM generate_series(0, {count - 1}) AS n;
"""


def postgres(url, what, ws, owner, count, tag, now) -> None:
    if what == "members":
        sql = f"""
INSERT INTO users (id, email, name, password_hash, created_at)
  SELECT 'u-{tag}-' || n, 'member' || n || '-{tag}@bench.example', {NAME_SQL}, 'none', {now} - n
  FROM generate_series(0, {count - 1}) AS n;
INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name)
  SELECT '{ws}', 'u-{tag}-' || n, 0, '{owner}', {now} - n, lower({NAME_SQL})
  FROM generate_series(0, {count - 1}) AS n;
INSERT INTO member_roles (workspace_id, user_id, role_name)
  SELECT '{ws}', 'u-{tag}-' || n, 'reviewer' FROM generate_series(0, {count - 1}, 3) AS n;
""" + invitations_sql(ws, owner, count, tag, "sent", now)
    elif what == "queued":
        sql = invitations_sql(ws, owner, count, tag, "queued", now)
    elif what == "events":
        span = 390 * DAY
        sql = f"""
INSERT INTO audit_events (id, workspace_id, actor_email, token_name, ip, action, subject, before_value, after_value, at)
  SELECT 'a-{tag}-' || n, '{ws}', 'actor' || n % 50 || '@bench.example',
         CASE WHEN n % 4 = 0 THEN 'deploy bot' END, '10.0.' || n % 200 || '.' || n % 250,
         ({sql_array(KINDS)})[1 + n % {len(KINDS)}], 'invitee' || (n * 7919) % 100000 || '@bench.example',
         CASE WHEN n % {len(KINDS)} = {KINDS.index("member.roles")} THEN 'viewer' END,
         CASE WHEN n % {len(KINDS)} = {KINDS.index("member.roles")} THEN 'editor, viewer' END,
         {now - span} + n * {span} / {count}
  FROM generate_series(0, {count - 1}::bigint) AS n;
"""
    else:
        sys.exit(f"unknown: {what}")
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-1", url], input=sql + "ANALYZE;\n",
                   text=True, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    path, what, ws, owner, count, tag = sys.argv[1:7]
    count = int(count)
    now = int(time.time() * 1000)
    if path.startswith(("postgres://", "postgresql://")):
        postgres(path, what, ws, owner, count, tag, now)
        return
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
        elif what == "events":
            events(db, ws, count, tag, now)
        else:
            sys.exit(f"unknown: {what}")
    db.close()


if __name__ == "__main__":
    main()
