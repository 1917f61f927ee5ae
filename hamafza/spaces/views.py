"""Pages of co-working spaces: the spaces of a city, a space with its desks and rooms, a resource's
day and week in Jalali, the booking form, "my bookings" with cancellation and a booking's `.ics`.

Views parse the request, ask ``spaces.rules``, call one selector or service and render. A space
the user may not see is a 404; a booking of someone else is a 404 (its details are not shown at
all); the resource's rules refuse with the form's errors and a 400; a taken slot with the form and
a 409 naming the conflicting slot.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamafza.challenges import parsing
from hamafza.core import selectors as core_selectors
from hamafza.spaces import forms, ical, selectors, services
from hamafza.spaces.models import Space
from hamafza.spaces.rules import can

PAGE_SIZE = 25


class BadRequest(Exception):
    pass


def _day_param(request) -> datetime.date:
    """?date= as ISO (2026-12-07) or Jalali (1405/09/16), any digits; today when absent."""
    text = request.GET.get("date", "")
    if not text:
        return selectors.today()
    try:
        day, _time = parsing.parse_date_text(text)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return day


def _page_number(request) -> int:
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError as exc:
        raise BadRequest(_("Invalid page number.")) from exc
    if number < 1:
        raise Http404("No such page")
    return number


def _bad(request, message: str):
    return render(request, "400.html", {"reason": message}, status=400)


def space_list(request, city_slug=None):
    """The open spaces of every city, or of one city (``/c/<city>/spaces/``), paginated."""
    city = core_selectors.city_get(slug=city_slug) if city_slug else None
    try:
        number = _page_number(request)
    except BadRequest as exc:
        return _bad(request, str(exc))
    paginator = Paginator(selectors.space_list(user=request.user, city=city), PAGE_SIZE)
    if number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    return render(
        request,
        "spaces/space_list.html",
        {
            "city": city,
            "page": paginator.get_page(number),
            "cities": core_selectors.city_list(),
            "can_create": city is not None
            and request.user.is_authenticated
            and (
                can(request.user, "spaces.create_space", Space(city=city))
                or bool(selectors.admin_organization_ids(request.user))
            ),
        },
    )


def space_detail(request, slug):
    space = selectors.space_get(user=request.user, slug=slug)
    manager = can(request.user, "spaces.manage_space", space)
    upcoming = []
    if manager:
        upcoming = list(
            selectors.bookings_of_space(space=space, start=selectors.at(selectors.today(), datetime.time()))[:50]
        )
    return render(
        request,
        "spaces/space_detail.html",
        {
            "space": space,
            "resources": list(selectors.resources_of(space=space, include_inactive=manager)),
            "week": selectors.week_opening_hours(space=space),
            "manager": manager,
            "upcoming": upcoming,
            "today": selectors.today(),
        },
    )


def _resource(request, slug, resource_id):
    space = selectors.space_get(user=request.user, slug=slug)
    return selectors.resource_get(space=space, pk=resource_id)


def _grid_page(request, slug, resource_id, *, grid_of, template):
    """A resource's day or week: `grid_of` is ``selectors.day_grid`` or ``selectors.week_grid``."""
    resource = _resource(request, slug, resource_id)
    try:
        day = _day_param(request)
    except BadRequest as exc:
        return _bad(request, str(exc))
    manager = can(request.user, "spaces.manage_space", resource.space)
    context = {
        "resource": resource,
        "space": resource.space,
        "grid": grid_of(resource=resource, day=day, user=request.user, manager=manager),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "can_book": can(request.user, "spaces.book_resource", resource),
    }
    return render(request, template, context)


def resource_day(request, slug, resource_id):
    return _grid_page(request, slug, resource_id, grid_of=selectors.day_grid, template="spaces/resource_day.html")


def resource_week(request, slug, resource_id):
    return _grid_page(request, slug, resource_id, grid_of=selectors.week_grid, template="spaces/resource_week.html")


@login_required
def resource_book(request, slug, resource_id):
    """The booking form. GET ``?date=&start=`` pre-fills it from a free slot of the day view."""
    resource = _resource(request, slug, resource_id)
    if not can(request.user, "spaces.book_resource", resource):
        raise PermissionDenied("spaces.book_resource")
    status = 200
    if request.method == "POST":
        form = forms.BookingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_create(
                    resource=resource,
                    by=request.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    attendees=data["attendees"],
                    purpose=data.get("purpose") or "",
                )
            except ValidationError as exc:
                _form_errors(form, exc, rename={"starts_at": "start", "ends_at": "end"})
                status = 400
            except services.BookingRefused as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
                status = 409
            else:
                messages.success(
                    request,
                    _("Booked: %(resource)s, %(slot)s.")
                    % {"resource": resource.name, "slot": services.slot_text(booking.starts_at, booking.ends_at)},
                )
                return redirect(reverse("spaces:my_bookings"))
        else:
            status = 400
    else:
        initial = {}
        try:
            initial["date"] = _day_param(request) if request.GET.get("date") else None
        except BadRequest:
            initial["date"] = None
        start = forms.TimeTextField(required=False)
        try:
            begin = start.clean(request.GET.get("start", ""))
        except ValidationError:
            begin = None
        if begin is not None:
            initial["start"] = begin
            end = (datetime.datetime.combine(datetime.date(2000, 1, 1), begin) + datetime.timedelta(hours=1)).time()
            initial["end"] = end if end > begin else None
        form = forms.BookingForm(initial={k: v for k, v in initial.items() if v is not None})
    return render(
        request,
        "spaces/booking_form.html",
        {
            "resource": resource,
            "space": resource.space,
            "form": form,
            "week": selectors.week_opening_hours(space=resource.space),
        },
        status=status,
    )


@login_required
def my_bookings(request):
    past = request.GET.get("past") == "1"
    try:
        number = _page_number(request)
    except BadRequest as exc:
        return _bad(request, str(exc))
    paginator = Paginator(selectors.bookings_of(user=request.user, upcoming=not past), PAGE_SIZE)
    if number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    return render(request, "spaces/my_bookings.html", {"page": paginator.get_page(number), "past": past})


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = selectors.booking_get_for(user=request.user, pk=pk)
    try:
        services.booking_cancel(booking=booking, by=request.user)
    except services.BookingRefused as exc:
        for reason in exc.reasons:
            messages.error(request, reason)
    else:
        messages.success(
            request,
            _("Cancelled: %(resource)s, %(slot)s.")
            % {"resource": booking.resource.name, "slot": services.slot_text(booking.starts_at, booking.ends_at)},
        )
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(reverse("spaces:my_bookings"))


@login_required
def booking_ics(request, pk):
    booking = selectors.booking_get_for(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("spaces:space_detail", args=[booking.resource.space.slug]))
    response = HttpResponse(
        ical.booking_calendar(booking=booking, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------------
# Managers' pages: create and change a space (with its opening hours), its desks and rooms
# ------------------------------------------------------------------------------------------------
def _form_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """A service's refusal on the form: each field's errors on the form's field of that name (or
    `rename`'s), the rest on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = (rename or {}).get(field, field)
            if field.startswith("weekday_"):
                field = f"close_{field.removeprefix('weekday_')}"
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _runner_choices(user, city):
    """Who the user may make run a new space of `city`: the city and its units (its innovation
    managers, platform admins), the organizations the user is an admin of."""
    units = []
    if can(user, "spaces.create_space", Space(city=city)):
        units = list(selectors.units_of(city=city))
    organizations = list(selectors.admin_organizations(user=user))
    return units, organizations


@login_required
def space_create(request, city_slug):
    city = core_selectors.city_get(slug=city_slug)
    units, organizations = _runner_choices(request.user, city)
    city_allowed = can(request.user, "spaces.create_space", Space(city=city))
    if not organizations and not city_allowed:
        raise PermissionDenied("spaces.create_space")
    form = forms.SpaceForm(request.POST or None, units=units, organizations=organizations, city_allowed=city_allowed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                space = services.space_create(
                    city=city,
                    by=request.user,
                    unit=data["unit"],
                    organization=data["organization"],
                    **form.service_values(),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The space is created. Add its desks and rooms."))
                return redirect(reverse("spaces:resource_create", args=[space.slug]))
        else:
            status = 400
    return render(request, "spaces/space_form.html", {"form": form, "city": city}, status=status)


def _managed_space(request, slug) -> Space:
    space = selectors.space_get(user=request.user, slug=slug)
    if not can(request.user, "spaces.manage_space", space):
        raise PermissionDenied("spaces.manage_space")
    return space


@login_required
def space_edit(request, slug):
    space = _managed_space(request, slug)
    form = forms.SpaceForm(request.POST or None, space=space)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.space_update(space=space, by=request.user, **form.service_values())
            except ValidationError as exc:
                _form_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The space is saved."))
                return redirect(reverse("spaces:space_detail", args=[space.slug]))
        else:
            status = 400
    return render(request, "spaces/space_form.html", {"form": form, "space": space, "city": space.city}, status=status)


def _resource_form_page(request, space, resource=None):
    form = forms.ResourceForm(request.POST or None, resource=resource)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resource_save(space=space, by=request.user, resource=resource, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The desk or room is saved."))
                return redirect(reverse("spaces:space_detail", args=[space.slug]))
        else:
            status = 400
    return render(
        request, "spaces/resource_form.html", {"form": form, "space": space, "resource": resource}, status=status
    )


@login_required
def resource_create(request, slug):
    return _resource_form_page(request, _managed_space(request, slug))


@login_required
def resource_edit(request, slug, resource_id):
    space = _managed_space(request, slug)
    return _resource_form_page(request, space, selectors.resource_get(space=space, pk=resource_id))


@login_required
@require_POST
def resource_deactivate(request, slug, resource_id):
    """Stop new bookings of a desk or room (existing bookings stay); or take them again."""
    space = _managed_space(request, slug)
    resource = selectors.resource_get(space=space, pk=resource_id)
    active = request.POST.get("active") == "1"
    services.resource_save(space=space, by=request.user, resource=resource, is_active=active)
    if active:
        messages.success(request, _("%(resource)s takes bookings again.") % {"resource": resource.name})
    else:
        messages.success(
            request, _("%(resource)s takes no new bookings; existing bookings stay.") % {"resource": resource.name}
        )
    return redirect(reverse("spaces:space_detail", args=[space.slug]))
