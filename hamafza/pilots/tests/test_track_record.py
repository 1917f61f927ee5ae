"""The track record: a completed pilot and an active agreement count in the matching engine's
signal (through the index change log), are named in the match explanation and the `match_explain`
command, and are listed on the organization's public profile; the call's results link the pilot's
public summary."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hamafza.core.tests.factories import CapabilityFactory, DomainFactory
from hamafza.matching import selectors as matching_selectors
from hamafza.matching import services as matching_services
from hamafza.pilots import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_dir(settings, tmp_path):
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    settings.MATCHING_USE_EMBEDDINGS = False
    yield settings.MATCHING_INDEX_DIR
    matching_services.index_holder().close()


def complete_and_agree(world):
    services.measurement_record(kpi=world.kpi, by=world.host_staff, value=27, measured_on=timezone.localdate())
    services.final_report_save(pilot=world.pilot, by=world.host_staff, outcome="ok", recommendation="scale_up")
    services.final_report_approve(pilot=world.pilot, by=world.manager)
    pilot = services.pilot_transition(pilot=world.pilot, to_state="completed", by=world.manager)
    agreement = services.agreement_from_pilot(pilot=pilot, by=world.manager)
    services.agreement_update(agreement=agreement, by=world.manager, signed_on=timezone.localdate())
    for status in ("signed", "active"):
        agreement = services.agreement_transition(agreement=agreement, to_state=status, by=world.manager)
    return pilot, agreement


def test_signal_counts_pilots_and_agreements_and_logs_the_change(world):
    before = matching_services.track_records([world.org.pk]).get(world.org.pk, 0)
    version = matching_services.index_version()
    pilot, agreement = complete_and_agree(world)
    assert matching_services.track_records([world.org.pk])[world.org.pk] == before + 2
    assert matching_services.index_version() == version + 2  # completed; agreement active
    lines = matching_selectors.track_record_evidence([world.org.pk])[world.org.pk]
    assert any(pilot.title in line and "1" in line for line in lines)
    assert any(agreement.title in line for line in lines)


def test_profile_lists_completed_pilots_with_outcome_and_public_agreements(world):
    page = Client().get(f"/fa/organizations/{world.org.slug}/").content.decode()
    assert world.agreement.title in page  # a signed agreement is public
    assert world.pilot.title not in page  # a running pilot is not a track record yet
    pilot, agreement = complete_and_agree(world)
    page = Client().get(f"/fa/organizations/{world.org.slug}/").content.decode()
    assert 'id="track-record"' in page and pilot.title in page and agreement.title in page
    assert "۲۷" in page  # the KPI achieved
    assert "weights-secret.pdf" not in page and "۵٬۰۰۰٬۰۰۰٬۰۰۰" not in page
    results = Client().get(f"/fa/challenges/{pilot.call_id}/results/").content.decode()
    assert f"/fa/pilots/{pilot.pk}/summary/" in results


def test_match_explain_command_cites_the_completed_pilot(world, engine_dir):
    capability = CapabilityFactory(domain=DomainFactory(code="waste"), code="waste.sorting", name_en="Waste sorting")
    world.org.capabilities.add(capability)
    world.proposal.call.capabilities.add(capability)
    pilot, _agreement = complete_and_agree(world)
    out = io.StringIO()
    call_command(
        "match_explain", "--call", str(pilot.call_id), "--organization", world.org.slug, "--language", "en", stdout=out
    )
    text = out.getvalue()
    assert "track record: 2" in text  # the completed pilot and the active agreement
    assert f"Completed pilot “{pilot.title}”" in text
