import datetime
import io
import zipfile

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.models import Call, EvaluationCriterion
from hamafza.core.tests.factories import CityFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.proposals.models import (
    ConflictDeclaration,
    Panel,
    PanelMember,
    Proposal,
    ProposalAttachment,
    RubricCriterion,
    Score,
    ScoreSheet,
)


# --- Files of each kind, made in memory ---------------------------------------------------------
def pdf_bytes(text: str = "Hamafza") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def ooxml_bytes(kind: str = "docx", *, macro: bool = False, first: str = "[Content_Types].xml") -> bytes:
    part, main = {
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    }[kind]
    if macro:
        main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="{main}"/></Types>'
    )
    entries = {"[Content_Types].xml": types, "_rels/.rels": "<Relationships/>", part: "<document/>"}
    order = [first] + [name for name in entries if name != first]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            archive.writestr(name, entries[name])
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "بودجه"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


# --- Calls (the challenges app's model, in the states this app needs) ---------------------------
class CallFactory(factory.django.DjangoModelFactory):
    """A published call open for ten more days, with two weighted evaluation criteria."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    unit = factory.SubFactory(UnitFactory, city=factory.SelfAttribute("..city"))
    title = factory.Sequence(lambda n: f"فراخوان {n}")
    description = "Smart waste collection"
    state = Call.State.PUBLISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        for position, (name, weight) in enumerate(extracted or [("Impact", 60), ("Feasibility", 40)]):
            EvaluationCriterion.objects.create(call=obj, name=name, weight=weight, position=position)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    city = factory.SelfAttribute("call.city")
    organization = factory.SubFactory(OrganizationFactory)
    status = Proposal.Status.SUBMITTED
    title = factory.Sequence(lambda n: f"Proposal {n}")
    summary = "A summary"
    approach = "An approach"
    team = "A team"
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalAttachment

    proposal = factory.SubFactory(ProposalFactory)
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="plan.pdf"))
    original_name = "plan.pdf"
    kind = ProposalAttachment.Kind.PDF
    size = factory.LazyFunction(lambda: len(pdf_bytes()))
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    call = factory.SubFactory(CallFactory, state=Call.State.IN_EVALUATION)
    city = factory.SelfAttribute("call.city")
    status = Panel.Status.SCORING


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    panel = factory.SubFactory(PanelFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 50
    scale_max = 10
    position = factory.Sequence(int)


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    panel = factory.SubFactory(PanelFactory)
    user = factory.SubFactory(UserFactory)
    source = PanelMember.Source.CITY_JUDGE


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    member = factory.SubFactory(PanelMemberFactory)
    proposal = factory.SubFactory(ProposalFactory)
    has_conflict = False


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreSheet

    member = factory.SubFactory(PanelMemberFactory)
    proposal = factory.SubFactory(ProposalFactory)
    version = 1
    completed_at = factory.LazyFunction(timezone.now)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    sheet = factory.SubFactory(ScoreSheetFactory)
    criterion = factory.SubFactory(RubricCriterionFactory)
    value = 7
    comment = ""
