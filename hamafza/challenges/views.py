"""Views parse input, call one service or selector, and render. Permissions come from
challenges.rules (through the services and selectors); bad input re-renders the form as typed with
status 400, a refused state change renders its reasons with status 403."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hamafza.challenges import selectors, services
from hamafza.challenges.completeness import canvas_completeness
from hamafza.challenges.eligibility import eligibility_of_organizations
from hamafza.challenges.forms import (
    AnswerForm,
    AttachmentForm,
    CallFilterForm,
    CallSettingsForm,
    CancelForm,
    CanvasForm,
    CommentForm,
    FacilitatorForm,
    InboxFilterForm,
    LinkForm,
    MergeForm,
    NeedForm,
    PreferencesForm,
    QuestionForm,
    RejectForm,
    ReportForm,
)
from hamafza.challenges.models import Call, Need
from hamafza.challenges.notifications import preferences_for
from hamafza.core.models import Unit
from hamafza.core.paging import CappedPaginator
from hamafza.core.selectors import city_get
from hamafza.core.text import normalize
from hamafza.directory.selectors import organizations_of_user

PAGE_SIZE = 20
CITY_CALLS_PER_STATE = 10  # the city's calls page shows this many per state, then "all …"


def refusals(view):
    """Render a refused state change (TransitionRefused) as a 403 page with its reasons."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.TransitionRefused as exc:
            return render(request, "challenges/refused.html", {"reasons": exc.reasons}, status=403)

    return wrapper


def _add_errors(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's errors on the form (``aliases``: the form's name of a service field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page(request, qs, number, *, ids_first=False):
    number = number or 1
    paginator = CappedPaginator(qs, PAGE_SIZE, page=number, ids_first=ids_first)
    if number > paginator.num_pages and number != 1:
        raise Http404("No such page")
    return paginator.get_page(number)


# --------------------------------------------------------------------------------------------
# Public side: calls
# --------------------------------------------------------------------------------------------
def call_list(request):
    form = CallFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "challenges/call_list.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if request.GET else {}
    my_orgs = list(organizations_of_user(user=request.user))
    qs = selectors.call_list_public(
        status=data.get("status") or "open",
        city=data.get("city"),
        domain=data.get("domain"),
        capability=data.get("capability"),
        closes_before=data.get("closes_before"),
        q=normalize(data.get("q") or ""),
        open_to_organizations=[o.pk for o in my_orgs] if data.get("mine") else None,
    )
    # the calls open to my organizations: the page's ids from the indexes, then its rows (page_rows)
    page = _page(request, qs, data.get("page"), ids_first=bool(data.get("mine")))
    return render(
        request,
        "challenges/call_list.html",
        {
            "form": form,
            "page": page,
            "calls": page.object_list,
            "total": page.paginator.count_shown,
            "total_exact": page.paginator.count_exact,
            "has_orgs": bool(my_orgs),
            "now": timezone.now(),
        },
    )


def call_detail(request, pk):
    call = selectors.call_get(pk=pk, user=request.user)
    orgs = list(organizations_of_user(user=request.user))
    eligibility = eligibility_of_organizations(call=call, organizations=orgs)
    can_ask = request.user.has_perm("challenges.ask_question", call)
    return render(
        request,
        "challenges/call_detail.html",
        {
            "call": call,
            "canvas": call.canvas,
            "eligibility": eligibility,
            "questions": selectors.call_questions_public(call=call),
            "question_form": QuestionForm(organizations=organizations_of_user(user=request.user)) if can_ask else None,
            "can_ask": can_ask,
            "following": selectors.call_is_followed(call=call, user=request.user),
            "can_follow": request.user.has_perm("challenges.follow_call", call),
            "can_manage": request.user.has_perm("challenges.view_call_internal", call),
            "is_open": call.is_open(),
        },
    )


def call_results(request, pk):
    call = selectors.call_get(pk=pk, user=request.user)
    if not call.is_public:
        raise Http404("No results")
    results = list(call.results.select_related("organization"))
    return render(
        request,
        "challenges/call_results.html",
        {
            "call": call,
            "awarded": [r for r in results if r.outcome == "awarded"],
            "not_awarded": [r for r in results if r.outcome == "not_awarded"],
            "links": selectors.result_links(call=call),
        },
    )


@login_required
@require_POST
def call_follow(request, pk):
    call = selectors.call_get(pk=pk, user=request.user)
    follow = request.POST.get("follow", "1") == "1"
    services.call_follow(call=call, by=request.user, follow=follow)
    messages.success(request, _("You follow this call.") if follow else _("You no longer follow this call."))
    return redirect("challenges:call_detail", pk=call.pk)


@login_required
@require_POST
def question_ask(request, pk):
    call = selectors.call_get(pk=pk, user=request.user)
    if not request.user.has_perm("challenges.ask_question", call):
        raise PermissionDenied
    form = QuestionForm(request.POST, organizations=organizations_of_user(user=request.user))
    if form.is_valid():
        try:
            services.question_ask(
                call=call,
                by=request.user,
                question=form.cleaned_data["question"],
                organization=form.cleaned_data.get("organization"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your question was sent. It will be published with its answer."))
            return redirect("challenges:call_detail", pk=call.pk)
    return render(request, "challenges/question_form.html", {"call": call, "form": form}, status=400)


# --------------------------------------------------------------------------------------------
# Intake: unit needs and citizen reports
# --------------------------------------------------------------------------------------------
def _staff_units(user, city):
    return Unit.objects.filter(staff__user=user, staff__city=city, staff__role="unit_staff").distinct()


def _draft_from_post(request, city):
    """The draft being typed (its id comes back from the first autosave)."""
    raw = request.POST.get("need_id") or ""
    if not raw.isdigit():
        return None
    need = Need.objects.filter(pk=int(raw), submitted_by=request.user).first()
    if need is None or (city is not None and need.city_id != city.pk):
        return None
    return need


def _save_draft(request, form, *, city, need, source):
    values = form.values()
    capabilities = values.pop("capabilities", None)
    return services.need_save_draft(
        by=request.user, city=city, need=need, source=source, capabilities=capabilities, **values
    )


def _autosave_response(request, need, error=""):
    return render(request, "challenges/_autosave_status.html", {"need": need, "error": error, "now": timezone.now()})


@login_required
def need_list(request, city_slug):
    city = city_get(slug=city_slug)
    if not request.user.has_perm("challenges.submit_need", city):
        raise PermissionDenied
    needs = selectors.need_list_for_user(city=city, user=request.user)
    page = _page(request, needs, _int_param(request, "page"))
    return render(request, "challenges/need_list.html", {"city": city, "page": page, "needs": page.object_list})


def _int_param(request, name):
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 6:
        raise Http404("Bad page")
    return int(value)


@login_required
def need_form(request, city_slug, pk=None):
    """Create or edit a unit's need; autosaved as a draft while typed; submitted with action=submit."""
    city = city_get(slug=city_slug)
    if pk is None:
        if not request.user.has_perm("challenges.submit_need", city):
            raise PermissionDenied
        need = _draft_from_post(request, city) if request.method == "POST" else None
    else:
        need = selectors.need_get(city=city, pk=pk, user=request.user, perm="challenges.change_need")
    units = _staff_units(request.user, city)
    if request.method != "POST":
        initial = NeedForm.initial_from(need) if need else {}
        form = NeedForm(initial=initial, units=units)
        return render(
            request,
            "challenges/need_form.html",
            {"city": city, "form": form, "need": need, "attach_form": AttachmentForm()},
        )
    form = NeedForm(request.POST, units=units)
    attach_form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "challenges/need_form.html",
            {"city": city, "form": form, "need": need, "attach_form": attach_form},
            status=400,
        )
    need = _save_draft(request, form, city=city, need=need, source=Need.Source.UNIT)
    if request.FILES.get("file"):
        if attach_form.is_valid():
            try:
                services.attachment_add(need=need, by=request.user, uploaded=attach_form.cleaned_data["file"])
            except ValidationError as exc:
                _add_errors(attach_form, exc)
        if attach_form.errors:
            return render(
                request,
                "challenges/need_form.html",
                {"city": city, "form": form, "need": need, "attach_form": attach_form},
                status=400,
            )
    if request.POST.get("action") == "submit":
        try:
            services.need_submit(need=need, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
            return render(
                request,
                "challenges/need_form.html",
                {"city": city, "form": form, "need": need, "attach_form": AttachmentForm()},
                status=400,
            )
        messages.success(request, _("Your need was sent to the city's innovation manager."))
        return redirect("challenges:need_detail", city_slug=city.slug, pk=need.pk)
    messages.success(request, pgettext("message", "Draft saved."))
    return redirect("challenges:need_edit", city_slug=city.slug, pk=need.pk)


@login_required
@require_POST
def need_autosave(request, city_slug):
    """htmx: save the need being typed as a draft (no validation of required fields)."""
    city = city_get(slug=city_slug)
    need = _draft_from_post(request, city)
    if need is None and not request.user.has_perm("challenges.submit_need", city):
        raise PermissionDenied
    if need is not None and not request.user.has_perm("challenges.change_need", need):
        return _autosave_response(request, need, error=_("This need is no longer a draft."))
    form = NeedForm(request.POST, units=_staff_units(request.user, city))
    if not form.is_valid():
        return _autosave_response(request, need, error=_("Not saved yet: check the highlighted fields."))
    need = _save_draft(request, form, city=city, need=need, source=Need.Source.UNIT)
    return _autosave_response(request, need)


@login_required
def report_problem(request):
    """A citizen reports an urban problem (moderated before triage); autosaved while typed."""
    need = _draft_from_post(request, None) if request.method == "POST" else None
    if need is None and request.GET.get("draft", "").isdigit():
        need = Need.objects.filter(
            pk=int(request.GET["draft"]), submitted_by=request.user, status=Need.Status.DRAFT
        ).first()
    if request.method != "POST":
        initial = {}
        if need:
            initial = {
                "city": need.city_id,
                "title": need.title,
                "description": need.description,
                "location": need.location,
                "domain": need.domain_id,
            }
        return render(request, "challenges/report_form.html", {"form": ReportForm(initial=initial), "need": need})
    form = ReportForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("city"):
        if form.is_valid():
            form.add_error("city", _("Choose the city where the problem is."))
        return render(request, "challenges/report_form.html", {"form": form, "need": need}, status=400)
    city = form.cleaned_data["city"]
    if need is not None and need.city_id != city.pk:
        need.city = city
    need = services.need_save_draft(by=request.user, city=city, need=need, source=Need.Source.CITIZEN, **form.values())
    if request.POST.get("action") == "submit":
        try:
            services.need_submit(need=need, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
            return render(request, "challenges/report_form.html", {"form": form, "need": need}, status=400)
        messages.success(request, _("Thank you. Your report will be reviewed by the city."))
        return redirect("challenges:my_reports")
    messages.success(request, pgettext("message", "Draft saved."))
    return redirect(reverse("challenges:report_problem") + f"?draft={need.pk}")


@login_required
@require_POST
def report_autosave(request):
    need = _draft_from_post(request, None)
    if need is not None and need.status != Need.Status.DRAFT:
        return _autosave_response(request, need, error=_("This report is no longer a draft."))
    form = ReportForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("city"):
        return _autosave_response(request, need, error=_("Choose a city to save a draft."))
    city = form.cleaned_data["city"]
    if need is not None:
        need.city = city
    need = services.need_save_draft(by=request.user, city=city, need=need, source=Need.Source.CITIZEN, **form.values())
    return _autosave_response(request, need)


@login_required
def my_reports(request):
    return render(request, "challenges/my_reports.html", {"needs": selectors.reports_of_user(user=request.user)})


@login_required
def need_detail(request, city_slug, pk):
    city = city_get(slug=city_slug)
    need = selectors.need_get(city=city, pk=pk, user=request.user)
    can_triage = request.user.has_perm("challenges.triage_need", need)
    context = {
        "city": city,
        "need": need,
        "can_triage": can_triage,
        "can_edit": request.user.has_perm("challenges.change_need", need),
        "calls": need.calls.all(),
        "related": need.related.select_related("city").all(),
    }
    if can_triage:
        similar = selectors.need_similar(need=need)
        context.update(similar=similar, reject_form=RejectForm(), merge_form=_merge_form(need, similar))
    return render(request, "challenges/need_detail.html", context)


def _merge_form(need, similar) -> MergeForm:
    """The merge form as the page shows it: the similar needs of the city among the merge targets
    (a city has thousands of needs: listing them all made the page megabytes long, issue 19)."""
    shown = [s.need.pk for s in similar if s.same_city]
    return MergeForm(targets=selectors.need_merge_targets(need=need), shown=shown)


@login_required
def attachment_download(request, city_slug, pk, attachment_pk):
    city = city_get(slug=city_slug)
    need = selectors.need_get(city=city, pk=pk, user=request.user)
    attachment = need.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("File missing") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------------------------
# Triage
# --------------------------------------------------------------------------------------------
@login_required
def triage_inbox(request, city_slug):
    city = city_get(slug=city_slug)
    if not request.user.has_perm("challenges.view_triage", city):
        raise PermissionDenied
    form = InboxFilterForm(request.GET or None, city=city)
    if request.GET and not form.is_valid():
        return render(request, "challenges/triage_inbox.html", {"city": city, "form": form, "page": None}, status=400)
    data = form.cleaned_data if request.GET else {}
    qs = selectors.need_inbox(
        city=city,
        status=data.get("status") or "",
        source=data.get("source") or "",
        unit=data.get("unit"),
        domain=data.get("domain"),
        urgency=data.get("urgency") or "",
        q=normalize(data.get("q") or ""),
    )
    page = _page(request, qs, data.get("page"))
    return render(
        request, "challenges/triage_inbox.html", {"city": city, "form": form, "page": page, "needs": page.object_list}
    )


@login_required
@require_POST
@refusals
def need_triage(request, city_slug, pk, action):
    city = city_get(slug=city_slug)
    need = selectors.need_get(city=city, pk=pk, user=request.user, perm="challenges.triage_need")
    detail = redirect("challenges:need_detail", city_slug=city.slug, pk=need.pk)
    if action == "accept":
        call = services.need_accept(need=need, by=request.user)
        messages.success(request, _("The need was accepted. Define the problem on its canvas."))
        return redirect("challenges:call_manage", city_slug=city.slug, pk=call.pk)
    if action == "approve":
        services.need_approve_report(need=need, by=request.user)
        messages.success(request, _("The report is now in the triage inbox."))
        return detail
    if action == "reject":
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                services.need_reject(need=need, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The need was rejected and its submitter told why."))
                return redirect("challenges:triage_inbox", city_slug=city.slug)
        return _triage_form_error(request, city, need, reject_form=form)
    if action == "merge":
        form = MergeForm(request.POST, targets=selectors.need_merge_targets(need=need))
        if form.is_valid():
            try:
                services.need_merge(need=need, into=form.cleaned_data["into"], by=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The duplicate was merged."))
                return redirect("challenges:triage_inbox", city_slug=city.slug)
        return _triage_form_error(request, city, need, merge_form=form)
    if action == "link":
        form = LinkForm(request.POST)
        if not form.is_valid():
            return render(request, "400.html", status=400)
        try:
            services.need_link(need=need, other=form.cleaned_data["other"], by=request.user)
        except ValidationError:
            return render(request, "400.html", status=400)
        messages.success(request, _("The needs are now linked."))
        return detail
    raise Http404("No such action")


def _triage_form_error(request, city, need, **forms):
    context = {
        "city": city,
        "need": need,
        "can_triage": True,
        "calls": need.calls.all(),
        "related": need.related.select_related("city").all(),
        "reject_form": RejectForm(),
    }
    context["similar"] = similar = selectors.need_similar(need=need)
    context["merge_form"] = _merge_form(need, similar)
    if "merge_form" in forms:  # shown again with its errors, listing the same bounded choices
        forms["merge_form"].fields["into"].queryset = context["merge_form"].fields["into"].queryset
    context.update(forms)
    return render(request, "challenges/need_detail.html", context, status=400)


# --------------------------------------------------------------------------------------------
# City side: calls, canvas, settings
# --------------------------------------------------------------------------------------------
@login_required
def city_calls(request, city_slug):
    city = city_get(slug=city_slug)
    if not (
        request.user.has_perm("challenges.view_city_calls", city)
        or selectors.facilitator_calls(user=request.user).filter(city=city).exists()
    ):
        raise PermissionDenied
    calls = selectors.city_call_list(city=city, user=request.user)
    counts = selectors.city_call_counts(calls)
    labels = dict(Call.State.choices)
    state = request.GET.get("state", "")
    if state and state not in labels:
        return render(request, "400.html", status=400)
    page = None
    groups = []
    if state:
        # one state's calls, paginated (issue 19: a city like Tehran has thousands)
        number = request.GET.get("page", "1")
        if not number.isdigit() or not 1 <= int(number) <= 100_000:
            return render(request, "400.html", status=400)
        page = _page(request, calls.filter(state=state), int(number))
        groups.append((state, labels[state], list(page.object_list), counts.get(state, 0)))
    else:
        # every state with calls: its most recent ones (three queries for all the states)
        shown = [value for value, _label in Call.State.choices if counts.get(value)]
        recent = selectors.city_calls_by_state(calls, states=shown, per_state=CITY_CALLS_PER_STATE)
        for value, label in Call.State.choices:
            if counts.get(value):
                groups.append((value, label, recent.get(value, []), counts[value]))
    return render(
        request,
        "challenges/city_calls.html",
        {
            "city": city,
            "groups": groups,
            "state": state,
            "page": page,
            "total": sum(counts.values()),
            "per_state": CITY_CALLS_PER_STATE,
            "can_triage": request.user.has_perm("challenges.view_triage", city),
        },
    )


def _internal_call(request, city_slug, pk, perm="challenges.view_call_internal"):
    city = city_get(slug=city_slug)
    return city, selectors.call_get(pk=pk, user=request.user, city=city, perm=perm)


@login_required
def call_manage(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk)
    can_manage = request.user.has_perm("challenges.manage_call", call)
    completeness = canvas_completeness(services.canvas_data(call))
    context = {
        "city": city,
        "call": call,
        "completeness": completeness,
        "transitions": services.allowed_transitions(call=call, user=request.user),
        "history": selectors.call_transitions(call=call),
        "facilitators": call.facilitators.all(),
        "invited": call.invited_organizations.order_by("name"),
        "can_manage": can_manage,
        "can_edit_canvas": request.user.has_perm("challenges.change_canvas", call),
        "publication_problems": services.call_publication_problems(call) if call.state == "ready" else [],
        "cancel_form": CancelForm(),
    }
    if can_manage:
        # Only people not yet assigned; with nobody left the page says why instead of an empty list.
        candidates = selectors.facilitator_candidates(city=city).exclude(facilitated_calls=call)
        context["facilitator_form"] = FacilitatorForm(candidates=candidates) if candidates.exists() else None
        context["questions"] = [
            (q, AnswerForm(initial={"answer": q.answer, "publish": True}, prefix=f"q{q.pk}"))
            for q in selectors.call_questions_all(call=call)
        ]
    return render(request, "challenges/call_manage.html", context)


def _canvas_context(request, city, call, form, **extra):
    values = form.values() if form.is_bound and hasattr(form, "cleaned_data") else None
    data = (
        dict(values, pilot_unit=values["pilot_unit"].pk if values and values["pilot_unit"] else None)
        if values
        else services.canvas_data(call)
    )
    return {
        "city": city,
        "call": call,
        "form": form,
        "completeness": canvas_completeness(data),
        "comments": call.canvas.comments.select_related("author"),
        "comment_form": CommentForm(),
        "can_comment": request.user.has_perm("challenges.comment_canvas", call),
        **extra,
    }


@login_required
def canvas_edit(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk)
    if not request.user.has_perm("challenges.change_canvas", call):
        if request.method == "POST":
            raise PermissionDenied
        return redirect("challenges:call_manage", city_slug=city.slug, pk=call.pk)
    if request.method != "POST":
        form = CanvasForm(initial=CanvasForm.initial_from(call), city=city)
        return render(request, "challenges/canvas_form.html", _canvas_context(request, city, call, form))
    form = CanvasForm(request.POST, city=city)
    if not form.is_valid():
        return render(request, "challenges/canvas_form.html", _canvas_context(request, city, call, form), status=400)
    values = form.values()
    capabilities = values.pop("capabilities")
    try:
        services.canvas_update(
            call=call,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            capabilities=capabilities,
            **values,
        )
    except services.CanvasConflict as exc:
        # Keep what this user typed; let them re-save on top of the newer version knowingly.
        data = request.POST.copy()
        data["version"] = exc.canvas.version
        form = CanvasForm(data, city=city)
        form.is_valid()
        return render(
            request,
            "challenges/canvas_form.html",
            _canvas_context(request, city, call, form, conflict=exc.canvas),
            status=409,
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return render(request, "challenges/canvas_form.html", _canvas_context(request, city, call, form), status=400)
    messages.success(request, _("The canvas was saved."))
    return redirect("challenges:canvas_edit", city_slug=city.slug, pk=call.pk)


@login_required
@require_POST
def canvas_completeness_preview(request, city_slug, pk):
    """htmx: the completeness of the canvas as currently typed (nothing is saved)."""
    city, call = _internal_call(request, city_slug, pk)
    if not request.user.has_perm("challenges.change_canvas", call):
        raise PermissionDenied
    form = CanvasForm(request.POST, city=city)
    form.is_valid()
    values = {}
    for key, value in form.values().items() if hasattr(form, "cleaned_data") else []:
        values[key] = value
    values["pilot_unit"] = values["pilot_unit"].pk if values.get("pilot_unit") else None
    return render(
        request,
        "challenges/_completeness.html",
        {"completeness": canvas_completeness(values), "form_errors": bool(form.errors)},
    )


@login_required
def canvas_history(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk)
    versions = list(selectors.canvas_versions(canvas=call.canvas))
    diff = old = new = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a or b:
        if not (a and b and a.isdigit() and b.isdigit() and len(a) < 7 and len(b) < 7):
            return render(request, "400.html", status=400)
        old = selectors.canvas_version_get(canvas=call.canvas, number=int(a))
        new = selectors.canvas_version_get(canvas=call.canvas, number=int(b))
        diff = selectors.canvas_diff(old=old, new=new)
    return render(
        request,
        "challenges/canvas_history.html",
        {"city": city, "call": call, "versions": versions, "diff": diff, "old": old, "new": new},
    )


@login_required
@require_POST
def canvas_comment(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.canvas_comment_add(call=call, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment was added."))
        return redirect(reverse("challenges:canvas_edit", args=[city.slug, call.pk]) + "#comments")
    if not request.user.has_perm("challenges.comment_canvas", call):
        raise PermissionDenied
    return render(request, "challenges/comment_form.html", {"city": city, "call": call, "form": form}, status=400)


@login_required
@refusals
def call_settings(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk, perm="challenges.manage_call")
    if request.method != "POST":
        form = CallSettingsForm(initial=CallSettingsForm.initial_from(call))
        return render(request, "challenges/call_settings.html", {"city": city, "call": call, "form": form})
    form = CallSettingsForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        invited = data.pop("invited")
        try:
            services.call_update_settings(call=call, by=request.user, invited_organizations=invited, **data)
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"invited_organizations": "invited"})
        else:
            messages.success(request, _("The call's settings were saved."))
            return redirect("challenges:call_manage", city_slug=city.slug, pk=call.pk)
    return render(request, "challenges/call_settings.html", {"city": city, "call": call, "form": form}, status=400)


@login_required
@require_POST
@refusals
def call_transition(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk)
    to = request.POST.get("to", "")
    if to not in Call.State.values:
        return render(request, "400.html", status=400)
    try:
        call = services.call_transition(call=call, to=to, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        form = CancelForm(request.POST)
        _add_errors(form, exc)
        return render(request, "challenges/cancel_form.html", {"city": city, "call": call, "form": form}, status=400)
    messages.success(request, _("The call is now: %(state)s.") % {"state": call.get_state_display()})
    return redirect("challenges:call_manage", city_slug=city.slug, pk=call.pk)


@login_required
@require_POST
def call_facilitators(request, city_slug, pk):
    city, call = _internal_call(request, city_slug, pk, perm="challenges.manage_call")
    form = FacilitatorForm(request.POST, candidates=selectors.facilitator_candidates(city=city))
    if not form.is_valid():
        return render(request, "400.html", status=400)
    user = form.cleaned_data["user"]
    if request.POST.get("remove") == "1":
        services.call_remove_facilitator(call=call, by=request.user, user=user)
        messages.success(request, _("The facilitator was removed."))
    else:
        services.call_assign_facilitator(call=call, by=request.user, user=user)
        messages.success(request, _("The facilitator was assigned."))
    return redirect("challenges:call_manage", city_slug=city.slug, pk=call.pk)


@login_required
@require_POST
def question_answer(request, city_slug, pk, question_pk):
    city, call = _internal_call(request, city_slug, pk, perm="challenges.manage_call")
    question = call.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404("No such question")
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        services.question_answer(
            question=question, by=request.user, answer=form.cleaned_data["answer"], publish=form.cleaned_data["publish"]
        )
        messages.success(request, _("The answer was saved."))
        return redirect(reverse("challenges:call_manage", args=[city.slug, call.pk]) + "#questions")
    return render(
        request,
        "challenges/answer_form.html",
        {"city": city, "call": call, "question": question, "form": form},
        status=400,
    )


# --------------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------------
@login_required
def notifications(request):
    page = _page(request, selectors.notification_list(user=request.user), _int_param(request, "page"))
    return render(request, "challenges/notifications.html", {"page": page, "items": page.object_list})


@login_required
@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("challenges:notifications")


@login_required
def notification_preferences(request):
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(user=request.user, preferences=form.preferences())
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("challenges:notification_preferences")
    return render(request, "challenges/notification_preferences.html", {"form": form})
