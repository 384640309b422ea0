"""The seed's SDK snippets, run as written against a real server."""

import pytest

import boardroom
from conftest import accept


def test_the_seeds_snippets_run_as_written(client, server):
    workspace_uuid = server["workspace_id"]
    workspace_name = "Acme"

    rol1 = client.workspaces.create_role(
        uuid=workspace_uuid,
        role_name="test_role",
        permission="WRITE",  # WRITE/READ
        resource="DATA",  # DATA/DATA_EXECUTION/USER_MANAGEMENT/BUSINESS_INFO
        target="USER")  # USER/GROUP

    client.workspaces.invite_user(
        email='jon@gmail.com',
        uuid=workspace_uuid,
        name=workspace_name,
        roles=[rol1])

    pending = client.workspaces.get_pending_invitations(
        uuid=workspace_uuid,
        name=workspace_name)
    assert [(p["email"], p["roles"]) for p in pending] == [("jon@gmail.com", ["test_role"])]

    client.workspaces.delete_pending_invitation(
        email='jon@gmail.com',
        uuid=workspace_uuid,
        name=workspace_name)
    assert client.workspaces.get_pending_invitations(uuid=workspace_uuid) == []

    # Jon is invited again and joins, then loses access.
    made = client.workspaces.invite_user(email="jon@gmail.com", name=workspace_name, roles=["test_role"], send_email=False)
    accept(server, made["accept_url"], "Jon")

    users = client.workspaces.get_all_workspace_users(
        uuid=workspace_uuid,
        name=workspace_name)
    jon = next(u for u in users if u["email"] == "jon@gmail.com")
    assert jon["roles"] == ["test_role"]

    client.workspaces.remove_user_from_workspace(
        email='jon@gmail.com',
        uuid=workspace_uuid,
        name=workspace_name)
    assert [u["email"] for u in client.workspaces.get_all_workspace_users(uuid=workspace_uuid)] == ["ada@example.com"]
    client.workspaces.delete_role(uuid=workspace_uuid, role_name="test_role")


def test_a_workspace_is_named_by_uuid_name_or_both_which_must_agree(client, server):
    ws = server["workspace_id"]
    assert client.workspaces.get(uuid=ws)["name"] == "Acme"
    assert client.workspaces.get(name="acme")["id"] == ws
    assert client.workspaces.get(uuid=ws, name="ACME")["id"] == ws
    with pytest.raises(boardroom.BoardroomError) as mismatch:
        client.workspaces.get_pending_invitations(uuid=ws, name="Other")
    assert mismatch.value.code == "workspace_mismatch"
    with pytest.raises(boardroom.BoardroomError) as missing:
        client.workspaces.get_pending_invitations(name="Nowhere")
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    with pytest.raises(ValueError):
        client.workspaces.get_pending_invitations()


def test_errors_carry_the_apis_code_message_and_field(client, server):
    ws = server["workspace_id"]
    with pytest.raises(boardroom.BoardroomError) as member:
        client.workspaces.invite_user(email="ada@example.com", uuid=ws)
    assert (member.value.status, member.value.code, member.value.field) == (409, "already_member", "email")
    assert member.value.message == "ada@example.com is already a member of Acme"
    with pytest.raises(boardroom.BoardroomError) as bad:
        client.workspaces.create_role(uuid=ws, role_name="x", permission="EXECUTE", resource="DATA", target="USER")
    assert (bad.value.status, bad.value.field) == (422, "permission")
    assert "READ, WRITE" in bad.value.message
    stranger = boardroom.Client(server["url"], token="brd_" + "A" * 43)
    with pytest.raises(boardroom.BoardroomError) as refused:
        stranger.workspaces.list()
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")


def test_roles_are_given_by_name_or_as_returned(client, server):
    ws = server["workspace_id"]
    viewer = client.workspaces.create_role(uuid=ws, role_name="viewer", permission="READ", resource="DATA", target="USER")
    made = client.workspaces.invite_user(email="kim@example.com", uuid=ws, roles=[viewer, "viewer"], send_email=False)
    assert made["invitation"]["roles"] == ["viewer"]
    assert made["status"] == "sent"
    again = client.workspaces.invite_user(email="kim@example.com", uuid=ws, send_email=False)
    assert again["status"] == "renewed"
    client.workspaces.delete_pending_invitation(email="kim@example.com", uuid=ws)


def test_the_openapi_document_is_valid_openapi_3_1(server):
    import json
    import os
    import urllib.request

    from openapi_spec_validator import validate

    with urllib.request.urlopen(server["url"] + "/api/v1/openapi.json", timeout=30) as res:
        document = json.load(res)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on an invalid document
    with urllib.request.urlopen(server["url"] + "/api/v1/docs", timeout=30) as res:
        assert b"swagger-ui-bundle.js" in res.read()
    if os.environ.get("LEPTOS_SITE_ROOT"):
        # The page's assets come from the site, installed from the npm registry.
        with urllib.request.urlopen(server["url"] + "/vendor/swagger-ui/swagger-ui-bundle.js", timeout=30) as res:
            assert res.status == 200


def test_an_invitation_link_is_handed_over_instead_of_emailed(client, server):
    ws = server["workspace_id"]
    client.workspaces.invite_user(uuid=ws, email="handover@example.com")
    first = client.workspaces.invitation_link("handover@example.com", uuid=ws)
    second = client.workspaces.invitation_link("handover@example.com", uuid=ws)
    assert first["invitation"]["email"] == "handover@example.com"
    assert first["invitation"]["delivery"] == "NotRequested"
    assert "/invite/" in first["accept_url"] and first["accept_url"] != second["accept_url"]
    client.workspaces.delete_pending_invitation("handover@example.com", uuid=ws)
