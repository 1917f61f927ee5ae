"""Property-based test of the whole REST API v1 with schemathesis (from PyPI), run in `make test`.

Every operation of the live OpenAPI document is called with generated requests (valid and
invalid: wrong types, out-of-range values, missing fields), anonymously and with a personal API
token of each role, against the Django WSGI application and the test database. Every response
must be documented: no 5xx, a declared status code and content type, a body that matches its
schema (including the problem details of errors) and the declared headers (Retry-After on 429),
invalid data is refused with a 4xx, and operations that require authentication enforce it.

Runs are derandomised (the same examples on every run, so `make test` is repeatable); set
HAMAFZA_API_FUZZ_RANDOM=1 to explore new examples locally, HAMAFZA_API_FUZZ_EXAMPLES to run more.
"""

import json
import os
from functools import cache

import pytest
import schemathesis
from hypothesis import HealthCheck, given, strategies
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges.models import Call, Need
from hamafza.challenges.tests.factories import (
    CallFactory,
    CallQuestionFactory,
    CallResultFactory,
    NeedFactory,
    PublishedCallFactory,
)
from hamafza.core.tests.factories import CapabilityFactory, CityFactory, DomainFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.proposals.models import Panel
from hamafza.proposals.tests.factories import (
    AttachmentFactory,
    DeclarationFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    RubricCriterionFactory,
    ScoreFactory,
    ScoreSheetFactory,
)

MAX_EXAMPLES = int(os.environ.get("HAMAFZA_API_FUZZ_EXAMPLES", "10"))
DERANDOMIZE = os.environ.get("HAMAFZA_API_FUZZ_RANDOM", "") != "1"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    ignored_auth,
]

ROLES = [
    "anonymous",
    "platform_admin",
    "innovation_manager",
    "unit_staff",
    "facilitator",
    "judge",
    "org_member",
    "citizen",
]


@cache
def live_schema():
    from django.core.wsgi import get_wsgi_application

    from config.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


def _operation_keys() -> list[str]:
    from config.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return [f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods]


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection after each request (request_finished ->
    close_old_connections), which on PostgreSQL would close the test's transaction. Django's own
    test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, keep_test_connection, settings, tmp_path):
    """A small platform: two cities with units, a taxonomy, organizations with members, and a
    user with a token for each role (roles in the first city)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    qom = CityFactory(slug="qom", name_fa="قم", name_en="Qom", province="Qom")
    karaj = CityFactory(slug="karaj", name_fa="کرج", name_en="Karaj", province="Alborz")
    for city in (qom, karaj):
        UnitFactory(city=city, slug=f"{city.slug}-waste")
    domain = DomainFactory(code="waste")
    capability = CapabilityFactory(domain=domain, code="waste.sorting", synonyms_fa=["تفکیک"])
    org = OrganizationFactory(slug="pasmand", capabilities=[capability])
    OrganizationFactory(
        slug="karaj-tech", province="Alborz", city_name="Karaj", knowledge_based=True, certificate_number="KB-1"
    )

    users = {
        "platform_admin": UserFactory(is_superuser=True, is_staff=True),
        "innovation_manager": user_with_role(CityRole.Role.INNOVATION_MANAGER, qom),
        "unit_staff": user_with_role(CityRole.Role.UNIT_STAFF, qom),
        "facilitator": user_with_role(CityRole.Role.FACILITATOR, qom),
        "judge": user_with_role(CityRole.Role.JUDGE, qom),
        "org_member": OrganizationMembershipFactory(organization=org).user,
        "citizen": UserFactory(),
    }
    # Needs and calls of Qom in each state the operations act on, so generated requests reach them.
    staff_unit = users["unit_staff"].city_roles.get().unit
    submitted = NeedFactory(city=qom, unit=staff_unit, submitted_by=users["unit_staff"], capabilities=[capability])
    draft = NeedFactory(city=qom, unit=staff_unit, submitted_by=users["unit_staff"], status=Need.Status.DRAFT)
    NeedFactory(city=qom, unit=None, source=Need.Source.CITIZEN, status="moderation", submitted_by=users["citizen"])
    in_definition = CallFactory(city=qom, unit=staff_unit, complete=True, created_by=users["innovation_manager"])
    in_definition.facilitators.add(users["facilitator"])
    published = PublishedCallFactory(city=qom, unit=staff_unit, domain=domain, capabilities=[capability])
    CallQuestionFactory(call=published, asked_by=users["org_member"], answer="بله", is_published=True)
    pending = CallQuestionFactory(call=published, asked_by=users["org_member"], organization=org)
    with_results = PublishedCallFactory(city=karaj, unit=karaj.units.get(), state=Call.State.RESULTS_PUBLISHED)
    CallResultFactory(call=with_results, organization=org, applicant_name="")

    # A call in evaluation: the organization's submitted proposal with an attachment, a scoring panel
    # with a rubric, the judge cleared (no conflict) with a sheet of scores.
    evaluated = CallFactory(city=qom, unit=staff_unit, state=Call.State.IN_EVALUATION, complete=True)
    proposal = ProposalFactory(call=evaluated, organization=org, created_by=users["org_member"])
    attachment = AttachmentFactory(proposal=proposal, uploaded_by=users["org_member"])
    panel = PanelFactory(call=evaluated, status=Panel.Status.SCORING)
    criterion = RubricCriterionFactory(panel=panel, name="Impact")
    member = PanelMemberFactory(panel=panel, user=users["judge"])
    DeclarationFactory(member=member, proposal=proposal, has_conflict=False)
    ScoreFactory(sheet=ScoreSheetFactory(member=member, proposal=proposal), criterion=criterion, value=7)

    # A running pilot of an awarded proposal hosted by the unit staff's unit (a KPI with a measurement,
    # a milestone, a payment, an evidence file), a pilot waiting to start, and agreements of Qom (a
    # signed one with a party, an obligation, a milestone and a signed document; a draft).
    pilots = _pilot_world(qom, staff_unit, org, users)
    # A co-working space of Qom with a desk and a room, and a booking of the organization's member.
    spaces = _space_world(qom, users)

    # Events and programs of Qom: a published pitch day linked to the published call (a
    # registration, an applied pitch), an incubator's program with a cohort and an admitted team
    # with a milestone.
    programs = _programs_world(qom, org, published, users)

    headers = {"anonymous": {}}
    for role, user in users.items():
        _token, key = api_token_create(user=user, name=f"schemathesis {role}")
        headers[role] = {"Authorization": f"Bearer {key}"}
    known = {
        "slug": {"/cities/": "qom", "/organizations/": "pasmand"},
        "code": "waste.sorting",
        # path parameter -> (a part of the path, id) pairs, the first that matches wins
        "ids": {
            "need_id": [("/submit", draft.pk), ("{need_id}/", submitted.pk), ("", draft.pk)],
            "call_id": [
                ("/canvas", in_definition.pk),
                ("/transitions", in_definition.pk),
                ("/settings", in_definition.pk),
                ("/panel", evaluated.pk),
                ("/results/publish", evaluated.pk),
                ("/results", with_results.pk),
                ("", published.pk),
            ],
            "question_id": [("", pending.pk)],
            "proposal_id": [("/pilot", pilots["awaiting"].pk), ("", proposal.pk)],
            "pilot_id": [("", pilots["pilot"].pk)],
            "kpi_id": [("", pilots["kpi"].pk)],
            "milestone_id": [
                ("/agreements", pilots["agreement_milestone"].pk),
                ("/applications", programs["milestone"].pk),
                ("", pilots["milestone"].pk),
            ],
            "payment_id": [("", pilots["payment"].pk)],
            "file_id": [("", pilots["file"].pk)],
            "agreement_id": [("", pilots["agreement"].pk)],
            "party_id": [("", pilots["party"].pk)],
            "obligation_id": [("", pilots["obligation"].pk)],
            "document_id": [("", pilots["document"].pk)],
            "attachment_id": [("", attachment.pk)],
            "event_id": [("", programs["event"].pk)],
            "pitch_id": [("", programs["pitch"].pk)],
            "program_id": [("", programs["program"].pk)],
            "cohort_id": [("", programs["cohort"].pk)],
            "application_id": [("", programs["application"].pk)],
            "space_id": [("", spaces["space"].pk)],
            "resource_id": [("", spaces["desk"].pk)],
            "booking_id": [("", spaces["booking"].pk)],
        },
    }
    return {"headers": headers, "known": known}


def _pilot_world(city, unit, org, users) -> dict:
    import datetime

    from django.utils import timezone

    from hamafza.pilots import services as pilot_services
    from hamafza.pilots.models import AgreementParty
    from hamafza.pilots.tests.factories import (
        AgreementDocumentFactory,
        AgreementFactory,
        AgreementPartyFactory,
        AwardedProposalFactory,
        PilotFileFactory,
    )

    manager = users["innovation_manager"]
    today = timezone.localdate()
    awarded = AwardedProposalFactory(call__city=city, call__unit=unit, organization=org)
    pilot = pilot_services.pilot_start(proposal=awarded, by=manager, unit=unit)
    pilot_services.pilot_update_plan(
        pilot=pilot,
        by=manager,
        start_date=today - datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=100),
        approved_budget_rial=3_000_000_000,
    )
    pilot = pilot_services.pilot_transition(pilot=pilot, to_state="running", by=manager)
    kpi = pilot.kpis.get()
    file = PilotFileFactory(pilot=pilot, uploaded_by=users["org_member"])
    pilot_services.measurement_record(kpi=kpi, by=manager, value=10, measured_on=today, evidence=file)
    milestone = pilot_services.milestone_save(pilot=pilot, by=manager, title="M1", due_date=today)
    payment = pilot_services.payment_save(pilot=pilot, by=manager, planned_rial=1_000_000_000, milestone=milestone)
    awaiting = AwardedProposalFactory(call__city=city, call__unit=unit, organization=org)
    agreement = AgreementFactory(city=city)
    AgreementPartyFactory(agreement=agreement, kind=AgreementParty.Kind.CITY)
    party = AgreementPartyFactory(agreement=agreement, organization=org)
    obligation = pilot_services.obligation_save(agreement=agreement, by=manager, party=party, description="Report")
    agreement_milestone = pilot_services.agreement_milestone_save(agreement=agreement, by=manager, title="Launch")
    document = AgreementDocumentFactory(agreement=agreement)
    AgreementPartyFactory(agreement=AgreementFactory(city=city, status="draft", signed_on=None), kind="city")
    return {
        "pilot": pilot,
        "kpi": kpi,
        "file": file,
        "milestone": milestone,
        "payment": payment,
        "awaiting": awaiting,
        "agreement": agreement,
        "party": party,
        "obligation": obligation,
        "agreement_milestone": agreement_milestone,
        "document": document,
    }


def _programs_world(city, org, call, users) -> dict:
    import datetime

    from django.utils import timezone

    from hamafza.programs import services as program_services
    from hamafza.programs.tests.factories import ApplicationFactory, CohortFactory, EventFactory, ProgramFactory

    manager = users["innovation_manager"]
    event = EventFactory(city=city, kind="pitch_day", pitches_open=True, created_by=manager, capacity=3)
    event.calls.add(call)
    program_services.registration_register(event=event, user=users["citizen"])
    pitch = program_services.pitch_apply(event=event, organization=org, by=users["org_member"], title="Pitch")
    incubator = OrganizationFactory(slug="qom-incubator", kind="incubator")
    OrganizationMembershipFactory(organization=incubator, user=manager, role="admin")
    program = ProgramFactory(organization=incubator, city=city)
    cohort = CohortFactory(program=program)
    application = ApplicationFactory(cohort=cohort, organization=org, applicant=users["org_member"], state="admitted")
    milestone = program_services.milestone_add(
        application=application, title="MVP", due_on=timezone.localdate() + datetime.timedelta(days=30), by=manager
    )
    return {
        "event": event,
        "pitch": pitch,
        "program": program,
        "cohort": cohort,
        "application": application,
        "milestone": milestone,
    }


def _space_world(city, users) -> dict:
    from hamafza.spaces import services as space_services
    from hamafza.spaces.tests.factories import ResourceFactory, SpaceFactory, tomorrow_at

    space = SpaceFactory(city=city, slug="qom-cowork")
    desk = ResourceFactory(space=space)
    ResourceFactory(space=space, kind="room", capacity=8)
    booking = space_services.booking_create(
        resource=desk, by=users["org_member"], starts_at=tomorrow_at(10), ends_at=tomorrow_at(12)
    )
    return {"space": space, "desk": desk, "booking": booking}


def _known_path_parameters(path: str, known: dict) -> dict | None:
    """Real ids for the path, so generated requests also reach existing objects."""
    params = {}
    if "{slug}" in path:
        for prefix, slug in known["slug"].items():
            if prefix in path:
                params["slug"] = slug
                break
        else:
            return None
    if "{code}" in path:
        params["code"] = known["code"]
    for name, choices in known["ids"].items():
        if "{" + name + "}" in path:
            params[name] = next(value for part, value in choices if part in path)
    return params or None


# The needs-and-challenges (and the pilots and agreements, spaces and bookings) operations are many and most roles mean
# something to each of them: they run once per operation on one world, every role in turn with fewer
# examples each, so that `make test` stays short. (Requests of one role change the world the next
# role sees, as in real use.)
ROLE_LOOP_PATHS = (
    "/api/v1/calls",
    "/api/v1/cities/{slug}/needs",
    "/api/v1/cities/{slug}/calls",
    "/api/v1/pilots",
    "/api/v1/agreements",
    "/api/v1/proposals/{proposal_id}/pilot",
    "/api/v1/events",
    "/api/v1/cities/{slug}/events",
    "/api/v1/programs",
    "/api/v1/cohorts",
    "/api/v1/applications",
    "/api/v1/spaces",
    "/api/v1/bookings",
)
ROLE_LOOP_EXAMPLES = int(os.environ.get("HAMAFZA_API_FUZZ_ROLE_LOOP_EXAMPLES", "4"))


def _in_role_loop(operation_key: str) -> bool:
    return operation_key.split(" ", 1)[1].startswith(ROLE_LOOP_PATHS)


def _fuzz(world, role: str, operation_key: str, max_examples: int) -> None:
    method, path = operation_key.split(" ", 1)
    operation = live_schema()[path][method]
    # the WSGI transport does not undo Content-Encoding: ask for plain bodies (the stored OCDS package is
    # served gzip to clients that accept it, which real HTTP clients decode)
    headers = {**world["headers"][role], "Accept-Encoding": "identity"}

    strategy_list = [
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    ]
    known = _known_path_parameters(path, world["known"])
    if known:
        strategy_list.append(
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE, path_parameters=known)
        )

    @given(case=strategies.one_of(strategy_list))
    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_key", [k for k in _operation_keys() if not _in_role_loop(k)])
def test_api_conforms_to_its_schema(world, settings, role, operation_key):
    _fuzz(world, role, operation_key, MAX_EXAMPLES)


@pytest.mark.django_db
@pytest.mark.parametrize("operation_key", [k for k in _operation_keys() if _in_role_loop(k)])
def test_challenges_api_conforms_to_its_schema(world, settings, operation_key):
    for role in ROLES:
        try:
            _fuzz(world, role, operation_key, ROLE_LOOP_EXAMPLES)
        except Exception as exc:
            exc.add_note(f"role: {role}")
            raise
