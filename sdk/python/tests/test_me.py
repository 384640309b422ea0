"""client.me: who the token acts for, and the invitations addressed to them."""

import tempfile

import pytest

import boardroom
from conftest import running_server


@pytest.fixture
def server():
    """A server of its own: this test adds a member to Acme."""
    data = tempfile.mkdtemp(prefix="boardroom-py-me-")
    with running_server(f"sqlite://{data}/boardroom.db") as s:
        yield s


def test_me_and_the_invitations_addressed_to_me(server):
    client = boardroom.Client(server["url"], token=server["token"])
    me = client.me.get()
    assert (me["email"], me["email_verified"]) == ("ada@example.com", True)

    # Kim's account is made by the host, so her address counts as proven.
    kim_token = host_made(server, "kim@example.com", "Kim")
    kim = boardroom.Client(server["url"], token=kim_token)
    assert kim.me.get()["name"] == "Kim"
    assert kim.me.list_invitations() == []
    assert kim.me.get()["email_verified"] is True

    other = client.workspaces.create("Kim's next place")
    client.workspaces.invite_user(email="kim@example.com", uuid=other["id"])
    waiting = kim.me.list_invitations()
    assert [(w["workspace_name"], w["invited_by"]) for w in waiting] == [("Kim's next place", "Ada")]
    assert kim.me.accept_invitation(waiting[0]["id"]) == {"workspace_id": other["id"]}
    assert kim.me.list_invitations() == []
    with pytest.raises(boardroom.BoardroomError) as refused:
        kim.me.decline_invitation(waiting[0]["id"])
    assert refused.value.status == 404


def host_made(server, email: str, name: str) -> str:
    """An account made by `boardroom admin create-user`; its API token."""
    import subprocess

    out = subprocess.run(
        [server["binary"], "admin", "create-user", "--email", email, "--name", name],
        env=server["env"], capture_output=True, text=True, check=True,
    )
    return next(line.split(": ", 1)[1] for line in out.stdout.splitlines() if line.startswith("API token: "))


def test_the_policy_limits_domains_and_seats(server):
    client = boardroom.Client(server["url"], token=server["token"])
    acme = client.workspaces
    assert acme.get_policy(name="Acme") == {"allowed_domains": [], "seat_limit": None}
    assert acme.set_policy(name="Acme", allowed_domains=["example.com"]) == {
        "allowed_domains": ["example.com"],
        "seat_limit": None,
    }
    with pytest.raises(boardroom.BoardroomError) as refused:
        acme.invite_user(email="kim@elsewhere.test", name="Acme")
    assert (refused.value.status, refused.value.code) == (403, "domain_not_allowed")
    assert acme.set_policy(name="Acme", allowed_domains=[], seat_limit=None)["allowed_domains"] == []


def test_the_audit_trail_is_read_and_exported(server):
    import io

    client = boardroom.Client(server["url"], token=server["token"])
    acme = client.workspaces
    acme.set_policy(name="Acme", seat_limit=90)
    acme.invite_user(email="audit.kim@example.com", name="Acme")
    events = list(acme.audit_events(name="Acme", kind="invitation.create", target="Audit.Kim@example.com"))
    assert [(e["kind"], e["target"]) for e in events] == [("invitation.create", "audit.kim@example.com")]
    assert events[0]["token"] is not None and events[0]["ip"] == "127.0.0.1"
    changed = next(acme.audit_events(name="Acme", kind="policy.change"))
    assert changed["after"].endswith("90 seats")
    assert list(acme.audit_events(name="Acme", until="2000-01-01")) == []
    with pytest.raises(boardroom.BoardroomError) as refused:
        list(acme.audit_events(name="Acme", kind="nonsense"))
    assert (refused.value.status, refused.value.field) == (400, "kind")

    out = io.BytesIO()
    written = acme.export_audit_events(out, name="Acme", format="jsonl", kind="invitation.create")
    lines = out.getvalue().decode().splitlines()
    assert written == len(out.getvalue()) and any('"audit.kim@example.com"' in line for line in lines)
    csv = io.BytesIO()
    acme.export_audit_events(csv, name="Acme")
    assert csv.getvalue().startswith(b"id,at,kind,actor,token,ip,target,before,after\r\n")


def test_many_are_invited_from_a_spreadsheet(server, tmp_path):
    client = boardroom.Client(server["url"], token=server["token"])
    acme = client.workspaces
    people = tmp_path / "people.csv"
    people.write_text("email,name\nsheet.ann@example.com,Ann\nnot an address,\nSheet.Ann@example.com,\n", encoding="utf-8")
    dry = acme.invite_from_csv(people, name="Acme", dry_run=True)
    assert [r["status"] for r in dry] == ["ready", "invalid_email", "duplicate"]
    assert dry[1]["code"] == "invalid_email" and dry[1]["message"]
    sent = acme.invite_users(name="Acme", invitations=["sheet.bo@example.com", {"email": "sheet.ann@example.com", "name": "Ann"}])
    assert [r["status"] for r in sent] == ["sent", "sent"]
