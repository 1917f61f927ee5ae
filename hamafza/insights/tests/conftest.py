"""A small fixture whose every figure is computed by hand in the tests (see the module docstrings).

Qom (province Qom), Karaj (Alborz). Domains A and B; Qom's units u1 and u2. Jalali 1404 starts
2025-03-21 (Tehran), its first quarter ends 2025-06-22.

need  submitted (UTC)   domain unit  status        city
n1    2024-06-01 10:00  A      u1    accepted      Qom   (1403)
n2    2025-05-01 10:00  A      u2    accepted      Qom   (1404 Q1)
n3    2025-08-01 10:00  B      u2    submitted     Qom   (1404 Q2)
n4    2025-08-02        B      u1    draft         Qom   not counted
n5    2025-08-03        B      u1    merged        Qom   not counted
n6    2025-08-04        A      -     submitted     Karaj

call  need domain unit published          results published   proposals (submitted)     awards
c1    n1   A      u1   2024-06-11 10:00   2024-07-11 10:00    3 (+1 withdrawn, +1 draft)  2 (+1 not awarded)
c2    -    B      u2   2025-09-01 10:00   -                   2                           -
c3    n2   A      u2   2025-05-05 10:00   2025-05-25 10:00    1                           1
c4    -    A      u1   draft, never published
c5    -    A      -    Karaj 2025-09-01   -                   1
"""

import datetime

import pytest

from hamafza.challenges.models import Call, CallResult, Need
from hamafza.challenges.tests.factories import CallResultFactory, NeedFactory
from hamafza.core.tests.factories import DomainFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.proposals.models import Proposal
from hamafza.proposals.tests.factories import CallFactory, ProposalFactory

UTC = datetime.UTC


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture
def world(city, other_city):
    a = DomainFactory(code="dom-a", name_en="Domain A", name_fa="حوزه الف")
    b = DomainFactory(code="dom-b", name_en="Domain B", name_fa="حوزه ب")
    u1 = UnitFactory(city=city, slug="u1", name_en="Unit 1", name_fa="واحد ۱")
    u2 = UnitFactory(city=city, slug="u2", name_en="Unit 2", name_fa="واحد ۲")
    ku = UnitFactory(city=other_city, slug="k1")
    S = Need.Status
    n1 = NeedFactory(city=city, unit=u1, domain=a, status=S.ACCEPTED, submitted_at=at(2024, 6, 1))
    n2 = NeedFactory(city=city, unit=u2, domain=a, status=S.ACCEPTED, submitted_at=at(2025, 5, 1))
    NeedFactory(city=city, unit=u2, domain=b, status=S.SUBMITTED, submitted_at=at(2025, 8, 1))
    NeedFactory(city=city, unit=u1, domain=b, status=S.DRAFT, submitted_at=at(2025, 8, 2))
    NeedFactory(city=city, unit=u1, domain=b, status=S.MERGED, submitted_at=at(2025, 8, 3))
    NeedFactory(city=other_city, unit=ku, domain=a, status=S.SUBMITTED, submitted_at=at(2025, 8, 4))

    C = Call.State
    c1 = CallFactory(
        city=city,
        unit=u1,
        need=n1,
        domain=a,
        state=C.RESULTS_PUBLISHED,
        title="Call one",
        opens_at=at(2024, 6, 11),
        closes_at=at(2024, 7, 1),
        published_at=at(2024, 6, 11),
        results_published_at=at(2024, 7, 11),
    )
    c2 = CallFactory(
        city=city,
        unit=u2,
        domain=b,
        state=C.PUBLISHED,
        title="Call two",
        opens_at=at(2025, 9, 1),
        closes_at=at(2099, 1, 1),
        published_at=at(2025, 9, 1),
    )
    c3 = CallFactory(
        city=city,
        unit=u2,
        need=n2,
        domain=a,
        state=C.RESULTS_PUBLISHED,
        title="Call three",
        opens_at=at(2025, 5, 5),
        closes_at=at(2025, 5, 15),
        published_at=at(2025, 5, 5),
        results_published_at=at(2025, 5, 25),
    )
    CallFactory(city=city, unit=u1, domain=a, state=C.DRAFT, published_at=None, opens_at=None, closes_at=None)
    c5 = CallFactory(city=other_city, unit=ku, domain=a, published_at=at(2025, 9, 1), closes_at=at(2099, 1, 1))

    P = Proposal.Status
    orgs = [OrganizationFactory(name=f"Applicant {i}") for i in range(6)]
    for org in orgs[:3]:
        ProposalFactory(call=c1, organization=org, submitted_at=at(2024, 6, 20))
    ProposalFactory(call=c1, organization=orgs[3], status=P.WITHDRAWN, submitted_at=at(2024, 6, 20))
    ProposalFactory(call=c1, organization=orgs[4], status=P.DRAFT, submitted_at=None)
    for org in orgs[:2]:
        ProposalFactory(call=c2, organization=org, submitted_at=at(2025, 9, 5))
    ProposalFactory(call=c3, organization=orgs[0], submitted_at=at(2025, 5, 10))
    ProposalFactory(call=c5, organization=orgs[5], submitted_at=at(2025, 9, 5))

    A = CallResult.Outcome
    CallResultFactory(call=c1, organization=orgs[0], outcome=A.AWARDED, rank=1)
    CallResultFactory(call=c1, organization=orgs[1], outcome=A.AWARDED, rank=2)
    CallResultFactory(call=c1, organization=orgs[2], outcome=A.NOT_AWARDED)
    CallResultFactory(call=c3, organization=orgs[0], outcome=A.AWARDED, rank=1)
    return {"a": a, "b": b, "u1": u1, "u2": u2, "c1": c1, "c2": c2, "c3": c3, "c5": c5, "orgs": orgs}
