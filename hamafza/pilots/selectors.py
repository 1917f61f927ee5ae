"""Reads of pilots and agreements.

Confidentiality is decided HERE, once. ``confidential_scope(user)`` is the only definition of who
may see the confidential parts of a pilot or an agreement: a pilot's approved budget, payments and
files (deliverables and evidence), an agreement's signed documents and its value when the value is
not public. Every path that shows them (pages, lists, exports, downloads, the API) starts from the
querysets built on it (``pilots_confidential_to``, ``payments_visible_to``,
``pilot_files_visible_to``, ``agreements_confidential_to``, ``agreement_documents_visible_to``), and
the predicates of ``pilots.rules`` ask the same querysets.

* A pilot's confidential parts: the innovation managers of its city, the staff of its host unit
  and the members of its party organizations.
* Seeing a pilot's working pages (plan, KPIs, milestones, log) without the confidential parts:
  also the staff of the city's other units.
* A completed pilot has a public summary (``pilot_public_get``): outcome, KPIs and parties,
  never budget lines or files.
* An agreement's confidential parts: the innovation managers of its city (who represent the city),
  the staff of a unit that is a party, and the members of a party organization. A draft agreement
  is seen only by them; once signed it is on the city's public register (title, parties, kind,
  dates, the value when public).

Platform staff get no bypass in the web UI and the API (as for proposals); they use the admin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import roles_of
from hamafza.directory.models import OrganizationMembership
from hamafza.pilots.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    FinalReport,
    FinalReportKpi,
    Kpi,
    Measurement,
    Milestone,
    Payment,
    Pilot,
    PilotFile,
    PilotParty,
)
from hamafza.proposals.models import Proposal

# ------------------------------------------------------------------------------------------------
# Confidentiality: the one definition
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Who the user is for pilots and agreements (computed once per request from the city roles
    and one subquery of organization memberships)."""

    manager_cities: frozenset
    staff_units: frozenset
    staff_cities: frozenset
    member_orgs: QuerySet | None

    @property
    def anonymous(self) -> bool:
        return self.member_orgs is None


_NOBODY = Scope(frozenset(), frozenset(), frozenset(), None)


def confidential_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOBODY
    cached = getattr(user, "_hamafza_pilot_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    scope = Scope(
        manager_cities=frozenset(r.city_id for r in roles if r.role == CityRole.Role.INNOVATION_MANAGER),
        staff_units=frozenset(r.unit_id for r in roles if r.role == CityRole.Role.UNIT_STAFF and r.unit_id),
        staff_cities=frozenset(r.city_id for r in roles if r.role == CityRole.Role.UNIT_STAFF),
        member_orgs=OrganizationMembership.objects.filter(user_id=user.pk).values("organization_id"),
    )
    user._hamafza_pilot_scope = scope
    return scope


def _pilot_confidential_q(scope: Scope, prefix: str = "") -> Q | None:
    if scope.anonymous:
        return None
    parties = PilotParty.objects.filter(pilot_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    parties = parties.filter(organization_id__in=scope.member_orgs)
    return (
        Q(**{f"{prefix}city_id__in": scope.manager_cities})
        | Q(**{f"{prefix}unit_id__in": scope.staff_units})
        | Q(Exists(parties))
    )


def pilots_confidential_to(user) -> QuerySet[Pilot]:
    """Pilots whose budget, payments and files `user` may see."""
    condition = _pilot_confidential_q(confidential_scope(user))
    if condition is None:
        return Pilot.objects.none()
    return Pilot.objects.filter(condition)


def pilots_visible_to(user) -> QuerySet[Pilot]:
    """Pilots whose working pages `user` may see: the confidential set, plus every pilot of a city
    where the user is unit staff (without the confidential parts)."""
    scope = confidential_scope(user)
    condition = _pilot_confidential_q(scope)
    if condition is None:
        return Pilot.objects.none()
    return Pilot.objects.filter(condition | Q(city_id__in=scope.staff_cities))


def payments_visible_to(user) -> QuerySet[Payment]:
    return Payment.objects.filter(pilot__in=pilots_confidential_to(user).values("pk"))


def pilot_files_visible_to(user) -> QuerySet[PilotFile]:
    return PilotFile.objects.filter(pilot__in=pilots_confidential_to(user).values("pk"))


def _agreement_confidential_q(scope: Scope) -> Q | None:
    if scope.anonymous:
        return None
    # The city itself is represented by its innovation managers; a unit by its staff.
    parties = AgreementParty.objects.filter(agreement_id=OuterRef("pk")).filter(
        Q(organization_id__in=scope.member_orgs) | Q(unit_id__in=scope.staff_units)
    )
    return Q(city_id__in=scope.manager_cities) | Q(Exists(parties))


def agreements_confidential_to(user) -> QuerySet[Agreement]:
    """Agreements whose signed documents (and value, when not public) `user` may see; also the
    drafts `user` may see."""
    condition = _agreement_confidential_q(confidential_scope(user))
    if condition is None:
        return Agreement.objects.none()
    return Agreement.objects.filter(condition)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """Every agreement `user` may see: the public register (signed and later) and the confidential set."""
    condition = _agreement_confidential_q(confidential_scope(user))
    public = Q(status__in=Agreement.PUBLIC_STATUSES)
    return Agreement.objects.filter(public if condition is None else public | condition)


def agreement_documents_visible_to(user) -> QuerySet[AgreementDocument]:
    return AgreementDocument.objects.filter(agreement__in=agreements_confidential_to(user).values("pk"))


def is_pilot_confidential_to(user, pilot) -> bool:
    return pilot is not None and pilots_confidential_to(user).filter(pk=pilot.pk).exists()


def is_agreement_confidential_to(user, agreement) -> bool:
    return agreement is not None and agreements_confidential_to(user).filter(pk=agreement.pk).exists()


# ------------------------------------------------------------------------------------------------
# Pilots
# ------------------------------------------------------------------------------------------------
def _pilot_related(qs: QuerySet[Pilot]) -> QuerySet[Pilot]:
    return qs.select_related("city", "unit", "call", "proposal").prefetch_related(
        Prefetch("parties", queryset=PilotParty.objects.select_related("organization"))
    )


def pilot_get_for(*, user, pk) -> Pilot:
    """The pilot if `user` may see its working pages, else 404 (existence is not public until it
    is completed, and then only its public summary)."""
    try:
        return _pilot_related(pilots_visible_to(user)).get(pk=pk)
    except (Pilot.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such pilot") from exc


def pilot_list_for(*, user, city=None, state: str = "") -> QuerySet[Pilot]:
    qs = pilots_visible_to(user)
    if city is not None:
        qs = qs.filter(city=city)
    if state:
        qs = qs.filter(state=state)
    return _pilot_related(qs).order_by("-created_at", "-pk")


def pilot_for_proposal(*, proposal) -> Pilot | None:
    return Pilot.objects.filter(proposal=proposal).first()


def awarded_without_pilot(*, user) -> QuerySet:
    """Awarded proposals of the cities `user` manages that have no pilot yet (where pilots start)."""
    cities = confidential_scope(user).manager_cities
    return (
        Proposal.objects.filter(decision=Proposal.Decision.AWARDED, city_id__in=cities, pilot__isnull=True)
        .select_related("call", "organization", "city")
        .order_by("-decided_at", "-pk")
    )


def kpis_with_measurements(*, pilot) -> list[Kpi]:
    """The pilot's KPIs, each with its measurements in date order (two queries)."""
    return list(
        pilot.kpis.prefetch_related(
            Prefetch(
                "measurements", queryset=Measurement.objects.select_related("evidence").order_by("measured_on", "pk")
            )
        ).order_by("position", "pk")
    )


def kpi_chart_data(kpi: Kpi) -> dict:
    """The numbers of one KPI's chart: measurement dates and values, the baseline and the target."""
    points = list(kpi.measurements.all())
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "unit": kpi.unit,
        "labels": [m.measured_on.isoformat() for m in points],
        "values": [float(m.value) for m in points],
        "baseline": float(kpi.baseline) if kpi.baseline is not None else None,
        "target": float(kpi.target) if kpi.target is not None else None,
    }


def milestones_of(*, pilot) -> list[Milestone]:
    return list(pilot.milestones.select_related("decided_by").order_by("due_date", "pk"))


def payments_of(*, pilot, user) -> list[Payment]:
    """The pilot's payments if `user` may see them (the confidential set), else []."""
    return list(payments_visible_to(user).filter(pilot=pilot).select_related("milestone").order_by("pk"))


def payment_totals(payments: list[Payment]) -> dict:
    return {
        "planned": sum(p.planned_rial for p in payments),
        "paid": sum(p.paid_rial or 0 for p in payments),
    }


def files_of(*, pilot, user) -> list[PilotFile]:
    return list(
        pilot_files_visible_to(user).filter(pilot=pilot).select_related("milestone").order_by("created_at", "pk")
    )


def pilot_file_get_for(*, user, pk) -> PilotFile:
    try:
        return pilot_files_visible_to(user).select_related("pilot").get(pk=pk)
    except (PilotFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such file") from exc


def log_of(*, pilot) -> list:
    return list(pilot.log_entries.select_related("created_by").order_by("status", "-created_at", "-pk"))


def final_report_of(*, pilot) -> FinalReport | None:
    return (
        FinalReport.objects.filter(pilot=pilot)
        .select_related("approved_by", "written_by")
        .prefetch_related(Prefetch("lines", queryset=FinalReportKpi.objects.select_related("kpi")))
        .first()
    )


def public_pilots(*, city=None, organization=None) -> QuerySet[Pilot]:
    """Completed pilots (public summaries)."""
    qs = Pilot.objects.filter(state=Pilot.State.COMPLETED)
    if city is not None:
        qs = qs.filter(city=city)
    if organization is not None:
        qs = qs.filter(parties__organization=organization)
    return _pilot_related(qs).order_by("-completed_at", "-pk")


def pilot_public_get(*, pk) -> Pilot:
    try:
        return _pilot_related(Pilot.objects.filter(state=Pilot.State.COMPLETED)).get(pk=pk)
    except (Pilot.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such pilot") from exc


def public_pilots_of_call(*, call) -> list[Pilot]:
    """The completed pilots of a call (linked from its public results)."""
    return list(Pilot.objects.filter(call=call, state=Pilot.State.COMPLETED).order_by("pk"))


def pilot_outcome(pilot) -> list[dict]:
    """The KPI outcome of a completed pilot from its approved final report: [{name, unit,
    baseline, target, achieved, met}] (uses prefetched ``final_report.lines`` when present)."""
    report = getattr(pilot, "final_report", None)
    if report is None or not report.is_approved:
        return []
    return [
        {
            "name": line.kpi.name,
            "unit": line.kpi.unit,
            "baseline": line.baseline,
            "target": line.target,
            "achieved": line.achieved,
            "met": line.target_met,
        }
        for line in report.lines.all()
    ]


def milestones_due(*, today: datetime.date, within_days: int = 7) -> QuerySet[Milestone]:
    """Not-yet-accepted milestones of running pilots due within `within_days` (reminders)."""
    return Milestone.objects.filter(
        pilot__state=Pilot.State.RUNNING,
        status__in=[Milestone.Status.PENDING, Milestone.Status.RETURNED, Milestone.Status.SUBMITTED],
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=within_days),
        due_soon_notified_at__isnull=True,
    ).select_related("pilot")


def milestones_overdue(*, today: datetime.date) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        pilot__state=Pilot.State.RUNNING,
        status__in=[Milestone.Status.PENDING, Milestone.Status.RETURNED],
        due_date__lt=today,
        overdue_notified_at__isnull=True,
    ).select_related("pilot")


def kpis_measurement_due(*, today: datetime.date) -> list[Kpi]:
    """KPIs of running pilots whose last measurement (or the pilot's first running day) is older than
    their interval and that were not reminded since."""
    kpis = (
        Kpi.objects.filter(pilot__state=Pilot.State.RUNNING)
        .select_related("pilot")
        .annotate(last=Max("measurements__measured_on"))
        .order_by("pk")
    )
    due = []
    for kpi in kpis:
        since = kpi.last or (kpi.pilot.running_since.date() if kpi.pilot.running_since else kpi.pilot.start_date)
        if since is None:
            continue
        if (today - since).days < kpi.measure_every_days:
            continue
        if kpi.reminded_at is not None and kpi.reminded_at.date() >= since:
            continue
        due.append(kpi)
    return due


def pilot_participant_users(*, pilot, include_parties: bool = True, include_unit: bool = True) -> list:
    """The users to notify about a pilot: its city's managers, its unit's staff and the members of
    its party organizations."""
    condition = Q(city_roles__city_id=pilot.city_id, city_roles__role=CityRole.Role.INNOVATION_MANAGER)
    if include_unit:
        condition |= Q(city_roles__unit_id=pilot.unit_id, city_roles__role=CityRole.Role.UNIT_STAFF)
    if include_parties:
        condition |= Q(memberships__organization__pilot_parties__pilot_id=pilot.pk)
    return list(get_user_model().objects.filter(condition, is_active=True).distinct())


def pilot_export_rows(*, user, city) -> list[dict]:
    """A city's pilots for its managers' CSV/Excel export (budgets and payments included: the
    export is asked through the confidential set)."""
    pilots = (
        pilots_confidential_to(user)
        .filter(city=city)
        .select_related("unit", "call")
        .prefetch_related(Prefetch("parties", queryset=PilotParty.objects.select_related("organization")))
        .annotate(planned=Sum("payments__planned_rial"), paid=Sum("payments__paid_rial"))
        .order_by("pk")
    )
    return [
        {
            "id": p.pk,
            "title": p.title,
            "state": p.get_state_display(),
            "unit": p.unit.name,
            "call": p.call.title,
            "parties": "، ".join(x.organization.display_name for x in p.parties.all()),
            "start_date": p.start_date,
            "end_date": p.end_date,
            "approved_budget_rial": p.approved_budget_rial,
            "planned_rial": p.planned or 0,
            "paid_rial": p.paid or 0,
            "completed_at": p.completed_at,
        }
        for p in pilots
    ]


# ------------------------------------------------------------------------------------------------
# Agreements
# ------------------------------------------------------------------------------------------------
def _agreement_related(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return qs.select_related("city", "pilot", "call").prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization", "unit", "agreement__city"))
    )


def agreement_get_for(*, user, pk) -> Agreement:
    try:
        return _agreement_related(agreements_visible_to(user)).get(pk=pk)
    except (Agreement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such agreement") from exc


def agreement_register(*, city, kind: str = "") -> QuerySet[Agreement]:
    """The public register of a city: agreements signed or later."""
    qs = Agreement.objects.filter(city=city, status__in=Agreement.PUBLIC_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    return _agreement_related(qs).order_by("-signed_on", "-pk")


def agreement_list_for(*, user, city=None, status: str = "") -> QuerySet[Agreement]:
    qs = agreements_visible_to(user)
    if city is not None:
        qs = qs.filter(city=city)
    if status:
        qs = qs.filter(status=status)
    return _agreement_related(qs).order_by("-created_at", "-pk")


def agreement_document_get_for(*, user, pk) -> AgreementDocument:
    try:
        return agreement_documents_visible_to(user).select_related("agreement").get(pk=pk)
    except (AgreementDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such document") from exc


def public_agreements_of_organization(*, organization) -> QuerySet[Agreement]:
    return _agreement_related(
        Agreement.objects.filter(status__in=Agreement.PUBLIC_STATUSES, parties__organization=organization).distinct()
    ).order_by("-signed_on", "-pk")


def agreement_value_shown(agreement: Agreement, *, confidential: bool) -> int | None:
    """The value to show: always to the confidential set, to others only when public."""
    if confidential or agreement.value_public:
        return agreement.value_rial
    return None


def agreement_party_users(*, agreement) -> list:
    condition = Q(city_roles__city_id=agreement.city_id, city_roles__role=CityRole.Role.INNOVATION_MANAGER)
    condition |= Q(memberships__organization__agreement_parties__agreement_id=agreement.pk)
    return list(get_user_model().objects.filter(condition, is_active=True).distinct())


def agreement_export_rows(*, user, city) -> list[dict]:
    confidential = set(agreements_confidential_to(user).filter(city=city).values_list("pk", flat=True))
    rows = []
    for a in agreement_list_for(user=user, city=city).order_by("pk"):
        rows.append(
            {
                "id": a.pk,
                "title": a.title,
                "kind": a.get_kind_display(),
                "status": a.get_status_display(),
                "parties": "، ".join(p.display_name for p in a.parties.all()),
                "signed_on": a.signed_on,
                "duration_months": a.duration_months,
                "value_rial": agreement_value_shown(a, confidential=a.pk in confidential),
                "value_public": a.value_public,
                "pilot": a.pilot_id,
                "call": a.call_id,
            }
        )
    return rows


# ------------------------------------------------------------------------------------------------
# Track record (the organization's public profile and the matching signal)
# ------------------------------------------------------------------------------------------------
def track_record_counts(organization_ids=None) -> dict[int, dict[str, int]]:
    """Per organization: completed pilots and active or completed agreements (public facts)."""
    result: dict[int, dict[str, int]] = {}
    pilots = PilotParty.objects.filter(pilot__state=Pilot.State.COMPLETED)
    agreements = AgreementParty.objects.filter(
        organization__isnull=False, agreement__status__in=[Agreement.Status.ACTIVE, Agreement.Status.COMPLETED]
    )
    if organization_ids is not None:
        ids = list(organization_ids)
        pilots = pilots.filter(organization_id__in=ids)
        agreements = agreements.filter(organization_id__in=ids)
    for row in pilots.values("organization_id").annotate(n=Count("pilot_id", distinct=True)):
        result.setdefault(row["organization_id"], {"pilots": 0, "agreements": 0})["pilots"] = row["n"]
    for row in agreements.values("organization_id").annotate(n=Count("agreement_id", distinct=True)):
        result.setdefault(row["organization_id"], {"pilots": 0, "agreements": 0})["agreements"] = row["n"]
    return result


def track_record_totals(organization_ids=None) -> dict[int, int]:
    """The matching engine's track-record contribution: completed pilots plus active or completed
    agreements, per organization."""
    return {org_id: c["pilots"] + c["agreements"] for org_id, c in track_record_counts(organization_ids).items()}


def track_record_lines(organization_ids) -> dict[int, list[str]]:
    """For the match explanation: per organization, its completed pilots (with the city and how
    many KPI targets were met) and its active or completed agreements, by name (three queries)."""
    ids = list(organization_ids)
    lines: dict[int, list[str]] = {}
    parties = (
        PilotParty.objects.filter(organization_id__in=ids, pilot__state=Pilot.State.COMPLETED)
        .select_related("pilot", "pilot__city")
        .order_by("-pilot__completed_at", "-pk")
    )
    parties = list(parties)
    reports = {
        r.pilot_id: r
        for r in FinalReport.objects.filter(
            pilot_id__in=[p.pilot_id for p in parties], status=FinalReport.Status.APPROVED
        ).prefetch_related("lines")
    }
    for party in parties:
        report = reports.get(party.pilot_id)
        met = [line.target_met for line in report.lines.all()] if report else []
        text = _("Completed pilot “%(title)s” in %(city)s") % {
            "title": party.pilot.title,
            "city": party.pilot.city.name,
        }
        if met:
            text += " · " + _("%(met)s of %(n)s KPI targets met") % {"met": sum(1 for m in met if m), "n": len(met)}
        lines.setdefault(party.organization_id, []).append(text)
    agreement_parties = (
        AgreementParty.objects.filter(
            organization_id__in=ids, agreement__status__in=[Agreement.Status.ACTIVE, Agreement.Status.COMPLETED]
        )
        .select_related("agreement")
        .order_by("-agreement__signed_on", "-pk")
    )
    for party in agreement_parties:
        a = party.agreement
        lines.setdefault(party.organization_id, []).append(
            _("%(kind)s “%(title)s” (%(status)s)")
            % {"kind": a.get_kind_display(), "title": a.title, "status": a.get_status_display()}
        )
    return lines


def organization_profile_section(organization) -> dict | None:
    """The track record on an organization's public profile: its completed pilots with their KPI
    outcome and its public agreements (signed or later)."""
    pilots = list(
        public_pilots(organization=organization).prefetch_related(
            Prefetch("final_report", queryset=FinalReport.objects.prefetch_related("lines__kpi"))
        )
    )
    for pilot in pilots:
        pilot.outcome = pilot_outcome(pilot)
    agreements = list(public_agreements_of_organization(organization=organization))
    if not pilots and not agreements:
        return None
    return {"template": "pilots/_track_record.html", "context": {"pilots": pilots, "agreements": agreements}}


def call_result_links(call) -> list[dict]:
    """Links from a call's public results to the summaries of its completed pilots."""
    return [
        {"label": p.title, "url": reverse("pilots:pilot_summary", args=[p.pk])}
        for p in public_pilots_of_call(call=call)
    ]


def track_record_titles(organization_id: int, limit: int = 3) -> dict[str, list[str]]:
    """The titles of an organization's completed pilots and active/completed agreements (for the
    match explanation)."""
    pilots = list(
        Pilot.objects.filter(state=Pilot.State.COMPLETED, parties__organization_id=organization_id)
        .order_by("-completed_at", "-pk")
        .values_list("title", flat=True)[:limit]
    )
    agreements = list(
        Agreement.objects.filter(
            status__in=[Agreement.Status.ACTIVE, Agreement.Status.COMPLETED], parties__organization_id=organization_id
        )
        .distinct()
        .order_by("-signed_on", "-pk")
        .values_list("title", flat=True)[:limit]
    )
    return {"pilots": pilots, "agreements": agreements}


def navigation_entries(request, flags) -> list[dict]:
    """ "Pilots" in the main navigation (order 85) for the cities' innovation managers and unit staff
    and for members of an organization (flag ``has_org``)."""
    user = request.user
    if not user.is_authenticated:
        return []
    roles = {r.role for r in roles_of(user)}
    if flags.get("has_org") or roles & {CityRole.Role.INNOVATION_MANAGER, CityRole.Role.UNIT_STAFF}:
        return [{"label": pgettext("menu", "Pilots"), "url": reverse("pilots:pilot_list"), "group": "work"}]
    return []
