"""Display filters: Persian digits and Jalali dates in the Persian UI, Gregorian in English."""

from django import template
from django.utils.translation import get_language_bidi

from hamafza.core import formatting
from hamafza.core.formatting import format_date

register = template.Library()
register.filter("digits", formatting.digits)
register.filter("num", formatting.num)
register.filter("year", formatting.year)
register.filter("text_digits", formatting.text_digits, is_safe=True)


@register.filter
def jdate(value):
    """A date (or datetime, shown in Asia/Tehran): Jalali with Persian digits in Persian."""
    return format_date(value)


@register.filter
def jdatetime_(value):
    return format_date(value, with_time=True)


register.filter("jdatetime", jdatetime_)


register.simple_tag(formatting.date_input_example, name="date_example")


@register.simple_tag
def arrow():
    """An arrow from a "before" value to an "after" value that points the way the text reads: an
    arrow is not mirrored by the bidirectional algorithm, so right to left it must be written ←."""
    return "←" if get_language_bidi() else "→"


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
    if field.widget_type in ("text", "textarea") and "dir" not in field.field.widget.attrs:
        attrs["dir"] = "auto"  # people type Persian or English: each field follows what is typed
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
