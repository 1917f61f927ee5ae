"""Finding 4 of issue 17: Django's superuser shortcut in `has_perm` granted platform admins domain
actions the rules do not give them (declining another organization's consortium invitation, saving
a canvas, reading "organizations to invite"). Now every rules permission is decided by its rules
alone and each states the platform admin's rights; the Django admin keeps working."""

import json

import pytest
import rules

from hamafza.consortia.models import ConsortiumInvitation
from hamafza.proposals.models import Proposal
from hamafza.proposals.tests.factories import ProposalFactory
from tests.hardening.conftest import call_api, signed_in

pytestmark = pytest.mark.django_db

#: What a platform admin without any city role or membership may do, per rules permission, on the
#: object named by `OBJECTS`. Every permission registered with django-rules must be listed here: a
#: new permission fails `test_every_permission_states_the_platform_admins_right` until its author
#: decides (and writes in its rules.py) what platform admins may do.
PLATFORM_ADMIN = {
    "accounts.view_profile": True,
    "directory.view_organization": True,
    "directory.change_organization": True,
    "directory.verify_organization": True,
    "directory.manage_members": True,
    "challenges.submit_need": False,
    "challenges.report_problem": True,
    "challenges.view_need": True,
    "challenges.change_need": False,
    "challenges.triage_need": False,
    "challenges.view_triage": True,
    "challenges.view_call_internal": True,
    "challenges.change_canvas": False,
    "challenges.comment_canvas": False,
    "challenges.mark_ready_call": False,
    "challenges.reopen_call": False,
    "challenges.manage_call": False,
    "challenges.view_city_calls": True,
    "challenges.view_call": True,
    "challenges.follow_call": True,
    "challenges.ask_question": False,
    "challenges.answer_question": False,
    "matching.view_call_matches": False,
    "matching.invite_organizations": False,
    "matching.view_calls_for_organization": True,
    "proposals.view_proposal": False,
    "proposals.view_attachment": False,
    "proposals.view_score": False,
    "proposals.list_proposals": True,
    "proposals.apply": False,
    "proposals.change_proposal": False,
    "proposals.manage_evaluation": False,
    "proposals.export_proposals": False,
    "proposals.decide_proposal": False,
    "proposals.declare_conflict": False,
    "proposals.score_proposal": False,
    "consortia.view_mission": True,
    "consortia.add_mission": True,
    "consortia.change_mission": True,
    "consortia.manage_roles": True,
    "consortia.propose_consortia": True,
    "consortia.view_run": True,
    "consortia.form_consortium": False,
    "consortia.view_consortium": True,
    "consortia.invite_member": False,
    "consortia.apply_consortium": False,
    "consortia.withdraw_invitation": False,
    "consortia.respond_invitation": False,
}


def objects(world, proposal):
    """The object each permission is asked about."""
    by_prefix = {
        "directory.": world.org,
        "matching.view_calls": world.org,
        "matching.": world.published,
        "proposals.manage_evaluation": world.published,
        "proposals.export_proposals": world.published,
        "proposals.list_proposals": None,
        "proposals.apply": None,
        "proposals.": proposal,
        "challenges.submit_need": world.city,
        "challenges.report_problem": None,
        "challenges.view_triage": world.city,
        "challenges.view_city_calls": world.city,
        "challenges.follow_call": world.published,
        "challenges.ask_question": world.published,
        "challenges.answer_question": world.published,
        "challenges.view_call": world.draft_call,
        "challenges.": world.draft_call,
        "consortia.add_mission": None,
        "consortia.view_run": world.run,
        "consortia.form_consortium": world.run,
        "consortia.view_consortium": world.consortium,
        "consortia.invite_member": world.consortium,
        "consortia.apply_consortium": world.consortium,
        "consortia.withdraw_invitation": world.invitation,
        "consortia.respond_invitation": world.invitation,
        "consortia.": world.mission,
        "accounts.": None,
    }
    return by_prefix


def _object_for(table, perm, world, proposal):
    for prefix in sorted(table, key=len, reverse=True):
        if perm.startswith(prefix):
            return table[prefix]
    raise AssertionError(perm)


def _need_cases(world):
    # the need is the unit's submitted need: view_need/change_need/triage_need are asked about it
    return {
        "challenges.view_need": world.need,
        "challenges.change_need": world.need,
        "challenges.triage_need": world.need,
    }


#: The apps whose permissions this table covers. Every permission of every app is decided by its rules
#: alone (`User.has_perm`); pilots, insights, programs and spaces have their rows in
#: `test_platform_admin_rights_later_apps.py`, and an app that lands later adds itself there.
COVERED_APPS = {"accounts", "directory", "challenges", "matching", "proposals", "consortia"}


def test_every_permission_states_the_platform_admins_right(world):
    registered = {p for p in rules.permissions.permissions if p.split(".")[0] in COVERED_APPS}
    assert registered == set(PLATFORM_ADMIN), (
        "state the platform admin's right of each rules permission in PLATFORM_ADMIN (and in its rules.py): "
        f"missing {sorted(registered - set(PLATFORM_ADMIN))}, stale {sorted(set(PLATFORM_ADMIN) - registered)}"
    )


@pytest.mark.parametrize("perm", sorted(PLATFORM_ADMIN))
def test_the_platform_admin_has_exactly_the_stated_rights(world, perm):
    proposal = ProposalFactory(call=world.published, organization=world.org, status=Proposal.Status.SUBMITTED)
    table = {**objects(world, proposal), **_need_cases(world)}
    obj = _object_for(table, perm, world, proposal)
    admin = world.admin
    assert admin.has_perm(perm, obj) is PLATFORM_ADMIN[perm], perm
    # user.has_perm and the rules agree: no superuser shortcut on domain permissions
    assert rules.has_perm(perm, admin, obj) is PLATFORM_ADMIN[perm], perm


def test_the_django_admin_still_opens_for_platform_admins(client, world):
    signed_in(client, world.admin)
    for path in ["/fa/admin/", "/fa/admin/directory/organization/", "/fa/admin/challenges/need/"]:
        assert client.get(path).status_code == 200, path


# --- the finding's requests --------------------------------------------------------------------
def test_a_platform_admin_cannot_decline_another_organizations_invitation(client, world):
    response = call_api(
        client, "post", f"/consortium-invitations/{world.invitation.pk}/respond", world.admin, {"accept": False}
    )
    assert response.status_code == 403
    world.invitation.refresh_from_db()
    assert world.invitation.status == ConsortiumInvitation.Status.PENDING
    signed_in(client, world.admin)
    response = client.post(f"/fa/consortia/invitations/{world.invitation.pk}/respond/", {"answer": "decline"})
    assert response.status_code in (403, 404)
    world.invitation.refresh_from_db()
    assert world.invitation.status == ConsortiumInvitation.Status.PENDING


def test_the_invited_organizations_admin_still_declines(client, world):
    response = call_api(
        client,
        "post",
        f"/consortium-invitations/{world.invitation.pk}/respond",
        world.other_org_admin,
        {"accept": False},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"


def test_a_platform_admin_reads_but_cannot_save_a_canvas(client, world):
    path = f"/calls/{world.draft_call.pk}/canvas"
    read = call_api(client, "get", path, world.admin)
    assert read.status_code == 200 and read.json()["editable"] is False
    body = {k: v for k, v in read.json().items() if k in ("version", "title", "description")}
    body.update({"version": read.json()["version"], "title": "Taken over"})
    response = call_api(client, "put", path, world.admin, body)
    assert response.status_code == 403
    world.draft_call.refresh_from_db()
    assert world.draft_call.title != "Taken over"
    signed_in(client, world.admin)
    page = client.post(f"/fa/c/qom/calls/{world.draft_call.pk}/canvas/", {"title": "Taken over"})
    assert page.status_code in (403, 404)


def test_the_citys_manager_still_saves_the_canvas(client, world):
    path = f"/calls/{world.draft_call.pk}/canvas"
    read = call_api(client, "get", path, world.manager).json()
    assert read["editable"] is True
    body = {"version": read["version"], "title": "Renamed by the manager"}
    response = call_api(client, "put", path, world.manager, body)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("role, allowed", [("admin", False), ("manager", True), ("manager_other_city", False)])
def test_organizations_to_invite_only_for_the_citys_manager(client, world, role, allowed, settings, tmp_path):
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    user = world.users[role]
    response = call_api(client, "get", f"/challenges/{world.published.pk}/matches", user)
    assert (response.status_code == 200) is allowed, response.content[:200]
    assert response.status_code in (200, 403, 404)
    signed_in(client, user)
    page = client.get(f"/fa/organizations/to-invite/{world.published.pk}/")
    assert (page.status_code == 200) is allowed
    invite = call_api(
        client, "post", f"/challenges/{world.published.pk}/invitations", user, {"organizations": ["beta"]}
    )
    if not allowed:
        assert invite.status_code in (403, 404)
    from hamafza.matching import services

    services.index_holder().close()


def test_no_domain_code_asks_is_superuser_directly():
    """Rights come from the rules (which name `is_platform_admin`), not from ad-hoc superuser tests."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "hamafza"
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in ("admin.py", "models.py", "demo.py"):
            continue
        if path.relative_to(root).as_posix() == "accounts/rules.py":  # defines is_platform_admin
            continue
        text = path.read_text(encoding="utf-8")
        if ".is_superuser" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == [], json.dumps(offenders)
