"""Issue 19 (national scale): the missions page shows a page of missions, counts their roles and
consortia for that page only, and issues a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.consortia import views
from hamafza.consortia.tests.factories import ConsortiumFactory, MissionFactory, MissionRoleFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_missions_are_paged_with_their_counts(client, monkeypatch):
    monkeypatch.setattr(views, "MISSIONS_PER_PAGE", 3)
    first = MissionFactory(title_fa="نخستین مأموریت")
    MissionRoleFactory(mission=first)
    MissionRoleFactory(mission=first)
    ConsortiumFactory(mission=first)
    url = reverse("consortia:mission_list")
    response, queries = _get(client, url)
    assert response.status_code == 200 and response.context["missions"][0].n_roles == 2
    for _ in range(7):
        MissionRoleFactory(mission=MissionFactory())
    response, more = _get(client, url)
    assert more == queries
    assert len(response.context["missions"]) == 3 and "نخستین مأموریت" not in response.content.decode()
    last, _ = _get(client, url + "?page=۳")
    shown = {m.pk: (m.n_roles, m.n_consortia) for m in last.context["missions"]}
    assert shown == {first.pk: (2, 1)} | {m.pk: (1, 0) for m in last.context["missions"] if m.pk != first.pk}
    assert first.pk in shown
    assert client.get(url + "?page=4").status_code == 404
    assert client.get(url + "?page=x").status_code == 404
