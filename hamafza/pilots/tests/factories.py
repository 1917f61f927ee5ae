"""Factories of pilots and agreements (tests only). A pilot is normally made the real way, by
``pilots.services.pilot_start`` from an awarded proposal (see conftest.world)."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.tests.factories import CallFactory
from hamafza.core.tests.factories import CityFactory
from hamafza.pilots.models import Agreement, AgreementDocument, AgreementParty, PilotFile
from hamafza.proposals.models import Proposal
from hamafza.proposals.tests.factories import ProposalFactory, pdf_bytes


class AwardedProposalFactory(ProposalFactory):
    call = factory.SubFactory(CallFactory, state="results_published", complete=True, opens_at=None, closes_at=None)
    decision = Proposal.Decision.AWARDED
    decided_at = factory.LazyFunction(timezone.now)


class PilotFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotFile

    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="evidence.pdf"))
    original_name = "evidence.pdf"
    content_kind = "pdf"
    size = factory.LazyFunction(lambda: len(pdf_bytes()))
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"تفاهم‌نامه همکاری {n}")
    kind = Agreement.Kind.MOU
    subject = "همکاری در آزمایش فناوری"
    value_rial = 3_000_000_000
    value_public = False
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    duration_months = 12
    status = Agreement.Status.SIGNED
    created_by = factory.SubFactory(UserFactory)


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    kind = AgreementParty.Kind.ORGANIZATION


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementDocument

    agreement = factory.SubFactory(AgreementFactory)
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="signed.pdf"))
    original_name = "signed.pdf"
    content_kind = "pdf"
    size = factory.LazyFunction(lambda: len(pdf_bytes()))
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)
