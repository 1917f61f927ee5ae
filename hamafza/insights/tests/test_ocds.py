"""The OCDS release package: valid against the OCDS 1.1.5 schema (offline), on the fixture and on the
demo data, nothing confidential in it, and the same from the page and the command."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from hamafza.challenges.tests.factories import CallResultFactory
from hamafza.insights import ocds

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "ocds-1.1.5"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def validator() -> Draft4Validator:
    package_schema = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    release_schema = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resource(
        RELEASE_URL, Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    return Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())


def assert_valid(data):
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_validator_rejects_a_broken_package():
    errors = list(validator().iter_errors({"uri": "x", "version": "1.1", "releases": [{"ocid": 1}]}))
    assert errors  # missing publisher/publishedDate, a release without id/date/tag, an ocid not a string


@override_settings(OCDS_OCID_PREFIX="ocds-test01")
def test_package_of_the_fixture(client, world, city):
    response = client.get(reverse("insights:ocds", args=[city.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert_valid(data)
    releases = {r["ocid"]: r for r in data["releases"]}
    assert set(releases) == {f"ocds-test01-{world[k].pk}" for k in ("c1", "c2", "c3")}  # not the draft, not Karaj
    one = releases[f"ocds-test01-{world['c1'].pk}"]
    assert one["tag"] == ["tender", "award"]
    assert one["tender"]["status"] == "complete"
    assert one["tender"]["tenderPeriod"] == {"startDate": "2024-06-11T10:00:00Z", "endDate": "2024-07-01T10:00:00Z"}
    assert one["buyer"]["id"] == f"unit-{world['u1'].pk}"
    suppliers = {s["name"] for a in one["awards"] for s in a["suppliers"]}
    assert suppliers == {"Applicant 0", "Applicant 1"}
    roles = {p["id"]: p["roles"] for p in one["parties"]}
    assert roles[f"unit-{world['u1'].pk}"] == ["buyer", "procuringEntity"]
    two = releases[f"ocds-test01-{world['c2'].pk}"]
    assert two["tag"] == ["tender"] and two["tender"]["status"] == "active" and "awards" not in two
    # Nothing confidential: no applicant that was not awarded, no proposal text, no score.
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("Applicant 2", "Applicant 3", "Applicant 4", "An approach", "A team", "score"):
        assert secret not in text


def test_package_is_served_stored_with_conditional_get(client, world, city, django_assert_max_num_queries):
    """The page serves the stored package: a conditional GET is a 304, the gzip bytes go as they
    are, a change of a call builds it again, and serving reads a fixed number of queries."""
    from hamafza.insights.models import OpenDataFile

    url = reverse("insights:ocds", args=[city.slug])
    first = client.get(url)
    stored = OpenDataFile.objects.get()
    assert first["ETag"] == stored.etag
    published = datetime.datetime.fromisoformat(first.json()["publishedDate"].replace("Z", "+00:00"))
    assert abs((stored.generated_at - published).total_seconds()) < 60  # "generated at"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    api = client.get(f"/api/v1/insights/cities/{city.slug}/ocds", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    with django_assert_max_num_queries(8) as served:
        client.get(url)
    n_served = len(served.captured_queries)  # read now: the next request resets the query log
    call = world["c2"]
    call.title = "Call two, renamed"
    call.save()
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and "Call two, renamed" in second.content.decode()
    assert_valid(second.json())
    for i in range(3):
        CallResultFactory(call=world["c1"], organization=world["orgs"][3 + i % 2], outcome="awarded")
    with django_assert_max_num_queries(n_served):
        client.get(url)


def test_procurement_methods_and_eligibility(world, city):
    from hamafza.challenges.models import CallType

    call = world["c2"]
    call.call_type = CallType.RFP
    call.allowed_provinces = ["Qom"]
    call.knowledge_based_required = True
    call.save()
    data = ocds.package_for(city=city, uri="https://example.org/ocds.json")
    tender = next(r["tender"] for r in data["releases"] if r["tender"]["id"] == str(call.pk))
    assert tender["procurementMethod"] == "limited"
    assert "knowledge-based" in tender["eligibilityCriteria"] or "دانش‌بنیان" in tender["eligibilityCriteria"]
    assert_valid(data)


def test_package_query_count_is_constant(world, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as before:
        ocds.package_for(city=city, uri="https://example.org/x")
    from hamafza.challenges.tests.factories import CallResultFactory
    from hamafza.insights.tests.conftest import at
    from hamafza.proposals.tests.factories import CallFactory

    for i in range(4):
        call = CallFactory(city=city, unit=world["u1"], published_at=at(2025, 10, 1 + i), state="results_published")
        CallResultFactory(call=call, organization=world["orgs"][i])
    with django_assert_max_num_queries(len(before.captured_queries)):
        ocds.package_for(city=city, uri="https://example.org/x")


def test_command_on_the_demo_data_validates(tmp_path):
    from hamafza.accounts import demo as accounts_demo
    from hamafza.challenges import demo as challenges_demo
    from hamafza.core import demo as core_demo
    from hamafza.directory import demo as directory_demo
    from hamafza.proposals import demo as proposals_demo

    out = io.StringIO()
    for step in (core_demo, accounts_demo, directory_demo, challenges_demo, proposals_demo):
        step.load(stdout=out)
    target = tmp_path / "qom.json"
    call_command("export_ocds", city="qom", output=str(target), stderr=io.StringIO())
    data = json.loads(target.read_text(encoding="utf-8"))
    assert_valid(data)
    assert data["releases"] and any("awards" in r for r in data["releases"])
    assert data["uri"].endswith("/fa/c/qom/open-data/ocds.json")


def test_command_refuses_an_unknown_city():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_ocds", city="atlantis", stdout=io.StringIO())


@override_settings(OCDS_OCID_PREFIX="ocds-test01")
def test_contracts_and_implementation(pilots_world, city):
    import datetime

    from hamafza.pilots.models import Milestone, Payment

    p2, a2 = pilots_world["p2"], pilots_world["a2"]
    m = Milestone.objects.create(pilot=p2, title="Sensors installed", due_date=datetime.date(2025, 7, 1))
    Milestone.objects.filter(pk=m.pk).update(
        status="accepted", decided_at=datetime.datetime(2025, 7, 2, tzinfo=datetime.UTC)
    )
    Payment.objects.create(pilot=p2, planned_rial=500_000, paid_rial=500_000, paid_on=datetime.date(2025, 7, 5))
    Payment.objects.create(pilot=p2, planned_rial=700_000)  # not paid yet
    data = ocds.package_for(city=city, uri="https://example.org/ocds.json")
    assert_valid(data)
    releases = {r["tender"]["id"]: r for r in data["releases"]}
    three = releases[str(pilots_world["c3"].pk)]
    assert three["tag"] == ["tender", "award", "contract", "implementation"]
    (contract,) = three["contracts"]
    assert contract["awardID"] in {a["id"] for a in three["awards"]}
    assert contract["dateSigned"] == "2025-06-01T00:00:00Z"
    assert "value" not in contract and "transactions" not in contract["implementation"]  # private value
    assert contract["implementation"]["milestones"][0]["status"] == "met"
    # A1 (call two) went to organizations that won no award of that call: not a contract there.
    assert "contracts" not in releases[str(pilots_world["c2"].pk)]
    a2.value_public = True
    a2.save()
    data = ocds.package_for(city=city, uri="https://example.org/ocds.json")
    assert_valid(data)
    (contract,) = {r["tender"]["id"]: r for r in data["releases"]}[str(pilots_world["c3"].pk)]["contracts"]
    assert contract["value"] == {"amount": 2_000_000, "currency": "IRR"}
    assert contract["implementation"]["transactions"] == [
        {
            "id": contract["implementation"]["transactions"][0]["id"],
            "date": "2025-07-05T00:00:00Z",
            "value": {"amount": 500_000, "currency": "IRR"},
        }
    ]
