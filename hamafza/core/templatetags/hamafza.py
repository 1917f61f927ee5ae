"""Display filters: Persian digits and Jalali dates in the Persian UI, Gregorian in English."""

from django import template

from hamafza.core import formatting
from hamafza.core.formatting import format_date

register = template.Library()
register.filter("digits", formatting.digits)
register.filter("num", formatting.num)


@register.filter
def jdate(value):
    """A date (or datetime, shown in Asia/Tehran): Jalali with Persian digits in Persian."""
    return format_date(value)


@register.filter
def jdatetime_(value):
    return format_date(value, with_time=True)


register.filter("jdatetime", jdatetime_)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def bs_widget(field):
    """Render a bound field's widget with Bootstrap classes and accessible error attributes."""
    css = "form-control"
    if field.widget_type in ("select", "selectmultiple", "nullbooleanselect"):
        css = "form-select"
    attrs = {"class": css + (" is-invalid" if field.errors else "")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
