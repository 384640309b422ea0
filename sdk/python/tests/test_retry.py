"""A 429 is waited out as its Retry-After says, then the call goes through."""

import tempfile
import time

import pytest

import boardroom
from conftest import running_server


@pytest.fixture(scope="module")
def limited():
    data = tempfile.mkdtemp(prefix="boardroom-py-retry-")
    # An address may be sent its invitation again after two seconds.
    with running_server(f"sqlite://{data}/boardroom.db", INVITATION_RESEND_INTERVAL="2s") as s:
        yield s


def test_a_429_is_waited_out_as_retry_after_says(limited):
    ws = limited["workspace_id"]
    client = boardroom.Client(limited["url"], token=limited["token"])
    client.workspaces.invite_user(email="kim@example.com", uuid=ws)

    impatient = boardroom.Client(limited["url"], token=limited["token"], retries=0)
    with pytest.raises(boardroom.BoardroomError) as refused:
        impatient.workspaces.resend_invitation(email="kim@example.com", uuid=ws)
    assert refused.value.status == 429
    assert refused.value.code == "rate_limited"
    assert 0 < refused.value.retry_after <= 2

    hasty = boardroom.Client(limited["url"], token=limited["token"], max_wait=0.5)
    started = time.monotonic()
    with pytest.raises(boardroom.BoardroomError):
        hasty.workspaces.resend_invitation(email="kim@example.com", uuid=ws)
    assert time.monotonic() - started < 0.5, "it did not wait"

    waits = []
    patient = boardroom.Client(
        limited["url"], token=limited["token"], on_wait=lambda seconds, retry, message: waits.append((seconds, retry, message))
    )
    started = time.monotonic()
    resent = patient.workspaces.resend_invitation(email="kim@example.com", uuid=ws)
    assert resent["email"] == "kim@example.com"
    assert waits, "it waited"
    assert waits[0][1] == 1 and "kim@example.com" in waits[0][2]
    assert time.monotonic() - started >= sum(w[0] for w in waits)


def test_the_wait_may_come_as_a_date():
    assert boardroom._retry_after("7") == 7.0
    assert boardroom._retry_after(None) is None
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 55 <= boardroom._retry_after(later) <= 61
    assert boardroom._retry_after("soon") is None
