"""Writes for needs, canvases and calls. Every state change happens here: each service checks the
permission (django-rules, see challenges.rules), runs in a transaction, leaves an audit trail
(django-simple-history rows, plus CallTransition rows for the call's state machine) and sends the
notifications it implies.

Errors: ``PermissionDenied`` when the user may not act, ``TransitionRefused`` (a 403 with reasons)
when the state machine forbids a step, ``ValidationError`` for bad data, ``CanvasConflict`` when
someone else saved the canvas first.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.challenges import eligible_calls
from hamafza.challenges.completeness import canvas_completeness
from hamafza.challenges.models import (
    Call,
    CallFollow,
    CallQuestion,
    CallResult,
    CallTransition,
    CallType,
    Canvas,
    CanvasComment,
    CanvasVersion,
    EvaluationCriterion,
    Need,
    NeedAttachment,
    Notification,
    NotificationPreference,
)
from hamafza.challenges.notifications import KINDS, notify
from hamafza.core import errors, uploads
from hamafza.core.dates import date_problem
from hamafza.core.formatting import format_date
from hamafza.core.text import normalize
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.selectors import membership_get

State = Call.State

INVITEE_NEEDED = gettext_lazy("An invited call needs at least one invited organization.")


class TransitionRefused(errors.Refused):
    """A step of the state machine that is not allowed now; `reasons` say why (shown to the user)."""

    code = "transition_refused"


class CanvasConflict(Exception):
    """The canvas was saved by someone else after the version the editor started from."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        super().__init__(f"canvas {canvas.pk} is at version {canvas.version}")


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _need_url(need: Need) -> str:
    return reverse("challenges:need_detail", args=[need.city.slug, need.pk])


def _call_url(call: Call) -> str:
    return reverse("challenges:call_detail", args=[call.pk])


def _followers(call: Call):
    return [f.user for f in CallFollow.objects.filter(call=call).select_related("user")]


# --------------------------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------------------------
NEED_FIELDS = ("title", "description", "domain", "urgency", "affected_people", "location", "unit")


@transaction.atomic
def need_save_draft(
    *, by, city=None, need: Need | None = None, source: str = Need.Source.UNIT, capabilities=None, **fields
) -> Need:
    """Create or update a draft need as typed (no field is required yet): nothing typed is lost.

    Unit staff write needs for their own unit(s); any signed-in user may write a citizen report.
    Only drafts can be changed, by their submitter or staff of the same unit.
    """
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if need is None:
        if source == Need.Source.CITIZEN:
            _require(by, "challenges.report_problem", city)
            fields.pop("unit", None)
        else:
            _require(by, "challenges.submit_need", city)
        need = Need(city=city, source=source, submitted_by=by)
    else:
        _require(by, "challenges.change_need", need)
    if need.source == Need.Source.UNIT and "unit" in fields:
        unit = fields["unit"]
        own_units = {r.unit_id for r in by.city_roles.filter(city=need.city, role=CityRole.Role.UNIT_STAFF)}
        if unit is not None and (unit.city_id != need.city_id or unit.pk not in own_units):
            raise PermissionDenied("not your unit")
    for name, value in fields.items():
        if isinstance(value, str):
            value = normalize(value) if name == "title" else value.strip()
        setattr(need, name, value)
    if need.source == Need.Source.UNIT and need.unit_id is None:
        role = by.city_roles.filter(city=need.city, role=CityRole.Role.UNIT_STAFF).first()
        need.unit = role.unit if role else None
    need._history_user = by
    need.save()
    if capabilities is not None:
        need.capabilities.set(capabilities)
    return need


@transaction.atomic
def need_submit(*, need: Need, by) -> Need:
    """Send a draft on: a unit's need to the city's triage inbox, a citizen report to moderation.
    A title and a description are required."""
    _require(by, "challenges.change_need", need)
    errors = {}
    if not need.title.strip():
        errors["title"] = _("Give the need a title.")
    if not need.description.strip():
        errors["description"] = _("Describe the need.")
    if need.source == Need.Source.UNIT and need.unit_id is None:
        errors["unit"] = _("Choose the unit this need belongs to.")
    if errors:
        raise ValidationError(errors)
    need.status = Need.Status.MODERATION if need.source == Need.Source.CITIZEN else Need.Status.SUBMITTED
    need.submitted_at = timezone.now()
    need._history_user = by
    need.save()
    return need


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("city", "submitted_by").get(pk=need.pk)


@transaction.atomic
def need_approve_report(*, need: Need, by) -> Need:
    """Moderation: a citizen's report becomes a need in the city's triage inbox."""
    _require(by, "challenges.triage_need", need)
    need = _lock_need(need)
    if need.status != Need.Status.MODERATION:
        raise TransitionRefused([_("Only a report awaiting moderation can be approved.")])
    need.status = Need.Status.SUBMITTED
    need._history_user = by
    need.save()
    notify(users=[need.submitted_by], kind="report_approved", params={"title": need.title}, url=_need_url(need))
    return need


@transaction.atomic
def need_reject(*, need: Need, by, reason: str) -> Need:
    """Reject a new need or report with a reason; the submitter is told the reason."""
    _require(by, "challenges.triage_need", need)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; the submitter will read it.")})
    need = _lock_need(need)
    if need.status not in (Need.Status.SUBMITTED, Need.Status.MODERATION):
        raise TransitionRefused([_("Only a new need or a report awaiting moderation can be rejected.")])
    need.status = Need.Status.REJECTED
    need.rejection_reason = reason
    need._history_user = by
    need.save()
    notify(
        users=[need.submitted_by],
        kind="need_rejected",
        params={"title": need.title, "reason": reason},
        url=_need_url(need),
    )
    return need


@transaction.atomic
def need_link(*, need: Need, other: Need, by) -> Need:
    """Mark two needs as related (they may be in different cities); both stay open."""
    _require(by, "challenges.triage_need", need)
    if other.pk == need.pk or other.status == Need.Status.DRAFT:
        raise ValidationError({"other": _("Choose another, submitted need.")})
    need.related.add(other)
    need._history_user = by
    need.save(update_fields=["updated_at"])
    return need


@transaction.atomic
def need_merge(*, need: Need, into: Need, by) -> Need:
    """Merge a duplicate into another need of the same city: the duplicate is closed as merged, its
    capabilities are added to the target, and its submitter is told."""
    _require(by, "challenges.triage_need", need)
    if into.pk == need.pk or into.city_id != need.city_id:
        raise ValidationError({"into": _("Choose another need of the same city.")})
    need = _lock_need(need)
    if need.status not in (Need.Status.SUBMITTED, Need.Status.MODERATION):
        raise TransitionRefused([_("Only a new need can be merged into another.")])
    if into.status in (Need.Status.DRAFT, Need.Status.REJECTED, Need.Status.MERGED):
        raise ValidationError({"into": _("The target need must be submitted or accepted.")})
    need.status = Need.Status.MERGED
    need.merged_into = into
    need._history_user = by
    need.save()
    into.capabilities.add(*need.capabilities.all())
    into.related.add(need)
    notify(
        users=[need.submitted_by],
        kind="need_merged",
        params={"title": need.title, "target": into.title},
        url=_need_url(into),
    )
    return need


@transaction.atomic
def need_accept(*, need: Need, by, now: datetime.datetime | None = None) -> Call:
    """Accept a need into problem definition: a call is created for it (with its canvas, started
    from the need) and moved into definition; the submitter is told."""
    _require(by, "challenges.triage_need", need)
    need = _lock_need(need)
    if need.status != Need.Status.SUBMITTED:
        raise TransitionRefused([_("Only a new need awaiting triage can be accepted.")])
    unit = need.unit
    if unit is None:
        # A citizen report has no unit: the city's first unit owns it until the manager changes it.
        unit = need.city.units.order_by("pk").first()
        if unit is None:
            raise TransitionRefused([_("The city has no unit to own this problem.")])
    call = Call(
        city=need.city,
        unit=unit,
        need=need,
        title=need.title,
        description=need.description,
        domain=need.domain,
        created_by=by,
        state=State.DRAFT,
    )
    call._history_user = by
    call.save()
    call.capabilities.set(need.capabilities.all())
    canvas = Canvas.objects.create(call=call, background=need.description, pilot_unit=need.unit, updated_by=by)
    _snapshot(canvas, by)
    CallTransition.objects.create(call=call, from_state="", to_state=State.DRAFT, by=by, at=now or timezone.now())
    need.status = Need.Status.ACCEPTED
    need._history_user = by
    need.save()
    call = call_transition(call=call, to=State.IN_DEFINITION, by=by, now=now)
    notify(users=[need.submitted_by], kind="need_accepted", params={"title": need.title}, url=_need_url(need))
    return call


@transaction.atomic
def call_create(*, city, unit, by, title: str, description: str = "", domain=None, capabilities=(), now=None) -> Call:
    """A call started by the city's manager without a need (a draft with an empty canvas)."""
    _require(by, "challenges.view_triage", city)
    if unit.city_id != city.pk:
        raise ValidationError({"unit": _("The unit must belong to the city.")})
    if not normalize(title):
        raise ValidationError({"title": _("The title cannot be empty.")})
    call = Call(
        city=city,
        unit=unit,
        title=normalize(title),
        description=description,
        domain=domain,
        created_by=by,
        state=State.DRAFT,
    )
    call._history_user = by
    call.save()
    call.capabilities.set(capabilities)
    canvas = Canvas.objects.create(call=call, pilot_unit=unit, updated_by=by)
    _snapshot(canvas, by)
    CallTransition.objects.create(call=call, from_state="", to_state=State.DRAFT, by=by, at=now or timezone.now())
    return call


@transaction.atomic
def judging_call_create(*, city, unit, by, title: str) -> Call:
    """A pitch jury's hidden call (ADR 0030): created in evaluation (it takes no applications and is
    never published), so that ``proposals`` can give it a panel whose judges score an event's
    line-up. The caller — the programs app, for the event's organisers — checks its own permission;
    this service only keeps the call's invariants: a unit of the city, a title, no public state."""
    if unit.city_id != city.pk:
        raise ValidationError({"unit": _("The unit must belong to the city.")})
    if not normalize(title):
        raise ValidationError({"title": _("The title cannot be empty.")})
    now = timezone.now()
    call = Call(
        city=city,
        unit=unit,
        title=normalize(title)[:200],
        call_type=CallType.INVITED,
        created_by=by,
        state=State.IN_EVALUATION,
        judging_only=True,
        closed_at=now,
    )
    call._history_user = by
    call.save()
    _snapshot(Canvas.objects.create(call=call, pilot_unit=unit, updated_by=by), by)  # every call has a canvas
    CallTransition.objects.create(call=call, from_state="", to_state=State.IN_EVALUATION, by=by, at=now)
    return call


@transaction.atomic
def attachment_add(*, need: Need, by, uploaded) -> NeedAttachment:
    """Attach a file to a draft need (or any need, for the city's manager). It is a checked upload
    (`core.uploads`, as proposal attachments): the type by content, the size against MAX_UPLOAD_MB,
    office documents inspected, the name sanitised with the detected type's extension; files are
    stored outside any web root under a name of our own."""
    if not (by.has_perm("challenges.change_need", need) or by.has_perm("challenges.triage_need", need)):
        raise PermissionDenied("attach")
    try:
        checked = uploads.check_upload(uploaded, kinds=uploads.NEED_KINDS, allowed_label=uploads.NEED_ALLOWED_LABEL)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    attachment = NeedAttachment(
        need=need, original_name=checked.name, content_type=checked.content_type, size=checked.size, uploaded_by=by
    )
    attachment.file.save(f"need-{need.pk}{uploads.EXTENSIONS[checked.kind]}", uploaded, save=False)
    attachment._history_user = by
    attachment.save()
    return attachment


# --------------------------------------------------------------------------------------------
# Canvas
# --------------------------------------------------------------------------------------------
CANVAS_FIELDS = (
    "background",
    "affected",
    "kpi_name",
    "kpi_unit",
    "baseline_value",
    "target_value",
    "target_date",
    "constraints_text",
    "budget_min_rial",
    "budget_max_rial",
    "timeline",
    "available_data",
    "pilot_unit",
    "criteria",
)


def canvas_data(call: Call, canvas: Canvas | None = None) -> dict:
    """The canvas and the call's title/summary as one dict (for completeness checks)."""
    canvas = canvas or call.canvas
    data = {name: getattr(canvas, name) for name in CANVAS_FIELDS}
    data["pilot_unit"] = canvas.pilot_unit_id
    data["title"] = call.title
    data["description"] = call.description
    return data


def _snapshot(canvas: Canvas, by) -> CanvasVersion:
    call = canvas.call

    def name_of(obj):
        return "" if obj is None else (getattr(obj, "name_fa", "") or getattr(obj, "name_en", "") or str(obj))

    data = {
        "title": call.title,
        "description": call.description,
        "domain": name_of(call.domain),
        "capabilities": "، ".join(sorted(name_of(c) for c in call.capabilities.all())),
        "background": canvas.background,
        "affected": canvas.affected,
        "kpi_name": canvas.kpi_name,
        "kpi_unit": canvas.kpi_unit,
        "baseline_value": "" if canvas.baseline_value is None else f"{canvas.baseline_value.normalize():f}",
        "target_value": "" if canvas.target_value is None else f"{canvas.target_value.normalize():f}",
        "target_date": canvas.target_date.isoformat() if canvas.target_date else "",
        "constraints_text": canvas.constraints_text,
        "budget_min_rial": "" if canvas.budget_min_rial is None else f"{canvas.budget_min_rial:,}",
        "budget_max_rial": "" if canvas.budget_max_rial is None else f"{canvas.budget_max_rial:,}",
        "timeline": canvas.timeline,
        "available_data": canvas.available_data,
        "pilot_unit": name_of(canvas.pilot_unit),
        "criteria": "\n".join(f"{c['name']} — {c['weight']}" for c in canvas.criteria),
    }
    return CanvasVersion.objects.create(canvas=canvas, number=canvas.version, data=data, author=by)


def validate_canvas_values(values: dict) -> dict:
    """Business checks of canvas values; returns a field -> message dict (empty when valid)."""
    errors = {}
    low, high = values.get("budget_min_rial"), values.get("budget_max_rial")
    if low is not None and high is not None and low > high:
        errors["budget_max"] = _("The maximum budget must not be below the minimum.")
    criteria = values.get("criteria") or []
    if criteria:
        total = sum(int(c["weight"]) for c in criteria)
        if total != 100:
            errors["criteria"] = _("The weights of the criteria must sum to 100 (now %(total)s).") % {"total": total}
        names = [normalize(c["name"]).casefold() for c in criteria]
        if len(set(names)) != len(names):
            errors["criteria"] = _("Two criteria have the same name.")
    if "title" in values and not (values.get("title") or "").strip():
        errors["title"] = _("The title cannot be empty.")
    problem = date_problem(values.get("target_date"))
    if problem:
        errors["target_date"] = problem
    return errors


@transaction.atomic
def canvas_update(*, call: Call, by, expected_version: int, capabilities=None, **values) -> Canvas:
    """Save the canvas (and the call's title, summary, domain and capabilities) if nobody saved it
    since `expected_version`; otherwise raise CanvasConflict and change nothing. Each save becomes a
    numbered version."""
    _require(by, "challenges.change_canvas", call)
    errors = validate_canvas_values(values)
    if errors:
        raise ValidationError(errors)
    call_fields = {k: values.pop(k) for k in ("title", "description", "domain") if k in values}
    unknown = set(values) - set(CANVAS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    updated = Canvas.objects.filter(call=call, version=expected_version).update(version=F("version") + 1)
    canvas = Canvas.objects.select_for_update().get(call=call)
    if not updated:
        raise CanvasConflict(canvas)
    for name, value in values.items():
        setattr(canvas, name, value)
    canvas.updated_by = by
    canvas._history_user = by
    canvas.save()
    if call_fields:
        for name, value in call_fields.items():
            setattr(call, name, normalize(value) if name == "title" else value)
        call._history_user = by
        call.save()
    if capabilities is not None:
        call.capabilities.set(capabilities)
    _snapshot(canvas, by)
    return canvas


@transaction.atomic
def canvas_comment_add(*, call: Call, by, body: str) -> CanvasComment:
    _require(by, "challenges.comment_canvas", call)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment = CanvasComment(canvas=call.canvas, author=by, body=body)
    comment._history_user = by
    comment.save()
    return comment


@transaction.atomic
def call_assign_facilitator(*, call: Call, by, user) -> None:
    """Assign a facilitator (a user with the facilitator role in the call's city) to the canvas."""
    _require(by, "challenges.manage_call", call)
    if not CityRole.objects.filter(user=user, city=call.city, role=CityRole.Role.FACILITATOR).exists():
        raise ValidationError({"user": _("This person is not a facilitator in this city.")})
    call.facilitators.add(user)
    call.__dict__.pop("_facilitator_ids", None)
    call._history_user = by
    call.save(update_fields=["updated_at"])
    notify(
        users=[user],
        kind="facilitator_assigned",
        params={"title": call.title},
        url=reverse("challenges:canvas_edit", args=[call.city.slug, call.pk]),
    )


@transaction.atomic
def call_remove_facilitator(*, call: Call, by, user) -> None:
    _require(by, "challenges.manage_call", call)
    call.facilitators.remove(user)
    call.__dict__.pop("_facilitator_ids", None)
    call._history_user = by
    call.save(update_fields=["updated_at"])


# --------------------------------------------------------------------------------------------
# The call's state machine
# --------------------------------------------------------------------------------------------
# (from, to) -> the permission the actor needs. System steps (closing at the deadline) have no actor.
TRANSITIONS = {
    (State.DRAFT, State.IN_DEFINITION): "challenges.manage_call",
    (State.IN_DEFINITION, State.READY): "challenges.mark_ready_call",
    (State.READY, State.IN_DEFINITION): "challenges.reopen_call",
    (State.READY, State.PUBLISHED): "challenges.manage_call",
    (State.PUBLISHED, State.CLOSED): "challenges.manage_call",
    (State.CLOSED, State.IN_EVALUATION): "challenges.manage_call",
    (State.IN_EVALUATION, State.RESULTS_PUBLISHED): "challenges.manage_call",
}
for _state in (State.DRAFT, State.IN_DEFINITION, State.READY, State.PUBLISHED, State.CLOSED, State.IN_EVALUATION):
    TRANSITIONS[(_state, State.CANCELLED)] = "challenges.manage_call"


def allowed_transitions(*, call: Call, user) -> list[str]:
    """The target states this user may try from the call's current state (for buttons)."""
    return [to for (src, to), perm in TRANSITIONS.items() if src == call.state and user.has_perm(perm, call)]


def call_publication_problems(call: Call, now: datetime.datetime | None = None) -> list[str]:
    """What prevents publishing the call now (empty when it can be published)."""
    now = now or timezone.now()
    problems = []
    completeness = canvas_completeness(canvas_data(call))
    for item in completeness.missing:
        problems.append(_("Canvas: %(label)s — %(message)s") % {"label": item.label, "message": item.message})
    if not call.title.strip():
        problems.append(_("The call has no title."))
    if call.closes_at is None:
        problems.append(_("Set the closing date."))
    elif call.closes_at <= now:
        problems.append(_("The closing date is in the past."))
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        problems.append(_("The closing date must be after the opening date."))
    if call.call_type == CallType.INVITED and not call.invited_organizations.exists():
        problems.append(str(INVITEE_NEEDED))
    return problems


@transaction.atomic
def call_transition(*, call: Call, to: str, by, note: str = "", now: datetime.datetime | None = None) -> Call:
    """Move the call to state `to` if the state machine allows it from its current state, the actor
    holds the step's permission and the step's conditions hold. Writes a CallTransition row and the
    call's history, and notifies followers where the step concerns them.

    `by=None` is the system (only for closing a call whose deadline has passed)."""
    now = now or timezone.now()
    call = Call.objects.select_for_update(of=("self",)).select_related("city", "canvas").get(pk=call.pk)
    if call.judging_only:
        raise TransitionRefused([_("A pitch jury's call changes only through its event.")])
    if call.is_due(now) and not (by is None and to == State.CLOSED):
        # The deadline passed before this step: the call is closed first, and the step starts there.
        call = call_transition(call=call, to=State.CLOSED, by=None, now=now)
    source = call.state
    perm = TRANSITIONS.get((source, to))
    if perm is None:
        raise TransitionRefused(
            [_("A call cannot go from “%(src)s” to “%(dst)s”.") % {"src": State(source).label, "dst": State(to).label}]
        )
    if by is None:
        if not (to == State.CLOSED and call.is_due(now)):
            raise PermissionDenied("system may only close a due call")
    else:
        _require(by, perm, call)

    if to == State.READY:
        missing = canvas_completeness(canvas_data(call)).missing
        if missing:
            raise TransitionRefused(
                [
                    _("The canvas is incomplete: %(label)s — %(message)s") % {"label": i.label, "message": i.message}
                    for i in missing
                ]
            )
    elif to == State.PUBLISHED:
        problems = call_publication_problems(call, now)
        if problems:
            raise TransitionRefused(problems)
        if call.opens_at is None:
            call.opens_at = now
        call.published_at = now
        EvaluationCriterion.objects.filter(call=call).delete()
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(call=call, name=c["name"], weight=int(c["weight"]), position=i)
            for i, c in enumerate(call.canvas.criteria)
        )
    elif to == State.CANCELLED:
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("Give a reason for cancelling; followers will read it.")})
        call.cancel_reason = note
    elif to == State.CLOSED:
        call.closed_at = now
    elif to == State.RESULTS_PUBLISHED:
        call.results_published_at = now

    call.state = to
    call._history_user = by
    call.save()
    CallTransition.objects.create(call=call, from_state=source, to_state=to, by=by, note=note, at=now)
    if State.PUBLISHED in (source, to):  # opens or closes: the precomputed eligibility follows
        eligible_calls.call_changed(call)  # rows deleted now, refilled by a task after the commit

    if to == State.PUBLISHED and call.call_type == CallType.INVITED:
        _notify_invited(call, call.invited_organizations.all())
    if source in Call.PUBLIC_STATES or to == State.PUBLISHED:
        kind = {
            State.CANCELLED: "call_cancelled",
            State.CLOSED: "call_closed",
            State.RESULTS_PUBLISHED: "call_results",
        }.get(to)
        if kind:
            notify(users=_followers(call), kind=kind, params={"title": call.title, "reason": note}, url=_call_url(call))
    return call


def _notify_invited(call: Call, organizations) -> None:
    members = OrganizationMembership.objects.filter(organization__in=organizations).select_related(
        "user", "organization"
    )
    by_org: dict = {}
    for m in members:
        by_org.setdefault(m.organization, []).append(m.user)
    for org, users in by_org.items():
        notify(
            users=users,
            kind="call_invited",
            params={"title": call.title, "organization": org.name},
            url=_call_url(call),
        )


def call_close_if_due(*, call: Call, now: datetime.datetime | None = None) -> bool:
    """Close the call if it is published and its deadline has passed (writes the closing, notifies
    the followers). Run by ``call_close_due`` (the periodic task) and by services before they act on
    a call; reads never close a call, they show its effective state (``Call.effective_state``)."""
    now = now or timezone.now()
    if not call.is_due(now):
        return False
    try:
        closed = call_transition(call=call, to=State.CLOSED, by=None, now=now)
    except (TransitionRefused, PermissionDenied):
        # Someone else closed or changed it in between.
        call.refresh_from_db()
        return False
    call.state, call.closed_at = closed.state, closed.closed_at
    return True


def call_close_due(*, now: datetime.datetime | None = None) -> list[Call]:
    """Close every published call whose deadline has passed (the periodic task)."""
    now = now or timezone.now()
    closed = []
    for call in Call.objects.filter(state=State.PUBLISHED, closes_at__lte=now).order_by("closes_at"):
        if call_close_if_due(call=call, now=now):
            closed.append(call)
    return closed


SETTINGS_FIELDS = (
    "call_type",
    "opens_at",
    "closes_at",
    "allowed_provinces",
    "knowledge_based_required",
    "allowed_kinds",
)


@transaction.atomic
def call_update_settings(*, call: Call, by, invited_organizations=None, now=None, **values) -> Call:
    """Change the call's type, dates and eligibility (the city's manager, until it closes).

    Dates: the closing date must be after the opening date and in the future. After publication the
    type cannot change, and a changed deadline or changed eligibility notifies the call's followers;
    newly invited organizations are told."""
    _require(by, "challenges.manage_call", call)
    now = now or timezone.now()
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    call = Call.objects.select_for_update().get(pk=call.pk)
    # A call past its deadline is closed (the closing itself is written by the periodic task).
    if call.effective_state(now) not in (*Call.EDITABLE_STATES, State.PUBLISHED):
        raise TransitionRefused([_("The settings of a closed or cancelled call cannot change.")])
    published = call.state == State.PUBLISHED
    errors = {name: date_problem(values.get(name)) for name in ("opens_at", "closes_at")}
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:  # outside the platform's date window (core.dates): nothing else can be compared
        raise ValidationError(errors)
    opens_at = values.get("opens_at", call.opens_at)
    closes_at = values.get("closes_at", call.closes_at)
    if closes_at is not None and closes_at != call.closes_at and closes_at <= now:
        errors["closes_at"] = _("The closing date is in the past.")
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The closing date must be after the opening date.")
    if published and "call_type" in values and values["call_type"] != call.call_type:
        errors["call_type"] = _("The type of a published call cannot change.")
    if published and closes_at is None:
        errors["closes_at"] = _("A published call needs a closing date.")
    call_type = values.get("call_type", call.call_type)
    if call_type == CallType.INVITED and not (
        invited_organizations if invited_organizations is not None else call.invited_organizations.exists()
    ):
        errors["invited_organizations"] = str(INVITEE_NEEDED)
    if errors:
        raise ValidationError(errors)

    before_deadline = call.closes_at
    before_eligibility = (sorted(call.allowed_provinces), call.knowledge_based_required, sorted(call.allowed_kinds))
    for name, value in values.items():
        setattr(call, name, value)
    call._history_user = by
    call.save()
    newly_invited = []
    if invited_organizations is not None:
        old = set(call.invited_organizations.values_list("pk", flat=True))
        call.invited_organizations.set(invited_organizations)
        newly_invited = [o for o in invited_organizations if o.pk not in old]
    eligible_calls.call_changed(call)  # rows deleted now, refilled by a task after the commit
    if published:
        followers = _followers(call)
        if call.closes_at != before_deadline:
            notify(
                users=followers,
                kind="call_deadline_changed",
                params={"title": call.title, "deadline": format_date(call.closes_at, with_time=True)},
                url=_call_url(call),
            )
        after = (sorted(call.allowed_provinces), call.knowledge_based_required, sorted(call.allowed_kinds))
        if after != before_eligibility:
            notify(users=followers, kind="call_eligibility_changed", params={"title": call.title}, url=_call_url(call))
        if newly_invited and call.call_type == CallType.INVITED:
            _notify_invited(call, newly_invited)
    return call


@transaction.atomic
def call_result_record(
    *,
    call: Call,
    by,
    outcome: str,
    public_reason: str = "",
    organization=None,
    applicant_name: str = "",
    rank: int | None = None,
) -> CallResult:
    """Record the public outcome for one applicant while the call is in evaluation (the evaluation
    app calls this with its decisions). Published on the results page once results are published."""
    _require(by, "challenges.manage_call", call)
    if call.state != State.IN_EVALUATION:
        raise TransitionRefused([_("Results are recorded while the call is in evaluation.")])
    if outcome not in CallResult.Outcome.values:
        raise ValidationError({"outcome": _("Choose awarded or not awarded.")})
    if organization is None and not applicant_name.strip():
        raise ValidationError({"applicant_name": _("Name the applicant.")})
    result, _created = CallResult.objects.get_or_create(
        call=call,
        organization=organization,
        applicant_name=applicant_name.strip(),
        defaults={"outcome": outcome},
    )
    result.outcome, result.public_reason, result.rank = outcome, public_reason.strip(), rank
    result._history_user = by
    result.save()
    return result


# --------------------------------------------------------------------------------------------
# Following, questions and answers, notifications
# --------------------------------------------------------------------------------------------
@transaction.atomic
def call_follow(*, call: Call, by, follow: bool = True) -> bool:
    """Follow (or stop following) a public call; returns whether the user now follows it."""
    _require(by, "challenges.follow_call", call)
    if follow:
        CallFollow.objects.get_or_create(call=call, user=by)
    else:
        CallFollow.objects.filter(call=call, user=by).delete()
    return follow


@transaction.atomic
def question_ask(*, call: Call, by, question: str, organization=None) -> CallQuestion:
    """A member of an organization asks a question on an open call (not public until answered)."""
    _require(by, "challenges.ask_question", call)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write your question.")})
    if organization is not None and membership_get(user=by, organization=organization) is None:
        raise PermissionDenied("not a member")
    obj = CallQuestion(call=call, asked_by=by, organization=organization, question=question)
    obj._history_user = by
    obj.save()
    return obj


@transaction.atomic
def question_answer(*, question: CallQuestion, by, answer: str, publish: bool = True) -> CallQuestion:
    """The city's manager answers a question and (usually) publishes it; the asker is told. The
    public page never names the asker."""
    _require(by, "challenges.answer_question", question.call)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    first_answer = not question.answer
    question.answer = answer
    question.answered_by = by
    question.answered_at = timezone.now()
    question.is_published = publish
    question._history_user = by
    question.save()
    if first_answer:
        notify(
            users=[question.asked_by],
            kind="question_answered",
            params={"title": question.call.title},
            url=_call_url(question.call),
        )
    return question


@transaction.atomic
def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_update(*, user, preferences: dict[str, tuple[bool, bool]]) -> None:
    """Store, per kind, whether the user wants it in the application and by email."""
    for kind, (in_app, email) in preferences.items():
        if kind not in KINDS:
            continue
        pref, _created = NotificationPreference.objects.get_or_create(user=user, kind=kind)
        pref.in_app, pref.email = in_app, email
        pref._history_user = user
        pref.save()
