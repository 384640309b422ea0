#!/usr/bin/env python3
"""Load for scripts/cluster.sh, through the load balancer, until STOP exists.

    load.py BASE TOKEN WORKSPACE COOKIE EMAIL PASSWORD STOP OUT

Three kinds of client, each from its own loopback address (so that the
instances, trusting the balancer's X-Forwarded-For, see separate clients):
- pages: the home page, the signed-in Users page with one session made before
  the run, and the users list over the API;
- sign-ins: a new session a second, each from a fresh address, then the
  Users page twice with it (two instances, most often);
- invitations over the API, each to a new address.

Any answer but the expected one, or a connection that fails, is a failure.
OUT gets a JSON summary: requests and failures by kind, which instance
(`X-Served-By`) answered each kind, and the addresses invited.
"""

import http.client
import itertools
import json
import os
import sys
import threading
import time
import urllib.parse

base, token, workspace, cookie, email, password, stop, out = sys.argv[1:9]
url = urllib.parse.urlsplit(base)
lock = threading.Lock()
summary = {"requests": {}, "failures": [], "served_by": {}, "invited": []}


def note(kind, served_by, failure=None):
    with lock:
        summary["requests"][kind] = summary["requests"].get(kind, 0) + 1
        by = summary["served_by"].setdefault(kind, {})
        by[served_by or "?"] = by.get(served_by or "?", 0) + 1
        if failure:
            summary["failures"].append({"kind": kind, "at": round(time.time(), 3), "what": failure})


class Client:
    """One keep-alive connection from one source address."""

    def __init__(self, source):
        self.source = source
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60, source_address=(self.source, 0))
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            res = self.conn.getresponse()
            data = res.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        if res.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return res, data


def expect(kind, client, method, path, statuses, body=None, headers=None):
    try:
        res, data = client.request(method, path, body, headers)
    except Exception as e:  # a refused or dropped connection
        note(kind, None, f"{method} {path}: {type(e).__name__}: {e}")
        return None, None
    served_by = res.getheader("X-Served-By")
    if res.status not in statuses:
        note(kind, served_by, f"{method} {path}: {res.status} {data[:200]!r}")
        return None, None
    note(kind, served_by)
    return res, data


def running():
    return not os.path.exists(stop)


def pages(n):
    client = Client(f"127.0.1.{n}")
    signed_in = {"Cookie": cookie}
    bearer = {"Authorization": f"Bearer {token}"}
    while running():
        expect("home page", client, "GET", "/", {200})
        expect("Users page", client, "GET", f"/w/{workspace}/users", {200}, headers=signed_in)
        expect("users API", client, "GET", f"/api/v1/workspaces/{workspace}/users?limit=50", {200}, headers=bearer)


def sign_ins():
    addresses = (f"127.0.{a}.{b}" for a in range(2, 4) for b in range(1, 255))
    form = urllib.parse.urlencode({"email": email, "password": password})
    while running():
        client = Client(next(addresses))
        res, _ = expect(
            "sign-in", client, "POST", "/api/sign_in", {200, 302, 303},
            body=form, headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        made = res and next((c.split(";")[0] for c in res.headers.get_all("Set-Cookie") or []
                             if c.startswith("boardroom_session=")), None)
        if res and not made:
            note("sign-in", None, "signed in without a session cookie")
        if made:
            for _ in range(2):
                expect("Users page, new session", client, "GET", f"/w/{workspace}/users", {200},
                       headers={"Cookie": made})
        time.sleep(1)


def invitations(n):
    client = Client(f"127.0.4.{n}")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in itertools.count():
        if not running():
            return
        address = f"cluster-{n}-{i}@cluster.example"
        res, _ = expect("invite API", client, "POST", f"/api/v1/workspaces/{workspace}/invitations", {200, 201},
                        body=json.dumps({"email": address}), headers=headers)
        if res:
            with lock:
                summary["invited"].append(address)


threads = [threading.Thread(target=pages, args=(n,)) for n in (1, 2)]
threads += [threading.Thread(target=sign_ins)]
threads += [threading.Thread(target=invitations, args=(n,)) for n in (1, 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    json.dump(summary, f, indent=1)
