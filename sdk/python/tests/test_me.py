"""client.me: who the token acts for, and the invitations addressed to them."""

import tempfile

import pytest

import boardroom
from conftest import accept, running_server


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

    made = client.workspaces.invite_user(email="kim@example.com", uuid=server["workspace_id"], send_email=False)
    accept(server, made["accept_url"], "Kim")
    kim_token = boardroom_token(server, "kim@example.com")
    kim = boardroom.Client(server["url"], token=kim_token)
    assert kim.me.get()["name"] == "Kim"
    assert kim.me.list_invitations() == []

    other = client.workspaces.create("Kim's next place")
    client.workspaces.invite_user(email="kim@example.com", uuid=other["id"])
    waiting = kim.me.list_invitations()
    assert [(w["workspace_name"], w["invited_by"]) for w in waiting] == [("Kim's next place", "Ada")]
    assert kim.me.accept_invitation(waiting[0]["id"]) == {"workspace_id": other["id"]}
    assert kim.me.list_invitations() == []
    with pytest.raises(boardroom.BoardroomError) as refused:
        kim.me.decline_invitation(waiting[0]["id"])
    assert refused.value.status == 404


def boardroom_token(server, email: str) -> str:
    import subprocess

    out = subprocess.run(
        [server["binary"], "admin", "create-token", "--email", email],
        env=server["env"], capture_output=True, text=True, check=True,
    )
    return out.stdout.strip().rsplit(" ", 1)[1]
