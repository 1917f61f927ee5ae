"""Pilots and agreements in API v1: the same flow as the pages (award → pilot → measurements →
milestone accepted → final report → completed → agreement signed), and the same permissions, with
real requests and personal API tokens per role."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hamafza.accounts.services import api_token_create
from hamafza.pilots.models import Agreement, Pilot
from hamafza.pilots.tests.factories import AwardedProposalFactory
from hamafza.proposals.tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


def call_api(client, method, path, user=None, data=None, **extra):
    kwargs = dict(extra)
    if user is not None:
        _token, key = api_token_create(user=user, name="test")
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if data is not None:
        kwargs["data"] = json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_the_whole_flow_through_the_api(world, client):
    today = timezone.localdate()
    proposal = AwardedProposalFactory(call__city=world.city, organization=world.org, title="API winner")
    assert call_api(client, "post", f"/proposals/{proposal.pk}/pilot", world.company, {}).status_code == 404
    bad_unit = call_api(client, "post", f"/proposals/{proposal.pk}/pilot", world.manager, {"unit": "nowhere"})
    assert bad_unit.status_code == 400
    host = {"unit": world.pilot.unit.slug}
    response = call_api(client, "post", f"/proposals/{proposal.pk}/pilot", world.manager, host)
    assert response.status_code == 201, response.content
    pilot = response.json()
    assert pilot["state"] == "planned" and pilot["parties"][0]["organization"] == world.org.slug
    pid = pilot["id"]
    plan = {
        "start_date": (today - datetime.timedelta(days=30)).isoformat(),
        "end_date": (today + datetime.timedelta(days=60)).isoformat(),
        "approved_budget_rial": 2_000_000_000,
    }
    assert call_api(client, "patch", f"/pilots/{pid}", world.manager, plan).json()["approved_budget_rial"] == 2e9
    running = call_api(client, "post", f"/pilots/{pid}/transitions", world.manager, {"to_state": "running"})
    assert running.status_code == 200
    kpi = call_api(client, "get", f"/pilots/{pid}/kpis", world.host_staff).json()[0]
    m = call_api(
        client,
        "post",
        f"/pilots/{pid}/kpis/{kpi['id']}/measurements",
        world.host_staff,
        {"value": "21.5", "measured_on": today.isoformat(), "note": "هفته سوم"},
    )
    assert m.status_code == 201 and m.json()["value"] == 21.5
    future = call_api(
        client,
        "post",
        f"/pilots/{pid}/kpis/{kpi['id']}/measurements",
        world.company,
        {"value": "1", "measured_on": (today + datetime.timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 409 and future.json()["code"] == "refused"
    milestone = {"title": "Installed", "due_date": today.isoformat()}
    ms = call_api(client, "post", f"/pilots/{pid}/milestones", world.manager, milestone).json()
    assert call_api(client, "post", f"/pilots/{pid}/milestones/{ms['id']}/submit", world.company).status_code == 200
    review = f"/pilots/{pid}/milestones/{ms['id']}/review"
    assert call_api(client, "post", review, world.company, {"accept": True}).status_code == 403
    assert call_api(client, "post", review, world.host_staff, {"accept": False}).status_code == 409
    assert call_api(client, "post", review, world.host_staff, {"accept": True}).json()["status"] == "accepted"
    pay = call_api(
        client,
        "post",
        f"/pilots/{pid}/payments",
        world.manager,
        {"milestone": ms["id"], "planned_rial": 900_000_000, "paid_rial": 900_000_000, "paid_on": today.isoformat()},
    )
    assert pay.status_code == 201
    over = call_api(client, "post", f"/pilots/{pid}/payments", world.manager, {"planned_rial": 1_500_000_000})
    assert over.status_code == 409
    report = call_api(
        client,
        "put",
        f"/pilots/{pid}/final-report",
        world.host_staff,
        {"outcome": "خوب بود", "recommendation": "scale_up", "achieved": [{"kpi": kpi["id"], "achieved": "26"}]},
    )
    assert report.status_code == 200 and report.json()["lines"][0]["target_met"] is True
    assert call_api(client, "post", f"/pilots/{pid}/final-report/approve", world.host_staff).status_code == 403
    assert call_api(client, "post", f"/pilots/{pid}/final-report/approve", world.manager).json()["status"] == "approved"
    done = call_api(client, "post", f"/pilots/{pid}/transitions", world.manager, {"to_state": "completed"})
    assert done.json()["state"] == "completed"
    trail = call_api(client, "get", f"/pilots/{pid}/transitions", world.host_staff).json()
    assert [t["to_state"] for t in trail] == ["planned", "running", "completed"]

    scaled = call_api(client, "post", f"/pilots/{pid}/agreement", world.manager, {"kind": "cooperation"})
    assert scaled.status_code == 201
    aid = scaled.json()
    assert call_api(client, "get", f"/agreements/{aid}").status_code == 404  # a draft is not public
    patch = {"signed_on": today.isoformat(), "value_rial": 5_000_000_000, "value_public": True}
    assert call_api(client, "patch", f"/agreements/{aid}", world.manager, patch).status_code == 200
    signed = call_api(client, "post", f"/agreements/{aid}/transitions", world.manager, {"to_state": "signed"})
    assert signed.json()["status"] == "signed"
    public = call_api(client, "get", f"/agreements/{aid}").json()
    assert public["value_rial"] == 5_000_000_000 and public["confidential"] is False
    kinds = sorted(p["kind"] for p in public["parties"])
    assert kinds == ["city", "organization", "unit"]
    upload = client.post(
        f"/api/v1/agreements/{aid}/documents",
        {"file": SimpleUploadedFile("signed.pdf", pdf_bytes()), "title": "امضاشده"},
        HTTP_AUTHORIZATION="Bearer " + api_token_create(user=world.manager, name="t")[1],
    )
    assert upload.status_code == 201
    doc = upload.json()["id"]
    assert call_api(client, "get", f"/agreements/{aid}/documents/{doc}").status_code == 401
    assert call_api(client, "get", f"/agreements/{aid}/documents/{doc}", world.competitor).status_code == 404
    assert call_api(client, "get", f"/agreements/{aid}/documents/{doc}", world.company).status_code == 200
    assert Pilot.objects.get(pk=pid).state == "completed" and Agreement.objects.get(pk=aid).status == "signed"


@pytest.mark.parametrize(
    "who,status",
    [("manager", 200), ("host_staff", 200), ("company", 200), ("colleague_staff", 404), ("competitor", 404)],
)
def test_confidential_parts_follow_the_selector(world, client, who, status):
    user = world.users[who]
    assert call_api(client, "get", f"/pilots/{world.pilot.pk}/payments", user).status_code == status
    assert call_api(client, "get", f"/pilots/{world.pilot.pk}/files", user).status_code == status
    download = call_api(client, "get", f"/pilots/{world.pilot.pk}/files/{world.evidence.pk}", user)
    assert download.status_code == status
    detail = call_api(client, "get", f"/pilots/{world.pilot.pk}", user)
    if who == "competitor":
        assert detail.status_code == 404
    else:
        budget = detail.json()["approved_budget_rial"]
        assert (budget == 5_000_000_000) == (status == 200) and (budget is None) == (status == 404)
    listing = call_api(client, "get", "/pilots", user).json()
    assert (world.pilot.pk in {p["id"] for p in listing["items"]}) == (who != "competitor")


def test_agreement_value_and_documents(world, client):
    path = f"/agreements/{world.agreement.pk}"
    assert call_api(client, "get", path).json()["value_rial"] is None
    assert call_api(client, "get", path, world.company).json()["value_rial"] == 987_654_000
    assert call_api(client, "get", path + "/documents").status_code == 401
    assert call_api(client, "get", path + "/documents", world.competitor).status_code == 404
    assert len(call_api(client, "get", path + "/documents", world.company).json()) == 1
    listing = call_api(client, "get", f"/agreements?city={world.city.slug}").json()
    titles = {a["title"] for a in listing["items"]}
    assert world.agreement.title in titles and world.draft.title not in titles
    assert call_api(client, "get", "/agreements?city=nowhere").status_code == 400
