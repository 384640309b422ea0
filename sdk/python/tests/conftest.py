"""Starts a real Boardroom server (the binary named by BOARDROOM_BIN) on a
fresh SQLite file, with an owner and an API token made by `boardroom admin`."""

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

import boardroom


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(database_url: str, **extra_env):
    """A server on `database_url` with an owner (Ada, of Acme) and her API token."""
    binary = os.environ.get("BOARDROOM_BIN")
    if not binary:
        pytest.fail("Set BOARDROOM_BIN to the server binary (scripts/test.sh does)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        LISTEN_ADDR=f"127.0.0.1:{port}",
        BASE_URL=base,
        RUST_LOG="warn",
        SHUTDOWN_GRACE="0",
        **extra_env,
    )
    env.pop("SMTP_URL", None)
    made = subprocess.run(
        [binary, "admin", "create-user", "--email", "ada@example.com", "--name", "Ada", "--workspace", "Acme"],
        env=env, capture_output=True, text=True, check=True,
    )
    token = next(line.split(": ", 1)[1] for line in made.stdout.splitlines() if line.startswith("API token: "))
    workspace_id = next(line.rsplit("(", 1)[1].rstrip(")") for line in made.stdout.splitlines() if line.startswith("Created workspace"))
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("the server stopped: " + proc.stderr.read())
                time.sleep(0.05)
        else:
            pytest.fail("the server did not start")
        yield {"url": base, "token": token, "workspace_id": workspace_id, "env": env, "binary": binary}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def server():
    data = tempfile.mkdtemp(prefix="boardroom-py-")
    # The seed's snippets renew an invitation at once; here nothing waits between sends.
    with running_server(f"sqlite://{data}/boardroom.db", INVITATION_RESEND_INTERVAL="0") as s:
        yield s


@pytest.fixture
def client(server):
    return boardroom.Client(server["url"], token=server["token"])


def accept(server, accept_url: str, name: str) -> None:
    """Joins through an invitation link with a new account, as the page's form does."""
    token = accept_url.rsplit("/", 1)[1]
    body = urllib.parse.urlencode({"token": token, "name": name, "password": "winter is here"}).encode()
    req = urllib.request.Request(server["url"] + "/api/accept_invitation_new_account", data=body, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=30) as res:
        assert 200 <= res.status < 400
