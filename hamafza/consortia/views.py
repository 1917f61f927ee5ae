"""Views parse input, call one service or selector, and render. Permissions come from
consortia.rules; bad input re-renders the form as typed with status 400, a refused step shows its
reasons with status 400 (409 when the state forbids it), a forbidden one is a 403/404."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hamafza.accounts.rules import city_ids_with_role, is_platform_admin
from hamafza.challenges.models import Call
from hamafza.consortia import selectors, services
from hamafza.consortia.forms import (
    ApplyForm,
    FormConsortiumForm,
    InviteForm,
    MissionForm,
    ProposeForm,
    RespondForm,
    RoleForm,
)
from hamafza.consortia.models import ConsortiumInvitation, Mission, MissionRole
from hamafza.consortia.rules import is_lead_member
from hamafza.core.models import City
from hamafza.core.paging import CappedPaginator, page_number
from hamafza.directory.models import Organization


def refusals(view):
    """A refused step (services.Refused) is shown with its reasons, status 409."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.Refused as exc:
            return render(request, "consortia/refused.html", {"reasons": exc.reasons}, status=409)

    return wrapper


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _target(request, kind: str, pk: int):
    if kind == "mission":
        return selectors.mission_get(pk=pk)
    if kind == "call":
        return selectors.call_target_get(call_id=pk, user=request.user)
    raise Http404("No such target")


def _target_url(target) -> str:
    if isinstance(target, Mission):
        return reverse("consortia:mission_detail", args=[target.pk])
    return reverse("consortia:call_consortia", args=[target.pk])


def _kind(target) -> str:
    return "mission" if isinstance(target, Mission) else "call"


def _managed_cities(user):
    if is_platform_admin(user):
        return City.objects.filter(is_active=True).order_by("name_en")
    return City.objects.filter(pk__in=city_ids_with_role(user, "innovation_manager")).order_by("name_en")


def _calls_of(city):
    if city is None:
        return Call.objects.none()
    return (
        Call.objects.filter(city=city, judging_only=False).exclude(state=Call.State.CANCELLED).order_by("-created_at")
    )


# --------------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------------
MISSIONS_PER_PAGE = 20


def mission_list(request):
    """The missions, newest first, a page at a time (a national installation has thousands)."""
    number = page_number(request.GET.get("page", "1"))
    paginator = CappedPaginator(selectors.mission_list(), MISSIONS_PER_PAGE, page=number or 1)
    if number is None or number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    page = paginator.page(number)
    return render(
        request,
        "consortia/mission_list.html",
        {"missions": page.object_list, "page": page, "can_add": request.user.has_perm("consortia.add_mission")},
    )


@login_required
def mission_create(request):
    if not request.user.has_perm("consortia.add_mission"):
        raise PermissionDenied
    cities = _managed_cities(request.user)
    national = is_platform_admin(request.user)
    city_id = request.POST.get("city") if request.method == "POST" else None
    city = cities.filter(pk=city_id).first() if city_id and str(city_id).isdigit() else None
    form = MissionForm(request.POST or None, cities=cities, national=national, calls=_calls_of(city))
    if request.method == "POST":
        if form.is_valid():
            try:
                mission = services.mission_create(
                    by=request.user, city=form.cleaned_data.get("city"), values=form.values()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Mission created. Now list the roles of its value chain."))
                return redirect("consortia:mission_detail", pk=mission.pk)
        return render(request, "consortia/mission_form.html", {"form": form}, status=400)
    return render(request, "consortia/mission_form.html", {"form": form})


@login_required
def mission_edit(request, pk):
    mission = selectors.mission_get(pk=pk)
    if not request.user.has_perm("consortia.change_mission", mission):
        raise PermissionDenied
    initial = {
        "title_fa": mission.title_fa,
        "title_en": mission.title_en,
        "description": mission.description,
        "call": mission.call_id,
        "allowed_provinces": mission.allowed_provinces,
        "knowledge_based_required": mission.knowledge_based_required,
        "allowed_kinds": mission.allowed_kinds,
    }
    form = MissionForm(request.POST or None, initial=initial, calls=_calls_of(mission.city), with_city=False)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mission_update(mission=mission, by=request.user, values=form.values())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, pgettext("message", "Mission saved."))
                return redirect("consortia:mission_detail", pk=mission.pk)
        return render(request, "consortia/mission_form.html", {"form": form, "mission": mission}, status=400)
    return render(request, "consortia/mission_form.html", {"form": form, "mission": mission})


def target_detail(request, kind, pk, propose_form=None, status=200):
    """A mission's (or a call's) consortium page: the roles table, "propose consortia" for the
    manager, the last runs, and the consortia the user may see."""
    target = _target(request, kind, pk)
    manager = request.user.has_perm("consortia.manage_roles", target)
    context = {
        "target": target,
        "kind": kind,
        "is_mission": kind == "mission",
        "roles": list(selectors.roles_of(target)),
        "manager": manager,
        "consortia": list(selectors.consortia_visible(target=target, user=request.user, manager=manager)),
        "runs": selectors.runs_of(target=target) if manager else [],
        "propose_form": propose_form or ProposeForm(initial={"top": 5, "max_members": 6}),
        "propose_url": reverse(f"consortia:{kind}_propose", args=[target.pk]),
        "role_add_url": reverse(f"consortia:{kind}_role_add", args=[target.pk]),
    }
    return render(request, "consortia/target_detail.html", context, status=status)


def mission_detail(request, pk):
    return target_detail(request, "mission", pk)


def call_consortia(request, call_id):
    return target_detail(request, "call", call_id)


# --------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------
@login_required
def role_edit(request, kind, pk, role_id=None):
    target = _target(request, kind, pk)
    if not request.user.has_perm("consortia.manage_roles", target):
        raise PermissionDenied
    role = None
    if role_id is not None:
        role = MissionRole.objects.filter(
            pk=role_id, **({"mission": target} if kind == "mission" else {"call": target})
        ).first()
        if role is None:
            raise Http404("No such role")
    initial = {"min_members": 1, "max_members": 1}
    if role is not None:
        initial = {
            "code": role.code,
            "name": role.name,
            "text": role.text,
            "capabilities": list(role.capabilities.all()),
            "min_members": role.min_members,
            "max_members": role.max_members,
        }
    form = RoleForm(request.POST or None, initial=initial)
    context = {"form": form, "target": target, "role": role, "back": _target_url(target)}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.role_save(target=target, by=request.user, role=role, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, pgettext("message", "Role saved."))
                return redirect(_target_url(target))
        return render(request, "consortia/role_form.html", context, status=400)
    return render(request, "consortia/role_form.html", context)


@login_required
@require_POST
@refusals
def role_delete(request, kind, pk, role_id):
    target = _target(request, kind, pk)
    role = MissionRole.objects.filter(
        pk=role_id, **({"mission": target} if kind == "mission" else {"call": target})
    ).first()
    if role is None:
        raise Http404("No such role")
    services.role_delete(role=role, by=request.user)
    messages.success(request, pgettext("message", "Role removed."))
    return redirect(_target_url(target))


# --------------------------------------------------------------------------------------------
# Proposing consortia
# --------------------------------------------------------------------------------------------
@login_required
@require_POST
@refusals
def propose(request, kind, pk):
    target = _target(request, kind, pk)
    if not request.user.has_perm("consortia.propose_consortia", target):
        raise PermissionDenied
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return target_detail(request, kind, pk, propose_form=form, status=400)
    try:
        run = services.consortia_propose(target=target, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
        return target_detail(request, kind, pk, propose_form=form, status=400)
    return redirect("consortia:run_detail", pk=run.pk)


@login_required
def run_detail(request, pk):
    run = selectors.run_get(pk=pk)
    if not request.user.has_perm("consortia.view_run", run):
        raise Http404("No such run")
    context = {
        "run": run,
        "target": run.target,
        "target_url": _target_url(run.target),
        "view": selectors.run_view(run=run, user=request.user),
    }
    return render(request, "consortia/run_detail.html", context)


@login_required
@require_POST
@refusals
def consortium_form(request, pk):
    run = selectors.run_get(pk=pk)
    if not request.user.has_perm("consortia.form_consortium", run):
        raise Http404("No such run")
    form = FormConsortiumForm(request.POST)
    if not form.is_valid():
        raise services.Refused(_("Choose a proposed consortium and the lead organization."))
    lead = Organization.objects.filter(pk=form.cleaned_data["lead"]).first()
    if lead is None:
        raise services.Refused(_("No such organization."))
    try:
        consortium = services.consortium_form(run=run, rank=form.cleaned_data["rank"], lead=lead, by=request.user)
    except ValidationError as exc:
        raise services.Refused(exc.messages) from exc
    messages.success(request, _("Consortium formed. Invite the members, role by role."))
    return redirect("consortia:consortium_detail", pk=consortium.pk)


# --------------------------------------------------------------------------------------------
# Consortia and invitations
# --------------------------------------------------------------------------------------------
@login_required
def consortium_detail(request, pk, invite_form=None, status=200):
    consortium = selectors.consortium_get(pk=pk)
    if not request.user.has_perm("consortia.view_consortium", consortium):
        raise Http404("No such consortium")
    page = selectors.consortium_page(consortium=consortium)
    user = request.user
    can_invite = user.has_perm("consortia.invite_member", consortium) and not consortium.proposal_id
    for i in page["invitations"]:
        i.can_respond = user.has_perm("consortia.respond_invitation", i)
        i.can_withdraw = user.has_perm("consortia.withdraw_invitation", i)
    call = consortium.apply_call
    context = {
        "consortium": consortium,
        "target": consortium.target,
        "target_url": _target_url(consortium.target),
        "page": page,
        "complete": page["coverage"]["complete"],
        "can_invite": can_invite,
        "lead_member": is_lead_member(user, consortium),
        "invite_form": invite_form,
        "apply_call": call,
        "can_apply": user.has_perm("consortia.apply_consortium", consortium)
        and page["coverage"]["complete"]
        and call is not None
        and not consortium.proposal_id,
        "apply_form": ApplyForm(initial={"title": consortium.target.title}),
    }
    return render(request, "consortia/consortium_detail.html", context, status=status)


@login_required
@require_POST
@refusals
def consortium_invite(request, pk):
    consortium = selectors.consortium_get(pk=pk)
    if not request.user.has_perm("consortia.view_consortium", consortium):
        raise Http404("No such consortium")
    if not request.user.has_perm("consortia.invite_member", consortium):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if not form.is_valid():
        return consortium_detail(request, pk, invite_form=form, status=400)
    role = MissionRole.objects.filter(
        pk=form.cleaned_data["role"], mission_id=consortium.mission_id, call_id=consortium.call_id
    ).first()
    organization = Organization.objects.filter(pk=form.cleaned_data["organization"]).first()
    if role is None or organization is None:
        form.add_error(None, _("Choose a role of this consortium and an organization."))
        return consortium_detail(request, pk, invite_form=form, status=400)
    services.consortium_invite(
        consortium=consortium,
        role=role,
        organization=organization,
        by=request.user,
        message=form.cleaned_data["message"],
    )
    messages.success(
        request, _("%(org)s is invited to the role %(role)s.") % {"org": organization.display_name, "role": role.name}
    )
    return redirect("consortia:consortium_detail", pk=consortium.pk)


def _invitation(pk) -> ConsortiumInvitation:
    invitation = ConsortiumInvitation.objects.select_related("consortium", "organization", "role").filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


@login_required
@require_POST
@refusals
def invitation_respond(request, pk):
    invitation = _invitation(pk)
    if not request.user.has_perm("consortia.view_consortium", invitation.consortium):
        raise Http404("No such invitation")
    form = RespondForm(request.POST)
    if not form.is_valid():
        raise services.Refused(_("Choose whether to accept or decline."))
    if not request.user.has_perm("consortia.respond_invitation", invitation):
        if invitation.status != ConsortiumInvitation.Status.PENDING:
            raise services.Refused(_("This invitation has already been answered or withdrawn."))
        raise PermissionDenied
    accept = form.cleaned_data["answer"] == "accept"
    services.invitation_respond(invitation=invitation, by=request.user, accept=accept)
    messages.success(
        request, pgettext("message", "Invitation accepted.") if accept else pgettext("message", "Invitation declined.")
    )
    return redirect("consortia:consortium_detail", pk=invitation.consortium_id)


@login_required
@require_POST
@refusals
def invitation_withdraw(request, pk):
    invitation = _invitation(pk)
    if not request.user.has_perm("consortia.view_consortium", invitation.consortium):
        raise Http404("No such invitation")
    if not request.user.has_perm("consortia.withdraw_invitation", invitation):
        raise PermissionDenied
    services.invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, pgettext("message", "Invitation withdrawn."))
    return redirect("consortia:consortium_detail", pk=invitation.consortium_id)


@login_required
@require_POST
@refusals
def consortium_apply(request, pk):
    consortium = selectors.consortium_get(pk=pk)
    if not request.user.has_perm("consortia.view_consortium", consortium):
        raise Http404("No such consortium")
    if not request.user.has_perm("consortia.apply_consortium", consortium):
        raise PermissionDenied
    form = ApplyForm(request.POST)
    if not form.is_valid():
        raise services.Refused(_("Give the proposal a title."))
    try:
        proposal = services.consortium_apply(consortium=consortium, by=request.user, title=form.cleaned_data["title"])
    except ValidationError as exc:
        raise services.Refused(exc.messages) from exc
    messages.success(
        request,
        _("The lead's proposal to the call is recorded as the consortium's application; complete and submit it."),
    )
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@login_required
def my_consortia(request):
    return render(
        request,
        "consortia/my_consortia.html",
        {
            "invitations": list(selectors.invitations_for_user(user=request.user)),
            "consortia": list(selectors.consortia_for_user(user=request.user)),
        },
    )
