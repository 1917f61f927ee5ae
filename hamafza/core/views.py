from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache

from hamafza.core import hooks, selectors, workspace

FAVICON = Path(__file__).resolve().parent / "static" / "hamafza" / "favicon.ico"


def home(request):
    context = {
        "cities": selectors.city_list(),
        "domains": selectors.taxonomy_tree(),
        "panels": workspace.visitor_panels(request),
    }
    for extra in hooks.home_context.results():
        context.update(extra)
    return render(request, "core/home.html", context)


@login_required
def my_workspace(request):
    """The signed-in person's workspace: the panels of their roles (ADR 0022)."""
    ws = workspace.workspace_for(request, city_slug=request.GET.get("city", "")[:60])
    return render(request, "core/workspace.html", {"ws": ws, "panels": workspace.panels_for(ws)})


def city_list(request):
    return render(request, "core/city_list.html", {"cities": selectors.city_list()})


def city_detail(request, city_slug):
    city = selectors.city_get(slug=city_slug)
    sections = [panel for panels in hooks.city_page_sections.results(request, city) for panel in panels]
    # People with a role in this city get a way to their work here (the workspace narrowed to it).
    mine = request.user.is_authenticated and any(c.pk == city.pk for c in workspace.workspace_for(request).cities)
    return render(
        request,
        "core/city_detail.html",
        {"city": city, "units": selectors.unit_list(city=city), "sections": sections, "my_city": mine},
    )


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, asked for by every browser on the first visit (the pages link the SVG icon)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


def taxonomy(request):
    return render(request, "core/taxonomy.html", {"domains": selectors.taxonomy_tree()})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception as exc:  # the health check reports, it does not raise
        db = f"error: {exc.__class__.__name__}"
    status = 200 if db == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db}, status=status)


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the page itself failed (e.g. the database is down): a bare page, both languages
        return HttpResponseServerError(SERVER_ERROR_FALLBACK, content_type="text/html; charset=utf-8")


SERVER_ERROR_FALLBACK = """<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><title>خطا · Error</title>
<h1>خطایی پیش آمد</h1><p>لطفاً چند لحظهٔ دیگر دوباره بکوشید.</p>
<p lang="en" dir="ltr">Something went wrong. Please try again in a moment.</p></html>"""
