from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hamafza.core.paging import CappedPaginator
from hamafza.directory import selectors, services
from hamafza.directory.forms import OrganizationFilterForm, OrganizationForm

PAGE_SIZE = 24


def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "directory/organization_list.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if request.GET else {}
    page_number = (form.cleaned_data.get("page") if request.GET else None) or 1
    paginator = CappedPaginator(selectors.organization_list(**filters), PAGE_SIZE, page=page_number)
    if page_number > paginator.num_pages and page_number != 1:
        return render(request, "404.html", status=404)
    page = paginator.get_page(page_number)
    return render(
        request,
        "directory/organization_list.html",
        {
            "form": form,
            "page": page,
            "organizations": page.object_list,
            "total": paginator.count_shown,
            "total_exact": paginator.count_exact,
        },
    )


def organization_detail(request, slug):
    org = selectors.organization_get(slug=slug)
    return render(
        request,
        "directory/organization_detail.html",
        {
            "org": org,
            "can_edit": request.user.has_perm("directory.change_organization", org),
            "can_verify": request.user.has_perm("directory.verify_organization", org),
            "sections": selectors.profile_sections(organization=org),
        },
    )


@login_required
def organization_edit(request, slug):
    org = selectors.organization_get(slug=slug)
    if not request.user.has_perm("directory.change_organization", org):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            capabilities = data.pop("capabilities")
            services.organization_update(organization=org, by=request.user, capabilities=capabilities, **data)
            messages.success(request, _("The organization's profile has been saved."))
            return redirect("directory:organization_detail", slug=org.slug)
        return render(request, "directory/organization_form.html", {"form": form, "org": org}, status=400)
    return render(request, "directory/organization_form.html", {"form": form, "org": org})


@login_required
@require_POST
def organization_verify(request, slug):
    org = selectors.organization_get(slug=slug)
    if not request.user.has_perm("directory.verify_organization", org):
        raise PermissionDenied
    verified = request.POST.get("verified", "1") == "1"
    services.organization_verify(organization=org, by=request.user, verified=verified)
    messages.success(
        request, pgettext("message", "Verified.") if verified else pgettext("message", "Verification removed.")
    )
    return redirect("directory:organization_detail", slug=org.slug)
