"""A client for Boardroom's REST API (``/api/v1``), standard library only.

    client = Client("http://127.0.0.1:3000", token="brd_...")
    rol1 = client.workspaces.create_role(uuid=ws, role_name="test_role",
                                         permission="WRITE", resource="DATA", target="USER")
    client.workspaces.invite_user(email="jon@gmail.com", uuid=ws, roles=[rol1])

When the server answers 429 Too Many Requests (an invitation limit, say), the
client waits as its Retry-After says and sends the request again: up to
``retries`` times, each wait at most ``max_wait`` seconds; ``on_wait`` is
called before each wait.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterator, Optional

__all__ = ["Client", "BoardroomError"]


class BoardroomError(Exception):
    """What the API refused, and why: its HTTP status, code, message and field;
    for 429, ``retry_after``: the seconds the server asked to wait."""

    def __init__(
        self,
        status: Optional[int],
        code: str,
        message: str,
        field: Optional[str] = None,
        retry_after: Optional[float] = None,
    ):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retry_after = retry_after


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After in seconds (as the server sends it) or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, at.timestamp() - time.time())


class Client:
    """One Boardroom server and the API token to act with.

    ``base_url`` and ``token`` default to the ``BOARDROOM_URL`` and
    ``BOARDROOM_TOKEN`` environment variables.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 30.0,
        retries: int = 5,
        max_wait: float = 120.0,
        on_wait: Optional[Callable[[float, int, str], None]] = None,
    ):
        base_url = base_url or os.environ.get("BOARDROOM_URL")
        token = token or os.environ.get("BOARDROOM_TOKEN")
        if not base_url:
            raise ValueError("Give the server's address, or set BOARDROOM_URL")
        if not token:
            raise ValueError("Give an API token, or set BOARDROOM_TOKEN")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.on_wait = on_wait
        self.workspaces = Workspaces(self)
        self.me = Me(self)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One call; a 429 is waited out and sent again (the server did
        nothing with the refused one) as ``retries`` and ``max_wait`` allow.
        ``on_wait(seconds, retry, message)`` hears of each wait."""
        retry = 0
        while True:
            try:
                return self._request_once(method, path, body)
            except BoardroomError as e:
                wait = e.retry_after
                if e.status != 429 or wait is None or retry >= self.retries or wait > self.max_wait:
                    raise
                retry += 1
                if self.on_wait:
                    self.on_wait(wait, retry, e.message)
                time.sleep(wait)

    def _request_once(self, method: str, path: str, body: Any) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + "/api/v1" + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self._token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                raw = res.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            wait = _retry_after(e.headers.get("Retry-After"))
            try:
                err = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode(errors="replace") or str(e)
                raise BoardroomError(e.code, "http_error", message, None, wait) from None
            raise BoardroomError(
                e.code, err.get("code", "error"), err.get("message", ""), err.get("field"), wait
            ) from None

    def download(self, path: str, out) -> int:
        """Copies a streamed answer into the binary file ``out``, a block at a time."""
        req = urllib.request.Request(self.base_url + "/api/v1" + path, method="GET")
        req.add_header("Authorization", f"Bearer {self._token}")
        written = 0
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                while block := res.read(1 << 16):
                    out.write(block)
                    written += len(block)
        except urllib.error.HTTPError as e:
            try:
                err = json.loads(e.read())["error"]
            except (ValueError, KeyError, TypeError):
                raise BoardroomError(e.code, "http_error", str(e), None, None) from None
            raise BoardroomError(e.code, err.get("code", "error"), err.get("message", ""), err.get("field"), None) from None
        return written

    def pages(self, path: str, limit: int = 200, **filters: Any) -> Iterator[Any]:
        """Every item of a list, page after page (``filters`` go in the query)."""
        token = None
        while True:
            query = {k: v for k, v in filters.items() if v is not None}
            query["limit"] = limit
            if token:
                query["next_token"] = token
            page = self.request("GET", f"{path}?{urllib.parse.urlencode(query)}")
            yield from page["items"]
            token = page.get("next_token")
            if not token:
                return


def _seg(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")


def _role_names(roles: Any) -> list:
    names = []
    for r in roles or []:
        if isinstance(r, str):
            names.append(r)
        elif isinstance(r, dict) and ("name" in r or "role_name" in r):
            names.append(r.get("name") or r.get("role_name"))
        else:
            raise ValueError(f"A role is its name or the object create_role returned, not {r!r}")
    return names


class Me:
    """The person the token acts for, and the invitations addressed to them."""

    def __init__(self, client: Client):
        self._c = client

    def get(self) -> dict:
        """``{"id", "email", "name", "email_verified"}``."""
        return self._c.request("GET", "/me")

    def list_invitations(self) -> list:
        """Pending invitations addressed to you, newest first (403 until your
        address is proven)."""
        return list(self._c.pages("/me/invitations"))

    def accept_invitation(self, invitation_id: str) -> dict:
        """Accepts one; answers ``{"workspace_id": ...}``."""
        return self._c.request("POST", f"/me/invitations/{_seg(invitation_id)}/accept")

    def decline_invitation(self, invitation_id: str) -> None:
        self._c.request("POST", f"/me/invitations/{_seg(invitation_id)}/decline")


class Workspaces:
    """The seed's ``client.workspaces`` calls, and the rest of the API."""

    def __init__(self, client: Client):
        self._c = client

    def _ws(self, uuid: Optional[str], name: Optional[str]) -> str:
        if not uuid and not name:
            raise ValueError("Name the workspace: uuid=..., name=..., or both")
        if uuid and name:
            found = self._c.request("GET", f"/workspaces/{_seg(uuid)}")
            if found["name"].lower() != name.lower():
                raise BoardroomError(
                    None,
                    "workspace_mismatch",
                    f"The workspace {uuid} is named {found['name']!r}, not {name!r}",
                    "name",
                )
        return f"/workspaces/{_seg(uuid or name)}"

    # Workspaces
    def list(self) -> list:
        return list(self._c.pages("/workspaces"))

    def create(self, name: str) -> dict:
        return self._c.request("POST", "/workspaces", {"name": name})

    def get(self, uuid: Optional[str] = None, name: Optional[str] = None) -> dict:
        return self._c.request("GET", self._ws(uuid, name))

    def get_policy(self, uuid=None, name=None) -> dict:
        """Who may be invited: ``allowed_domains`` and ``seat_limit``."""
        return self._c.request("GET", self._ws(uuid, name) + "/policy")

    def set_policy(self, uuid=None, name=None, **change) -> dict:
        """Sets ``allowed_domains`` (a list; empty for any) and/or
        ``seat_limit`` (a number, or None for no limit); owners only."""
        return self._c.request("PATCH", self._ws(uuid, name) + "/policy", change)

    def invite_users(self, uuid=None, name=None, *, invitations: list, dry_run: bool = False) -> list:
        """Invites many people at once: each item is an address, or a dict with
        ``email`` and optionally ``name``, ``roles`` and ``groups``. Sent 100 at
        a time; with ``dry_run``, nothing is sent and each result says what
        would happen. Returns one result per person, in order: ``email``,
        ``status`` (``sent``, ``resent``, ``ready``, ``will_resend``, or why
        not), and for refusals ``code`` and ``message``."""
        people = [{"email": p} if isinstance(p, str) else dict(p) for p in invitations]
        for p in people:
            if "roles" in p:
                p["roles"] = _role_names(p["roles"])
        results = []
        for start in range(0, len(people), 100):
            body = {"invitations": people[start:start + 100], "dry_run": dry_run}
            results.extend(self._c.request("POST", self._ws(uuid, name) + "/invitations/batch", body)["results"])
        return results

    def invite_from_csv(self, path, uuid=None, name=None, *, dry_run: bool = False) -> list:
        """``invite_users`` for the rows of a CSV file: ``email,name,roles,groups``,
        header optional, several roles or groups in a cell separated by ``;``."""
        import csv

        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [r for r in csv.reader(f) if any(cell.strip() for cell in r)]
        columns = ["email", "name", "roles", "groups"]
        if rows and "email" in [c.strip().lower() for c in rows[0]]:
            columns = [c.strip().lower() for c in rows[0]]
            rows = rows[1:]
        people = []
        for r in rows:
            person = {}
            for key, cell in zip(columns, r):
                if key in ("roles", "groups"):
                    person[key] = [x.strip() for x in cell.replace("|", ";").split(";") if x.strip()]
                elif key in ("email", "name") and cell.strip():
                    person[key] = cell.strip()
            person.setdefault("email", "")
            people.append(person)
        return self.invite_users(uuid, name, invitations=people, dry_run=dry_run)

    # Activity
    def audit_events(
        self, uuid=None, name=None, *, kind=None, actor=None, target=None, since=None, until=None
    ) -> Iterator[dict]:
        """The workspace's audit trail, newest first, fetched a page at a time
        as it is read. ``kind`` (e.g. ``"invitation.create"``), ``actor`` and
        ``target`` (addresses or names), ``since`` and ``until`` (a day,
        ``"2026-12-01"``, or a moment, ``"2026-12-01T09:30:00Z"``; a day
        ``until`` includes the whole day) narrow it."""
        return self._c.pages(
            self._ws(uuid, name) + "/audit-events", kind=kind, actor=actor, target=target, **{"from": since, "to": until}
        )

    def export_audit_events(
        self, out, uuid=None, name=None, *, format="csv", kind=None, actor=None, target=None, since=None, until=None
    ) -> int:
        """Writes what the filters select to the binary file ``out`` as CSV or
        JSON Lines (``format="jsonl"``), as it arrives. Returns the bytes written."""
        query = {"format": format, "kind": kind, "actor": actor, "target": target, "from": since, "to": until}
        query = urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        return self._c.download(self._ws(uuid, name) + f"/audit-events/export?{query}", out)

    # Roles
    def create_role(self, uuid=None, name=None, *, role_name: str, permission: str, resource: str, target: str) -> dict:
        body = {"role_name": role_name, "permission": permission, "resource": resource, "target": target}
        return self._c.request("POST", self._ws(uuid, name) + "/roles", body)

    def get_roles(self, uuid=None, name=None) -> list:
        return list(self._c.pages(self._ws(uuid, name) + "/roles"))

    def get_role(self, uuid=None, name=None, *, role_name: str) -> dict:
        return self._c.request("GET", self._ws(uuid, name) + f"/roles/{_seg(role_name)}")

    def delete_role(self, uuid=None, name=None, *, role_name: str) -> None:
        self._c.request("DELETE", self._ws(uuid, name) + f"/roles/{_seg(role_name)}")

    # Invitations
    def invite_user(self, email: str, uuid=None, name=None, roles=None, send_email: bool = True) -> dict:
        body = {"email": email, "roles": _role_names(roles), "send_email": send_email}
        return self._c.request("POST", self._ws(uuid, name) + "/invitations", body)

    def get_pending_invitations(self, uuid=None, name=None) -> list:
        return list(self._c.pages(self._ws(uuid, name) + "/invitations"))

    def delete_pending_invitation(self, email: str, uuid=None, name=None) -> None:
        self._c.request("DELETE", self._ws(uuid, name) + f"/invitations/{_seg(email)}")

    def resend_invitation(self, email: str, uuid=None, name=None) -> dict:
        return self._c.request("POST", self._ws(uuid, name) + f"/invitations/{_seg(email)}/resend")

    def invitation_link(self, email: str, uuid=None, name=None) -> dict:
        """A new link for the pending invitation to `email`, to hand over
        yourself (`accept_url`): the emailed link stops working and no email goes."""
        return self._c.request("POST", self._ws(uuid, name) + f"/invitations/{_seg(email)}/link")

    # Members
    def get_all_workspace_users(self, uuid=None, name=None) -> list:
        return list(self._c.pages(self._ws(uuid, name) + "/users"))

    def get_user(self, email: str, uuid=None, name=None) -> dict:
        return self._c.request("GET", self._ws(uuid, name) + f"/users/{_seg(email)}")

    def change_user_roles(self, email: str, roles, uuid=None, name=None) -> dict:
        body = {"roles": _role_names(roles)}
        return self._c.request("PUT", self._ws(uuid, name) + f"/users/{_seg(email)}/roles", body)

    def remove_user_from_workspace(self, email: str, uuid=None, name=None) -> None:
        self._c.request("DELETE", self._ws(uuid, name) + f"/users/{_seg(email)}")
