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
from decimal import Decimal

import factory
import pytest

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.models import Call, CallResult, Need
from hamafza.challenges.tests.factories import CallResultFactory, NeedFactory
from hamafza.core.tests.factories import DomainFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.pilots.models import Agreement, AgreementParty, Pilot, PilotParty
from hamafza.pilots.tests.factories import AgreementFactory, AgreementPartyFactory
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


class PilotFactory(factory.django.DjangoModelFactory):
    """A pilot written directly (the tests need exact past moments; the services stamp "now")."""

    class Meta:
        model = Pilot

    city = factory.SelfAttribute("call.city")
    unit = factory.SelfAttribute("call.unit")
    title = factory.Sequence(lambda n: f"Pilot {n}")
    state = Pilot.State.RUNNING
    started_by = factory.SubFactory(UserFactory)


@pytest.fixture
def pilots_world(world, city, other_city):
    """Adds to `world` (all values in Rial; Qom's province is Qom):

    org  province  knowledge-based certificate
    L1   Qom       2024-01-01 .. 2026-01-01
    L2   Qom       none
    F1   Tehran    2023-01-01 .. 2025-03-01
    F2   Tehran    none

    P1  call c1  budget 1,000,000  ran 2024-08-01 10:00, completed 2024-12-01 10:00  L1 60 %, F1 40 %
    P2  call c3  budget 2,000,000  ran 2025-06-01 10:00, running                     L2 50 %, F1 (no share) -> equal
    P3  call c2  budget 5,000,000  planned (never ran): not counted
    A1  MoU, call c2, 3,000,000, signed 2025-07-01: the city, L1, F2 -> 1.5M each to L1 and F2
    A2  pilot contract of P2, 2,000,000, signed 2025-06-01: the same money as P2, not counted again
    A3  draft, 9,000,000: not counted
    A4  cooperation, no call, 1,000,000, signed 2025-08-01: only public bodies -> total only
    A5  Karaj, 7,000,000, signed 2025-07-01: L1 (not local to Alborz; knowledge-based then)
    """
    L1 = OrganizationFactory(
        name="L1",
        province="Qom",
        knowledge_based=True,
        certificate_valid_from=datetime.date(2024, 1, 1),
        certificate_valid_until=datetime.date(2026, 1, 1),
    )
    L2 = OrganizationFactory(name="L2", province="Qom")
    F1 = OrganizationFactory(
        name="F1",
        province="Tehran",
        knowledge_based=True,
        certificate_valid_from=datetime.date(2023, 1, 1),
        certificate_valid_until=datetime.date(2025, 3, 1),
    )
    F2 = OrganizationFactory(name="F2", province="Tehran")
    proposal = {p.call_id: p for p in Proposal.objects.filter(organization=world["orgs"][0]).order_by("pk")}
    p1 = PilotFactory(
        call=world["c1"],
        proposal=proposal[world["c1"].pk],
        approved_budget_rial=1_000_000,
        state=Pilot.State.COMPLETED,
        running_since=at(2024, 8, 1),
        completed_at=at(2024, 12, 1),
    )
    PilotParty.objects.create(pilot=p1, organization=L1, share_percent=Decimal("60"))
    PilotParty.objects.create(pilot=p1, organization=F1, share_percent=Decimal("40"), role=PilotParty.Role.MEMBER)
    p2 = PilotFactory(
        call=world["c3"],
        proposal=proposal[world["c3"].pk],
        approved_budget_rial=2_000_000,
        running_since=at(2025, 6, 1),
    )
    PilotParty.objects.create(pilot=p2, organization=L2, share_percent=Decimal("50"))
    PilotParty.objects.create(pilot=p2, organization=F1, role=PilotParty.Role.MEMBER)
    p3 = PilotFactory(
        call=world["c2"], proposal=proposal[world["c2"].pk], approved_budget_rial=5_000_000, state=Pilot.State.PLANNED
    )
    PilotParty.objects.create(pilot=p3, organization=L1)
    K = Agreement.Kind
    a1 = AgreementFactory(
        city=city, kind=K.MOU, call=world["c2"], value_rial=3_000_000, signed_on=datetime.date(2025, 7, 1)
    )
    AgreementPartyFactory(agreement=a1, kind=AgreementParty.Kind.CITY)
    AgreementPartyFactory(agreement=a1, organization=L1)
    AgreementPartyFactory(agreement=a1, organization=F2)
    a2 = AgreementFactory(
        city=city, kind=K.PILOT_CONTRACT, pilot=p2, value_rial=2_000_000, signed_on=datetime.date(2025, 6, 1)
    )
    AgreementPartyFactory(agreement=a2, organization=L2)
    a3 = AgreementFactory(
        city=city, kind=K.LICENCE, status=Agreement.Status.DRAFT, value_rial=9_000_000, signed_on=None
    )
    AgreementPartyFactory(agreement=a3, organization=L1)
    a4 = AgreementFactory(
        city=city, kind=K.COOPERATION, value_rial=1_000_000, value_public=True, signed_on=datetime.date(2025, 8, 1)
    )
    AgreementPartyFactory(agreement=a4, kind=AgreementParty.Kind.CITY)
    AgreementPartyFactory(agreement=a4, kind=AgreementParty.Kind.OTHER, name="Bank")
    a5 = AgreementFactory(city=other_city, kind=K.MOU, value_rial=7_000_000, signed_on=datetime.date(2025, 7, 1))
    AgreementPartyFactory(agreement=a5, organization=L1)
    return {**world, "p1": p1, "p2": p2, "p3": p3, "a1": a1, "a2": a2, "a4": a4, "a5": a5, "L1": L1}
