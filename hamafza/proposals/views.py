"""Views parse the request, call one service or selector, and render. Anything a user may not see
is a 404 (the existence of a proposal is confidential too)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import Call
from hamafza.challenges.selectors import call_get
from hamafza.core.exports import table_response
from hamafza.core.paging import CappedPaginator, page_number
from hamafza.directory.selectors import membership_get, organizations_of_user
from hamafza.proposals import selectors, services
from hamafza.proposals.attachments import CONTENT_TYPES
from hamafza.proposals.forms import (
    AcceptInvitationForm,
    AddJudgeForm,
    AttachmentForm,
    CriterionForm,
    DecisionForm,
    DeclarationForm,
    InviteForm,
    PanelSettingsForm,
    ProposalFilterForm,
    ProposalForm,
    ScoreSheetForm,
)
from hamafza.proposals.models import ConflictDeclaration, Panel, Proposal, RubricCriterion
from hamafza.proposals.rules import can

PAGE_SIZE = 25


def _call_for_manager(request, call_id):
    """The call, if the user is one of its city's innovation managers (else 404)."""
    call = Call.objects.select_related("city").filter(pk=call_id).first()
    if call is None or not can(request.user, "proposals.manage_evaluation", call):
        raise Http404("No such call")
    return call


def _public_call(request, call_id):
    return call_get(pk=call_id, user=request.user)


def _errors(exc) -> list[str]:
    if isinstance(exc, services.Refused):
        return exc.reasons
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _apply_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --------------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------------
@login_required
def apply(request, call_id):
    """Start (or continue) the organization's proposal to a call."""
    call = _public_call(request, call_id)
    organizations = list(organizations_of_user(user=request.user))
    if not organizations:
        raise PermissionDenied("not an organization member")
    org_id = request.POST.get("organization") or request.GET.get("organization")
    organization = organizations[0]
    if org_id:
        organization = next((o for o in organizations if str(o.pk) == str(org_id)), None)
        if organization is None:
            raise Http404("No such organization")
    existing = selectors.proposal_for_applicant(call=call, organization=organization)
    if existing is not None:
        return redirect("proposals:proposal_edit", pk=existing.pk)
    eligible, reasons = call_eligibility_for(call=call, organization=organization, now=services.now())
    form = ProposalForm(request.POST or None)
    context = {
        "call": call,
        "form": form,
        "organization": organization,
        "organizations": organizations,
        "eligible": eligible,
        "reasons": reasons,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "proposals/proposal_form.html", context, status=400)
        try:
            proposal = services.proposal_save_draft(
                call=call, organization=organization, by=request.user, values=form.values()
            )
        except services.StaleEdit as exc:
            messages.warning(request, _("Your organization already has a proposal to this call; here it is."))
            return redirect("proposals:proposal_edit", pk=exc.obj.pk)
        except (services.Refused, ValidationError) as exc:
            if isinstance(exc, ValidationError):
                _apply_form_errors(form, exc)
            else:
                context["reasons"] = exc.reasons
                context["eligible"] = False
            return render(request, "proposals/proposal_form.html", context, status=400)
        messages.success(request, _("Draft saved. You can keep editing and submit before the deadline."))
        return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(request, "proposals/proposal_form.html", context)


@login_required
def proposal_edit(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not can(request.user, "proposals.change_proposal", proposal):
        if _is_member(request.user, proposal):
            messages.error(request, services.deadline_reason(proposal.call))
            return redirect("proposals:proposal_detail", pk=proposal.pk)
        raise Http404
    form = ProposalForm(request.POST or None, instance=proposal, initial={"version": proposal.version})
    context = {
        "call": proposal.call,
        "form": form,
        "proposal": proposal,
        "organization": proposal.organization,
        "eligible": True,
        "reasons": [],
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "proposals/proposal_form.html", context, status=400)
        try:
            services.proposal_save_draft(
                call=proposal.call,
                organization=proposal.organization,
                by=request.user,
                values=form.values(),
                proposal=proposal,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else saved this proposal while you were editing. Your text is kept below; "
                    "review the saved version in another tab, then save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = str(Proposal.objects.get(pk=proposal.pk).version)
            return render(request, "proposals/proposal_form.html", context, status=409)
        except (services.Refused, ValidationError) as exc:
            if isinstance(exc, ValidationError):
                _apply_form_errors(form, exc)
            else:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            return render(request, "proposals/proposal_form.html", context, status=400)
        messages.success(request, pgettext("message", "Saved."))
        return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(request, "proposals/proposal_form.html", context)


def _detail_context(request, proposal, **extra):
    user = request.user
    panel = selectors.panel_for_call(call=proposal.call)
    is_applicant = can(user, "proposals.change_proposal", proposal) or _is_member(user, proposal)
    is_manager = can(user, "proposals.manage_evaluation", proposal.call)
    blind = selectors.mark_identities(user=user, proposals=[proposal])[0].hide_identity
    context = {
        "proposal": proposal,
        "call": proposal.call,
        "panel": panel,
        "is_applicant": is_applicant,
        "is_manager": is_manager,
        "show_identity": not blind,
        "can_change": can(user, "proposals.change_proposal", proposal),
        "can_score": can(user, "proposals.score_proposal", proposal),
        "can_decide": bool(
            is_manager
            and panel
            and panel.status == Panel.Status.CLOSED
            and proposal.status == Proposal.Status.SUBMITTED
            and proposal.call.state == "in_evaluation"
            and not proposal.call.judging_only
        ),
        "attachment_form": AttachmentForm(),
        "decision_form": DecisionForm(initial={"decision": proposal.decision, "reason": proposal.decision_reason}),
        "receipts": list(proposal.receipts.all()[:5]) if is_applicant else [],
        "errors": [],
    }
    context.update(extra)
    return context


def _is_member(user, proposal) -> bool:
    return membership_get(user=user, organization=proposal.organization) is not None


def proposal_detail(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    return render(request, "proposals/proposal_detail.html", _detail_context(request, proposal))


@login_required
@require_POST
def proposal_submit(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    try:
        receipt = services.proposal_submit(proposal=proposal, by=request.user)
    except services.Refused as exc:
        proposal.refresh_from_db()
        return render(
            request,
            "proposals/proposal_detail.html",
            _detail_context(request, proposal, errors=exc.reasons),
            status=400,
        )
    messages.success(
        request,
        _("Submitted. Receipt: %(hash)s") % {"hash": receipt.sha256},
    )
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user)
    except services.Refused as exc:
        return render(
            request,
            "proposals/proposal_detail.html",
            _detail_context(request, proposal, errors=exc.reasons),
            status=400,
        )
    messages.success(request, _("The proposal was withdrawn. You can submit it again until the deadline."))
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(proposal=proposal, by=request.user, upload=form.cleaned_data["file"])
        except (services.Refused, ValidationError) as exc:
            for message in _errors(exc):
                form.add_error("file", message)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(
        request, "proposals/proposal_detail.html", _detail_context(request, proposal, attachment_form=form), status=400
    )


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = selectors.attachment_get_for(user=request.user, pk=pk)
    proposal = attachment.proposal
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except services.Refused as exc:
        return render(
            request,
            "proposals/proposal_detail.html",
            _detail_context(request, proposal, errors=exc.reasons),
            status=400,
        )
    messages.success(request, _("The file was removed."))
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@never_cache
def attachment_download(request, pk):
    """The only way to read an attachment: permission-checked, always a download, never sniffed."""
    attachment = selectors.attachment_get_for(user=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("File missing") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def proposal_list(request):
    """Every proposal the user may see, with search and per-call counts (the scoped selector)."""
    form = ProposalFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "proposals/proposal_list.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if request.GET else {"q": "", "call_id": None, "status": ""}
    page_number = (form.cleaned_data.get("page") if request.GET else None) or 1
    # The visible set and the blind calls are resolved once for the list, the search and the counts.
    visible = selectors.proposals_visible_to(request.user)
    blind = selectors.blind_call_ids_for(user=request.user)
    listed = selectors.proposal_list_for(user=request.user, visible=visible, blind=blind, **filters)
    paginator = CappedPaginator(listed, PAGE_SIZE, page=page_number)
    if page_number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    page = paginator.get_page(page_number)
    selectors.mark_identities(user=request.user, proposals=page.object_list, blind=blind)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "form": form,
            "page": page,
            "proposals": page.object_list,
            "total": paginator.count_shown,
            "total_exact": paginator.count_exact,
            "counts": selectors.proposal_counts_for(
                user=request.user,
                call_ids=[filters["call_id"], *(p.call_id for p in page.object_list)],
                visible=visible,
            ),
        },
    )


def proposal_scores(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    scores = (
        selectors.scores_visible_to(request.user)
        .filter(sheet__proposal=proposal)
        .select_related("criterion", "sheet", "sheet__member", "sheet__member__user")
        .order_by("sheet__member_id", "criterion__position", "criterion_id")
    )
    return render(
        request,
        "proposals/proposal_scores.html",
        {
            "proposal": proposal,
            "scores": scores,
            "show_judges": selectors.judges_shown_to(user=request.user, proposal=proposal),
        },
    )


# --------------------------------------------------------------------------------------------
# Exports (the manager's; the same scoped selector as the list)
# --------------------------------------------------------------------------------------------
EXPORT_HEADERS = [
    "id",
    "applicant",
    "title",
    "status",
    "submitted_at",
    "budget_rial",
    "attachments",
    "receipt_sha256",
    "score",
    "rank",
    "judges",
    "disagreement",
    "shortlisted",
    "decision",
]


def _export_rows(proposals, results):
    """The export's lines, read from `proposals` as they are sent (chunks of 500 rows)."""
    for p in proposals.iterator(chunk_size=500):
        r = results.get(p.pk)
        yield [
            p.pk,
            p.organization.name,
            p.title,
            p.get_status_display(),
            timezone.localtime(p.submitted_at).isoformat(timespec="seconds") if p.submitted_at else "",
            p.budget_rial if p.budget_rial is not None else "",
            p.n_attachments,
            p.receipt_hash,
            round(r.score, 2) if r and r.score is not None else "",
            r.rank if r and r.rank else "",
            r.judges if r else 0,
            "yes" if r and r.disagreement else "",
            "yes" if p.shortlisted else "",
            p.get_decision_display(),
        ]


EXPORT_FORMATS = ("csv", "xlsx")


def call_export(request, call_id, fmt):
    if fmt not in EXPORT_FORMATS:  # no other format exists; the name also goes into a header
        raise Http404("No such format")
    call = _call_for_manager(request, call_id)
    if not can(request.user, "proposals.export_proposals", call):
        raise Http404
    panel = selectors.panel_for_call(call=call)
    # The ranking is computed before the first byte (over the whole panel); the proposals are read
    # while the CSV is streamed.
    results = {r.proposal: r for r in selectors.panel_ranked(panel=panel)} if panel is not None else {}
    proposals = selectors.proposals_of_call_for_export(user=request.user, call=call)
    return table_response(
        fmt=fmt,
        filename=f"call-{call.pk}-proposals",
        headers=EXPORT_HEADERS,
        rows=_export_rows(proposals, results),
        stream=True,
    )


# --------------------------------------------------------------------------------------------
# The manager's evaluation page
# --------------------------------------------------------------------------------------------
def _page_param(request, name: str) -> int | None:
    """A page of the evaluation page's tables (`?progress_page=`, `?ranking_page=`, Persian digits
    too); None when it is not a positive whole number."""
    return page_number(request.GET.get(name, "1")) if request.method == "GET" else 1


def _evaluation_context(request, call, **extra):
    panel = selectors.panel_for_call(call=call)
    context = {"call": call, "panel": panel}
    if panel is not None:
        criteria = selectors.rubric(panel=panel)  # read once for the page (progress, ranking, table)
        progress = selectors.panel_progress(
            panel=panel, page=_page_param(request, "progress_page") or 1, criteria=criteria
        )
        ranking = selectors.panel_ranking(
            panel=panel, page=_page_param(request, "ranking_page") or 1, criteria=criteria
        )
        context.update(
            {
                "criteria": criteria,
                "members": progress["members"],
                "invitations": selectors.panel_invitations(panel=panel),
                "progress": progress,
                "ranking": ranking,
                "results": ranking["rows"],
                "settings_form": PanelSettingsForm(instance=panel, initial={"version": panel.version}),
                "criterion_form": CriterionForm(),
                "invite_form": InviteForm(),
                "add_judge_form": AddJudgeForm(queryset=selectors.city_judges_available(panel=panel)),
                "total_weight": sum(c.weight for c in criteria),
            }
        )
    context["errors"] = []
    context.update(extra)
    return context


def evaluation(request, call_id):
    call = _call_for_manager(request, call_id)
    errors = [
        message
        for name, message in (
            ("progress_page", _("The page of the progress table must be a number.")),
            ("ranking_page", _("The page of the ranking must be a number.")),
        )
        if _page_param(request, name) is None
    ]
    if errors:
        context = _evaluation_context(request, call, errors=errors)
        return render(request, "proposals/evaluation.html", context, status=400)
    return render(request, "proposals/evaluation.html", _evaluation_context(request, call))


def _panel_for_manager(request, panel_id) -> Panel:
    panel = Panel.objects.select_related("call", "call__city").filter(pk=panel_id).first()
    if panel is None or not can(request.user, "proposals.manage_evaluation", panel):
        raise Http404("No such panel")
    return panel


def _back(panel_or_call):
    call_id = panel_or_call.call_id if isinstance(panel_or_call, Panel) else panel_or_call.pk
    return redirect("proposals:evaluation", call_id=call_id)


def _refused(request, call, exc, **extra):
    return render(
        request,
        "proposals/evaluation.html",
        _evaluation_context(request, call, errors=_errors(exc), **extra),
        status=400,
    )


@login_required
@require_POST
def panel_create(request, call_id):
    call = _call_for_manager(request, call_id)
    services.panel_create(call=call, by=request.user)
    messages.success(request, _("The panel was created with the call's evaluation criteria."))
    return _back(call)


@login_required
@require_POST
def panel_settings(request, panel_id):
    panel = _panel_for_manager(request, panel_id)
    form = PanelSettingsForm(request.POST, instance=Panel.objects.get(pk=panel.pk))
    if not form.is_valid():
        return render(
            request,
            "proposals/evaluation.html",
            _evaluation_context(request, panel.call, settings_form=form),
            status=400,
        )
    values = {name: form.cleaned_data[name] for name in services.PANEL_SETTINGS}
    try:
        services.panel_update_settings(
            panel=panel, by=request.user, expected_version=form.cleaned_data["version"], **values
        )
    except services.StaleEdit:
        form.add_error(None, _("Someone else changed these settings in the meantime; review and save again."))
        form.data = form.data.copy()
        form.data["version"] = str(Panel.objects.get(pk=panel.pk).version)
        return render(
            request,
            "proposals/evaluation.html",
            _evaluation_context(request, panel.call, settings_form=form),
            status=409,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            return _refused(request, panel.call, exc, settings_form=form)
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return render(
            request,
            "proposals/evaluation.html",
            _evaluation_context(request, panel.call, settings_form=form),
            status=400,
        )
    except services.Refused as exc:
        return _refused(request, panel.call, exc, settings_form=form)
    messages.success(request, pgettext("message", "Settings saved."))
    return _back(panel)


@login_required
@require_POST
def criterion_save(request, panel_id, criterion_id=None):
    panel = _panel_for_manager(request, panel_id)
    criterion = get_object_or_404(RubricCriterion, pk=criterion_id, panel=panel) if criterion_id else None
    form = CriterionForm(request.POST, instance=criterion)
    if not form.is_valid():
        return render(
            request,
            "proposals/evaluation.html",
            _evaluation_context(request, panel.call, criterion_form=form),
            status=400,
        )
    try:
        services.rubric_criterion_save(panel=panel, by=request.user, criterion=criterion, **form.cleaned_data)
    except (services.Refused, ValidationError) as exc:
        return _refused(request, panel.call, exc, criterion_form=form)
    messages.success(request, pgettext("message", "Rubric saved."))
    return _back(panel)


@login_required
@require_POST
def criterion_delete(request, panel_id, criterion_id):
    panel = _panel_for_manager(request, panel_id)
    criterion = get_object_or_404(RubricCriterion, pk=criterion_id, panel=panel)
    try:
        services.rubric_criterion_remove(criterion=criterion, by=request.user)
    except services.Refused as exc:
        return _refused(request, panel.call, exc)
    messages.success(request, pgettext("message", "Criterion removed."))
    return _back(panel)


@login_required
@require_POST
def panel_add_judge(request, panel_id):
    panel = _panel_for_manager(request, panel_id)
    form = AddJudgeForm(request.POST, queryset=selectors.city_judges_available(panel=panel))
    if not form.is_valid():
        return render(
            request,
            "proposals/evaluation.html",
            _evaluation_context(request, panel.call, add_judge_form=form),
            status=400,
        )
    try:
        services.panel_add_city_judge(panel=panel, user=form.cleaned_data["user"], by=request.user)
    except services.Refused as exc:
        return _refused(request, panel.call, exc)
    messages.success(request, _("The judge was added to the panel."))
    return _back(panel)


@login_required
@require_POST
def panel_invite(request, panel_id):
    panel = _panel_for_manager(request, panel_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.panel_invite(panel=panel, email=form.cleaned_data["email"], by=request.user)
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        except services.Refused as exc:
            return _refused(request, panel.call, exc, invite_form=form)
        else:
            messages.success(request, _("The invitation was sent."))
            return _back(panel)
    return render(
        request, "proposals/evaluation.html", _evaluation_context(request, panel.call, invite_form=form), status=400
    )


@login_required
@require_POST
def panel_step(request, panel_id, step):
    """Start scoring, close the panel or remind judges."""
    panel = _panel_for_manager(request, panel_id)
    try:
        if step == "start":
            services.panel_start_scoring(panel=panel, by=request.user)
            messages.success(request, _("Scoring has started; the rubric is frozen."))
        elif step == "close":
            services.panel_close(panel=panel, by=request.user)
            messages.success(request, _("The panel is closed."))
        elif step == "remind":
            n = services.judges_remind(panel=panel, by=request.user)
            messages.success(request, _("Reminders sent: %(n)d.") % {"n": n})
        else:
            raise Http404
    except services.Refused as exc:
        return _refused(request, panel.call, exc)
    return _back(panel)


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not can(request.user, "proposals.decide_proposal", proposal):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                proposal=proposal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except (services.Refused, ValidationError) as exc:
            return render(
                request,
                "proposals/proposal_detail.html",
                _detail_context(request, proposal, decision_form=form, errors=_errors(exc)),
                status=400,
            )
        messages.success(request, pgettext("message", "Decision recorded."))
        return redirect("proposals:evaluation", call_id=proposal.call_id)
    return render(
        request, "proposals/proposal_detail.html", _detail_context(request, proposal, decision_form=form), status=400
    )


@login_required
@require_POST
def proposal_shortlist(request, pk):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not can(request.user, "proposals.decide_proposal", proposal):
        raise Http404
    try:
        services.proposal_shortlist(proposal=proposal, by=request.user, shortlisted=request.POST.get("on") == "1")
    except services.Refused as exc:
        return _refused(request, proposal.call, exc)
    return redirect("proposals:evaluation", call_id=proposal.call_id)


@login_required
@require_POST
def results_publish(request, call_id):
    call = _call_for_manager(request, call_id)
    try:
        services.results_publish(call=call, by=request.user)
    except services.Refused as exc:
        return _refused(request, call, exc)
    messages.success(request, _("The results are published and the applicants notified."))
    return redirect("challenges:call_results", pk=call.pk)


# --------------------------------------------------------------------------------------------
# Judges
# --------------------------------------------------------------------------------------------
def invitation_respond(request, token):
    invitation = services.invitation_get(token=token)
    if invitation is None:
        raise Http404("No such invitation")
    form = AcceptInvitationForm(request.POST or None) if not request.user.is_authenticated else None
    context = {"invitation": invitation, "form": form, "errors": []}
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            services.invitation_decline(invitation=invitation)
            messages.info(request, _("You declined the invitation."))
            return redirect("core:home")
        if form is not None and not form.is_valid():
            return render(request, "proposals/invitation.html", context, status=400)
        try:
            member = services.invitation_accept(
                invitation=invitation,
                user=request.user,
                password=form.cleaned_data["password"] if form else "",
                display_name=form.cleaned_data["display_name"] if form else "",
            )
        except services.Refused as exc:
            context["errors"] = exc.reasons
            return render(request, "proposals/invitation.html", context, status=400)
        if not request.user.is_authenticated:
            login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to the panel."))
        return redirect("proposals:judging")
    return render(request, "proposals/invitation.html", context)


JUDGING_PAGE_SIZE = 50


@login_required
def judging(request):
    """The judge's queue, a page at a time (a judge of many panels has hundreds of proposals)."""
    number = page_number(request.GET.get("page", "1"))
    paginator = CappedPaginator(selectors.judge_queue(user=request.user), JUDGING_PAGE_SIZE, page=number or 1)
    if number is None or number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    page = paginator.page(number)
    return render(request, "proposals/judging.html", {"rows": page.object_list, "page": page})


def judging_proposal(request, pk):
    """Declare a conflict (before seeing the proposal), then score it."""
    proposal = Proposal.objects.select_related("call", "organization").filter(pk=pk).first()
    if proposal is None or not can(request.user, "proposals.declare_conflict", proposal):
        # Not on this call's panel, not scoring, or not submitted: a visible proposal may still be
        # shown read-only by its detail page.
        raise Http404
    member = selectors.panel_member_get(user=request.user, panel=proposal.call.panel)
    declaration = ConflictDeclaration.objects.filter(member=member, proposal=proposal).first()
    panel = member.panel
    if declaration is None:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.conflict_declare(
                    proposal=proposal,
                    by=request.user,
                    has_conflict=form.cleaned_data["conflict"] == "yes",
                    note=form.cleaned_data["note"],
                )
            except services.Refused as exc:
                return render(
                    request,
                    "proposals/declare.html",
                    {"proposal": proposal, "panel": panel, "form": form, "errors": exc.reasons},
                    status=400,
                )
            return redirect("proposals:judging_proposal", pk=proposal.pk)
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "proposals/declare.html",
            {"proposal": proposal, "panel": panel, "form": form, "errors": []},
            status=status,
        )
    if declaration.has_conflict:
        raise Http404  # a declared conflict hides the proposal from this judge
    criteria = selectors.rubric(panel=panel)
    sheet = selectors.sheet_get(member=member, proposal=proposal)
    initial = {"version": sheet.version if sheet else 0}
    if sheet is not None:
        initial["comment"] = sheet.comment
        initial["complete"] = bool(sheet.completed_at)
        for s in sheet.scores.all():
            initial[f"c{s.criterion_id}"] = s.value
            initial[f"comment_{s.criterion_id}"] = s.comment
    form = ScoreSheetForm(request.POST or None, criteria=criteria, initial=initial)
    context = {
        "proposal": proposal,
        "panel": panel,
        "form": form,
        "sheet": sheet,
        "errors": [],
        "show_identity": not panel.blind_review,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "proposals/score.html", context, status=400)
        try:
            services.sheet_save(
                proposal=proposal,
                by=request.user,
                values=form.values(),
                comments=form.comments(),
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
                complete=form.cleaned_data["complete"],
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Your scores for this proposal were saved from another window in the meantime. What you typed "
                    "is kept below; check it and save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = str(selectors.sheet_get(member=member, proposal=proposal).version)
            return render(request, "proposals/score.html", context, status=409)
        except ValidationError as exc:
            _apply_form_errors(form, exc)
            return render(request, "proposals/score.html", context, status=400)
        except services.Refused as exc:
            context["errors"] = exc.reasons
            return render(request, "proposals/score.html", context, status=400)
        messages.success(request, _("Your scores were saved."))
        return redirect("proposals:judging_proposal", pk=proposal.pk)
    return render(request, "proposals/score.html", context)
