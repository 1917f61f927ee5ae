"""Pages of pilots and agreements. Views parse the request, ask ``pilots.rules``, call one service
or selector, and render. A pilot or an agreement the user may not see is a 404; a step the user may
not take is a 403; a step the state forbids (``services.Refused``) or bad input re-renders the page
with the reasons and status 409 / 400, keeping what was typed."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from hamafza.core import selectors as core_selectors
from hamafza.core.models import Unit
from hamafza.pilots import forms, selectors, services
from hamafza.pilots.models import (
    Agreement,
    AgreementMilestone,
    AgreementParty,
    LogEntry,
    Milestone,
    Obligation,
    Payment,
    Pilot,
)
from hamafza.pilots.rules import can
from hamafza.proposals.attachments import CONTENT_TYPES
from hamafza.proposals.models import Proposal

PAGE_SIZE = 25


def _errors_of(exc) -> list[str]:
    if isinstance(exc, services.Refused):
        return exc.reasons
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _status_of(exc) -> int:
    return 409 if isinstance(exc, services.Refused) else 400


def _require(request, perm, obj) -> None:
    if not can(request.user, perm, obj):
        raise PermissionDenied(perm)


# ------------------------------------------------------------------------------------------------
# Pilot pages
# ------------------------------------------------------------------------------------------------
def _pilot_context(request, pilot: Pilot, **extra) -> dict:
    """Everything the pilot page shows, in a fixed number of queries; the confidential parts only
    when the one visibility selector allows them."""
    user = request.user
    confidential = can(user, "pilots.view_pilot_confidential", pilot)
    kpis = selectors.kpis_with_measurements(pilot=pilot)
    files = selectors.files_of(pilot=pilot, user=user) if confidential else []
    payments = selectors.payments_of(pilot=pilot, user=user) if confidential else []
    milestones = selectors.milestones_of(pilot=pilot)
    today = services._today()
    for m in milestones:
        m.overdue = m.is_overdue(today)
    manage = can(user, "pilots.manage_pilot", pilot)
    context = {
        "pilot": pilot,
        "confidential": confidential,
        "kpis": kpis,
        "charts": [selectors.kpi_chart_data(k) for k in kpis],
        "milestones": milestones,
        "payments": payments,
        "totals": selectors.payment_totals(payments),
        "files": files,
        "log": selectors.log_of(pilot=pilot),
        "report": selectors.final_report_of(pilot=pilot),
        "transitions": list(pilot.transitions.select_related("by")),
        "agreements": list(pilot.agreements.all()),
        "can_manage": manage and pilot.is_open,
        "is_manager": manage,
        "can_measure": can(user, "pilots.record_measurement", pilot) and pilot.state in ("running", "paused"),
        "can_review": can(user, "pilots.review_milestone", pilot),
        "can_submit": can(user, "pilots.submit_milestone", pilot) and pilot.state == "running",
        "can_upload": can(user, "pilots.upload_file", pilot),
        "can_log": can(user, "pilots.log_entry", pilot) and pilot.is_open,
        "can_report": can(user, "pilots.write_final_report", pilot) and pilot.state in ("running", "paused"),
        "next_states": [s for s in Pilot.State.values if s in services.PILOT_TRANSITIONS[pilot.state]],
        "state_labels": dict(Pilot.State.choices),
        "measurement_form": forms.MeasurementForm(files_qs=selectors.pilot_files_visible_to(user).filter(pilot=pilot)),
        "milestone_form": forms.MilestoneForm(),
        "payment_form": forms.PaymentForm(milestones=pilot.milestones.all()),
        "file_form": forms.PilotFileForm(),
        "log_form": forms.LogEntryForm(),
        "transition_form": forms.TransitionForm(),
        "scale_up_form": forms.ScaleUpForm(),
        "log_kinds": LogEntry.Kind,
    }
    context.update(extra)
    return context


def _render_pilot(request, pilot, status=200, **extra):
    return render(request, "pilots/pilot_detail.html", _pilot_context(request, pilot, **extra), status=status)


def _pilot_refused(request, pilot, exc, **extra):
    return _render_pilot(request, pilot, status=_status_of(exc), errors=_errors_of(exc), **extra)


@login_required
def pilot_list(request):
    """The pilots the user may see, and for a manager the awarded proposals waiting for a pilot."""
    state = request.GET.get("state", "")
    if state and state not in Pilot.State.values:
        return render(request, "400.html", status=400)
    paginator = Paginator(selectors.pilot_list_for(user=request.user, state=state), PAGE_SIZE)
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        return render(request, "400.html", status=400)
    if page_number < 1 or page_number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    managed = sorted(selectors.confidential_scope(request.user).manager_cities)
    return render(
        request,
        "pilots/pilot_list.html",
        {
            "page": paginator.get_page(page_number),
            "state": state,
            "states": Pilot.State.choices,
            "awaiting": list(selectors.awarded_without_pilot(user=request.user)[:50]),
            "managed_cities": list(core_selectors.city_list().filter(pk__in=managed)),
        },
    )


def _proposal_for_start(request, proposal_id):
    proposal = Proposal.objects.select_related("call", "call__canvas", "organization", "city").filter(pk=proposal_id)
    proposal = proposal.first()
    if proposal is None or not can(request.user, "pilots.start_pilot", proposal):
        raise Http404("No such proposal")
    return proposal


@login_required
def pilot_start(request, proposal_id):
    proposal = _proposal_for_start(request, proposal_id)
    units = Unit.objects.filter(city_id=proposal.city_id).order_by("name_fa")
    canvas = getattr(proposal.call, "canvas", None)
    default_unit = (canvas.pilot_unit_id if canvas else None) or proposal.call.unit_id
    form = forms.StartPilotForm(
        request.POST or None, units=units, initial={"unit": default_unit, "title": proposal.title}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pilot = services.pilot_start(
                    proposal=proposal, by=request.user, unit=form.cleaned_data["unit"], title=form.cleaned_data["title"]
                )
            except services.Refused as exc:
                form.add_error(None, exc.reasons)
                status = 409
            else:
                messages.success(request, _("The pilot was started. Plan its dates, budget and milestones."))
                return redirect("pilots:pilot_detail", pk=pilot.pk)
        else:
            status = 400
    return render(request, "pilots/pilot_start.html", {"proposal": proposal, "form": form}, status=status)


def pilot_detail(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    return _render_pilot(request, pilot)


@login_required
def pilot_plan(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    units = Unit.objects.filter(city_id=pilot.city_id).order_by("name_fa")
    initial = {f: getattr(pilot, f) for f in services.PLAN_FIELDS}
    form = forms.PlanForm(request.POST or None, units=units, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pilot_update_plan(pilot=pilot, by=request.user, **form.cleaned_data)
            except (services.Refused, ValidationError) as exc:
                form.add_error(None, _errors_of(exc))
                status = _status_of(exc)
            else:
                return redirect("pilots:pilot_detail", pk=pilot.pk)
        else:
            status = 400
    return render(request, "pilots/pilot_form.html", {"pilot": pilot, "form": form, "kind": "plan"}, status=status)


@login_required
def kpi_edit(request, pk, kpi_id=None):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    kpi = None
    if kpi_id is not None:
        kpi = pilot.kpis.filter(pk=kpi_id).first()
        if kpi is None:
            raise Http404("No such KPI")
    initial = {f: getattr(kpi, f) for f in services.KPI_FIELDS} if kpi else {}
    form = forms.KpiForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.kpi_save(pilot=pilot, by=request.user, kpi=kpi, **form.cleaned_data)
            except (services.Refused, ValidationError) as exc:
                form.add_error(None, _errors_of(exc))
                status = _status_of(exc)
            else:
                return redirect("pilots:pilot_detail", pk=pilot.pk)
        else:
            status = 400
    return render(request, "pilots/pilot_form.html", {"pilot": pilot, "form": form, "kind": "kpi"}, status=status)


@login_required
@require_POST
def measurement_add(request, pk, kpi_id):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    kpi = pilot.kpis.filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404("No such KPI")
    _require(request, "pilots.record_measurement", pilot)
    form = forms.MeasurementForm(
        request.POST, files_qs=selectors.pilot_files_visible_to(request.user).filter(pilot=pilot)
    )
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, measurement_form=form, form_kpi=kpi.pk)
    try:
        services.measurement_record(kpi=kpi, by=request.user, **form.cleaned_data)
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc, measurement_form=form, form_kpi=kpi.pk)
    messages.success(request, _("The measurement was recorded."))
    return redirect(f"{pilot_url(pilot)}#kpi-{kpi.pk}")


def pilot_url(pilot) -> str:
    return reverse("pilots:pilot_detail", args=[pilot.pk])


@login_required
@require_POST
def milestone_add(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    form = forms.MilestoneForm(request.POST)
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, milestone_form=form)
    try:
        services.milestone_save(pilot=pilot, by=request.user, **form.cleaned_data)
    except (services.Refused, ValidationError) as exc:
        return _pilot_refused(request, pilot, exc, milestone_form=form)
    return redirect(f"{pilot_url(pilot)}#milestones")


def _milestone_of(pilot, milestone_id) -> Milestone:
    milestone = pilot.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404("No such milestone")
    return milestone


@login_required
@require_POST
def milestone_submit(request, pk, milestone_id):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    milestone = _milestone_of(pilot, milestone_id)
    _require(request, "pilots.submit_milestone", pilot)
    try:
        services.milestone_submit(milestone=milestone, by=request.user)
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc)
    return redirect(f"{pilot_url(pilot)}#milestone-{milestone.pk}")


@login_required
@require_POST
def milestone_review(request, pk, milestone_id):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    milestone = _milestone_of(pilot, milestone_id)
    _require(request, "pilots.review_milestone", pilot)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, errors=[str(e) for e in form.errors.values()])
    try:
        services.milestone_review(
            milestone=milestone,
            by=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc)
    return redirect(f"{pilot_url(pilot)}#milestone-{milestone.pk}")


@login_required
@require_POST
def payment_save(request, pk, payment_id=None):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    payment = None
    if payment_id is not None:
        payment = Payment.objects.filter(pk=payment_id, pilot=pilot).first()
        if payment is None:
            raise Http404("No such payment")
    form = forms.PaymentForm(request.POST, milestones=pilot.milestones.all())
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, payment_form=form)
    try:
        services.payment_save(pilot=pilot, by=request.user, payment=payment, **form.cleaned_data)
    except (services.Refused, ValidationError) as exc:
        return _pilot_refused(request, pilot, exc, payment_form=form)
    return redirect(f"{pilot_url(pilot)}#payments")


@login_required
@require_POST
def file_upload(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.upload_file", pilot)
    form = forms.PilotFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.pilot_file_add(
                pilot=pilot,
                by=request.user,
                upload=form.cleaned_data["file"],
                purpose=form.cleaned_data["purpose"],
                title=form.cleaned_data["title"],
            )
        except (services.Refused, ValidationError) as exc:
            for message in _errors_of(exc):
                form.add_error("file", message)
        else:
            return redirect(f"{pilot_url(pilot)}#files")
    return _render_pilot(request, pilot, status=400, file_form=form)


def _private_download(stored, content_kind: str, name: str):
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("File missing") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(content_kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def file_download(request, file_id):
    """The only way to read a pilot's file: through the one visibility selector."""
    f = selectors.pilot_file_get_for(user=request.user, pk=file_id)
    return _private_download(f.file, f.content_kind, f.original_name)


@login_required
@require_POST
def log_add(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.log_entry", pilot)
    form = forms.LogEntryForm(request.POST)
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, log_form=form)
    try:
        services.log_entry_add(pilot=pilot, by=request.user, **form.cleaned_data)
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc, log_form=form)
    return redirect(f"{pilot_url(pilot)}#log")


@login_required
@require_POST
def log_close(request, pk, entry_id):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    entry = pilot.log_entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    _require(request, "pilots.log_entry", pilot)
    try:
        services.log_entry_close(entry=entry, by=request.user, mitigation=request.POST.get("mitigation", "")[:5000])
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc)
    return redirect(f"{pilot_url(pilot)}#log")


@login_required
def final_report(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.write_final_report", pilot)
    report = selectors.final_report_of(pilot=pilot)
    kpis = list(pilot.kpis.all())
    initial = {}
    if report is not None:
        initial = {"outcome": report.outcome, "lessons": report.lessons, "recommendation": report.recommendation}
        initial.update({f"achieved_{line.kpi_id}": line.achieved for line in report.lines.all()})
    form = forms.FinalReportForm(request.POST or None, kpis=kpis, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.final_report_save(
                    pilot=pilot,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    lessons=form.cleaned_data["lessons"],
                    recommendation=form.cleaned_data["recommendation"],
                    achieved=form.achieved(),
                )
            except (services.Refused, ValidationError) as exc:
                form.add_error(None, _errors_of(exc))
                status = _status_of(exc)
            else:
                return redirect(f"{pilot_url(pilot)}#report")
        else:
            status = 400
    return render(request, "pilots/pilot_form.html", {"pilot": pilot, "form": form, "kind": "report"}, status=status)


@login_required
@require_POST
def final_report_approve(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.approve_final_report", pilot)
    try:
        services.final_report_approve(pilot=pilot, by=request.user)
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc)
    return redirect(f"{pilot_url(pilot)}#report")


@login_required
@require_POST
def pilot_transition(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, transition_form=form)
    try:
        services.pilot_transition(pilot=pilot, by=request.user, **form.cleaned_data)
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc, transition_form=form)
    return redirect("pilots:pilot_detail", pk=pilot.pk)


@login_required
@require_POST
def pilot_scale_up(request, pk):
    pilot = selectors.pilot_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_pilot", pilot)
    form = forms.ScaleUpForm(request.POST)
    if not form.is_valid():
        return _render_pilot(request, pilot, status=400, scale_up_form=form)
    try:
        agreement = services.agreement_from_pilot(pilot=pilot, by=request.user, kind=form.cleaned_data["kind"])
    except services.Refused as exc:
        return _pilot_refused(request, pilot, exc)
    return redirect("pilots:agreement_detail", pk=agreement.pk)


def pilot_summary(request, pk):
    """The public summary of a completed pilot: parties, KPI outcome, lessons and recommendation;
    never the budget, payments or files."""
    pilot = selectors.pilot_public_get(pk=pk)
    report = selectors.final_report_of(pilot=pilot)
    kpis = selectors.kpis_with_measurements(pilot=pilot)
    return render(
        request,
        "pilots/pilot_summary.html",
        {
            "pilot": pilot,
            "report": report if report is not None and report.is_approved else None,
            "kpis": kpis,
            "charts": [selectors.kpi_chart_data(k) for k in kpis],
            "agreements": list(pilot.agreements.filter(status__in=Agreement.PUBLIC_STATUSES)),
        },
    )


# ------------------------------------------------------------------------------------------------
# Exports of a city's pilots and agreements (its managers)
# ------------------------------------------------------------------------------------------------
PILOT_EXPORT = [
    "id",
    "title",
    "state",
    "unit",
    "call",
    "parties",
    "start_date",
    "end_date",
    "approved_budget_rial",
    "planned_rial",
    "paid_rial",
    "completed_at",
]
AGREEMENT_EXPORT = [
    "id",
    "title",
    "kind",
    "status",
    "parties",
    "signed_on",
    "duration_months",
    "value_rial",
    "value_public",
    "pilot",
    "call",
]


def _cell(value):
    """Dates as ISO text; spreadsheet formulas in user text neutralised (CSV/formula injection)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def tabular_response(*, headers: list[str], rows: list[dict], fmt: str, filename: str, sheet: str) -> HttpResponse:
    table = [[_cell(row[h]) for h in headers] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Persian text correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(table)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(headers)
        for row in table:
            worksheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def city_export(request, city_slug, what, fmt):
    city = core_selectors.city_get(slug=city_slug)
    if not can(request.user, "pilots.export", city):
        raise Http404
    if what == "pilots":
        rows = selectors.pilot_export_rows(user=request.user, city=city)
        return tabular_response(
            headers=PILOT_EXPORT, rows=rows, fmt=fmt, filename=f"{city.slug}-pilots", sheet="pilots"
        )
    rows = selectors.agreement_export_rows(user=request.user, city=city)
    return tabular_response(
        headers=AGREEMENT_EXPORT, rows=rows, fmt=fmt, filename=f"{city.slug}-agreements", sheet="agreements"
    )


# ------------------------------------------------------------------------------------------------
# Agreements
# ------------------------------------------------------------------------------------------------
def agreement_register(request, city_slug):
    """The public register of a city's agreements (signed and later)."""
    city = core_selectors.city_get(slug=city_slug)
    kind = request.GET.get("kind", "")
    if kind and kind not in Agreement.Kind.values:
        return render(request, "400.html", status=400)
    paginator = Paginator(selectors.agreement_register(city=city, kind=kind), PAGE_SIZE)
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        return render(request, "400.html", status=400)
    if page_number < 1 or page_number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    is_manager = can(request.user, "pilots.add_agreement", city)
    return render(
        request,
        "pilots/agreement_register.html",
        {
            "city": city,
            "page": paginator.get_page(page_number),
            "kind": kind,
            "kinds": Agreement.Kind.choices,
            "is_manager": is_manager,
            "drafts": list(selectors.agreement_list_for(user=request.user, city=city, status="draft"))
            if is_manager
            else [],
            "public_pilots": list(selectors.public_pilots(city=city)[:20]),
        },
    )


def _agreement_context(request, agreement, **extra) -> dict:
    user = request.user
    confidential = can(user, "pilots.view_agreement_confidential", agreement)
    manage = can(user, "pilots.manage_agreement", agreement)
    context = {
        "agreement": agreement,
        "confidential": confidential,
        "value": selectors.agreement_value_shown(agreement, confidential=confidential),
        "parties": list(agreement.parties.all()),
        "obligations": list(agreement.obligations.select_related("party", "party__organization", "party__unit")),
        "milestones": list(agreement.milestones.all()),
        "documents": list(selectors.agreement_documents_visible_to(user).filter(agreement=agreement))
        if confidential
        else [],
        "transitions": list(agreement.transitions.select_related("by")) if confidential else [],
        "can_manage": manage,
        "can_update_obligations": can(user, "pilots.update_obligation", agreement)
        and agreement.status in ("signed", "active"),
        "is_draft": agreement.status == Agreement.Status.DRAFT,
        "next_states": [s for s in Agreement.Status.values if s in services.AGREEMENT_TRANSITIONS[agreement.status]],
        "state_labels": dict(Agreement.Status.choices),
        "party_form": forms.PartyForm(city=agreement.city),
        "obligation_form": forms.ObligationForm(agreement=agreement),
        "milestone_form": forms.AgreementMilestoneForm(),
        "document_form": forms.DocumentForm(),
        "transition_form": forms.AgreementTransitionForm(),
        "obligation_statuses": Obligation.Status.choices,
    }
    context.update(extra)
    return context


def _render_agreement(request, agreement, status=200, **extra):
    return render(
        request, "pilots/agreement_detail.html", _agreement_context(request, agreement, **extra), status=status
    )


def agreement_detail(request, pk):
    agreement = selectors.agreement_get_for(user=request.user, pk=pk)
    return _render_agreement(request, agreement)


@login_required
def agreement_create(request, city_slug):
    city = core_selectors.city_get(slug=city_slug)
    _require(request, "pilots.add_agreement", city)
    form = forms.AgreementForm(request.POST or None, city=city)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement = services.agreement_create(city=city, by=request.user, **form.cleaned_data)
            except (services.Refused, ValidationError) as exc:
                form.add_error(None, _errors_of(exc))
                status = _status_of(exc)
            else:
                return redirect("pilots:agreement_detail", pk=agreement.pk)
        else:
            status = 400
    return render(request, "pilots/agreement_form.html", {"city": city, "form": form}, status=status)


@login_required
def agreement_edit(request, pk):
    agreement = selectors.agreement_get_for(user=request.user, pk=pk)
    _require(request, "pilots.manage_agreement", agreement)
    initial = {f: getattr(agreement, f) for f in services.AGREEMENT_FIELDS}
    form = forms.AgreementForm(request.POST or None, city=agreement.city, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agreement_update(agreement=agreement, by=request.user, **form.cleaned_data)
            except (services.Refused, ValidationError) as exc:
                form.add_error(None, _errors_of(exc))
                status = _status_of(exc)
            else:
                return redirect("pilots:agreement_detail", pk=agreement.pk)
        else:
            status = 400
    return render(
        request,
        "pilots/agreement_form.html",
        {"city": agreement.city, "form": form, "agreement": agreement},
        status=status,
    )


def _agreement_step(request, pk, perm, form_class, form_name, run, anchor):
    """A POST step on an agreement: form → service → redirect, or the page again with the reasons."""
    agreement = selectors.agreement_get_for(user=request.user, pk=pk)
    _require(request, perm, agreement)
    form = form_class(request.POST, request.FILES) if form_class is not None else None
    if form is not None and not form.is_valid():
        return _render_agreement(request, agreement, status=400, **{form_name: form})
    try:
        run(agreement, form.cleaned_data if form is not None else {})
    except (services.Refused, ValidationError) as exc:
        extra = {form_name: form} if form is not None else {}
        return _render_agreement(request, agreement, status=_status_of(exc), errors=_errors_of(exc), **extra)
    return redirect(reverse("pilots:agreement_detail", args=[agreement.pk]) + anchor)


def _bound(form_class, **kwargs):
    """A form class with constructor arguments bound (for ``_agreement_step``)."""

    def make(*args):
        return form_class(*args, **kwargs)

    return make


@login_required
@require_POST
def agreement_party_add(request, pk):
    agreement = selectors.agreement_get_for(user=request.user, pk=pk)
    return _agreement_step(
        request,
        pk,
        "pilots.manage_agreement",
        _bound(forms.PartyForm, city=agreement.city),
        "party_form",
        lambda a, data: services.agreement_party_add(agreement=a, by=request.user, **data),
        "#parties",
    )


@login_required
@require_POST
def agreement_party_remove(request, pk, party_id):
    def run(agreement, _data):
        party = AgreementParty.objects.filter(pk=party_id, agreement=agreement).first()
        if party is None:
            raise Http404("No such party")
        services.agreement_party_remove(party=party, by=request.user)

    return _agreement_step(request, pk, "pilots.manage_agreement", None, "", run, "#parties")


@login_required
@require_POST
def obligation_add(request, pk):
    agreement = selectors.agreement_get_for(user=request.user, pk=pk)
    return _agreement_step(
        request,
        pk,
        "pilots.manage_agreement",
        _bound(forms.ObligationForm, agreement=agreement),
        "obligation_form",
        lambda a, data: services.obligation_save(agreement=a, by=request.user, **data),
        "#obligations",
    )


@login_required
@require_POST
def obligation_status(request, pk, obligation_id):
    def run(agreement, data):
        obligation = (
            Obligation.objects.filter(pk=obligation_id, agreement=agreement).select_related("agreement").first()
        )
        if obligation is None:
            raise Http404("No such obligation")
        services.obligation_set_status(obligation=obligation, by=request.user, status=data["status"])

    return _agreement_step(
        request, pk, "pilots.update_obligation", forms.ObligationStatusForm, "obligation_form", run, "#obligations"
    )


@login_required
@require_POST
def agreement_milestone_add(request, pk):
    return _agreement_step(
        request,
        pk,
        "pilots.manage_agreement",
        forms.AgreementMilestoneForm,
        "milestone_form",
        lambda a, data: services.agreement_milestone_save(agreement=a, by=request.user, **data),
        "#milestones",
    )


@login_required
@require_POST
def agreement_milestone_done(request, pk, milestone_id):
    def run(agreement, _data):
        milestone = AgreementMilestone.objects.filter(pk=milestone_id, agreement=agreement).first()
        if milestone is None:
            raise Http404("No such milestone")
        services.agreement_milestone_done(milestone=milestone, by=request.user)

    return _agreement_step(request, pk, "pilots.manage_agreement", None, "", run, "#milestones")


@login_required
@require_POST
def agreement_document_upload(request, pk):
    def run(agreement, data):
        services.agreement_document_add(agreement=agreement, by=request.user, upload=data["file"], title=data["title"])

    return _agreement_step(
        request, pk, "pilots.manage_agreement", forms.DocumentForm, "document_form", run, "#documents"
    )


@never_cache
def agreement_document_download(request, document_id):
    """A signed document: only the parties and the city's managers (the one visibility selector)."""
    document = selectors.agreement_document_get_for(user=request.user, pk=document_id)
    return _private_download(document.file, document.content_kind, document.original_name)


@login_required
@require_POST
def agreement_transition(request, pk):
    return _agreement_step(
        request,
        pk,
        "pilots.manage_agreement",
        forms.AgreementTransitionForm,
        "transition_form",
        lambda a, data: services.agreement_transition(agreement=a, by=request.user, **data),
        "",
    )
