"""`GET /calls/{id}/ranking`: the panel's aggregated ranking, for the city's managers only."""

import pytest

from hamafza.proposals import selectors
from hamafza.proposals.tests.test_api import USERS, call_api

pytestmark = pytest.mark.django_db


def test_the_manager_reads_the_ranking_as_the_evaluation_page_computes_it(client, world):
    response = call_api(client, "get", f"/calls/{world.call.pk}/ranking", world.users["manager"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["call"] == world.call.pk
    expected = {row["proposal"].pk: row["result"] for row in selectors.panel_results(panel=world.panel)}
    assert (
        {row["proposal"] for row in body["proposals"]}
        == set(expected)
        == {
            world.proposal_a.pk,
            world.proposal_b.pk,
        }
    )
    for row in body["proposals"]:
        result = expected[row["proposal"]]
        assert (row["rank"], row["score"], row["judges"]) == (result.rank, result.score, result.judges)
    scored = next(row for row in body["proposals"] if row["proposal"] == world.proposal_a.pk)
    assert scored["judges"] == 1 and scored["rank"] == 1  # the judge with a conflict does not count
    assert scored["organization"] == world.org_a.slug


@pytest.mark.parametrize("who", [u for u in USERS if u not in ("manager", "visitor")])
def test_nobody_else_reads_the_ranking(client, world, who):
    response = call_api(client, "get", f"/calls/{world.call.pk}/ranking", world.users[who])
    assert response.status_code == 403
    assert world.org_a.slug not in response.content.decode()


def test_anonymous_is_asked_to_authenticate(client, world):
    assert call_api(client, "get", f"/calls/{world.call.pk}/ranking").status_code == 401


def test_the_ranking_is_paged_like_every_list(client, world):
    expected = [row["proposal"].pk for row in selectors.panel_results(panel=world.panel)]
    response = call_api(client, "get", f"/calls/{world.call.pk}/ranking?page=2&page_size=1", world.users["manager"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["count_exact"], body["page"], body["page_size"], body["pages"], body["has_next"]) == (
        len(expected),
        True,
        2,
        1,
        len(expected),
        False,
    )
    assert [row["proposal"] for row in body["proposals"]] == expected[1:2]
    response = call_api(client, "get", f"/calls/{world.call.pk}/ranking?page=9", world.users["manager"])
    assert response.status_code == 404
