"""The texts of notifications, by kind: rendered in the reader's language when shown or emailed.

Plain data and pure functions (no models), so the ``Notification`` model, the notification service
and the email task all use them without importing each other.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KINDS = {
    "need_accepted": _("Your need “%(title)s” was accepted into problem definition."),
    "need_rejected": _("Your need “%(title)s” was not accepted. Reason: %(reason)s"),
    "need_merged": _("Your need “%(title)s” was merged with “%(target)s”."),
    "report_approved": _("Your report “%(title)s” was approved and sent to the city for triage."),
    "facilitator_assigned": _("You were assigned as facilitator of the canvas of “%(title)s”."),
    "call_invited": _("Your organization %(organization)s is invited to the call “%(title)s”."),
    "call_deadline_changed": _("The deadline of the call “%(title)s” changed to %(deadline)s."),
    "call_eligibility_changed": _("The eligibility rules of the call “%(title)s” changed."),
    "call_cancelled": _("The call “%(title)s” was cancelled. Reason: %(reason)s"),
    "call_closed": _("The call “%(title)s” has closed."),
    "call_results": _("The results of the call “%(title)s” are published."),
    "question_answered": _("Your question on the call “%(title)s” was answered."),
    "membership_added_by_admin": _("A platform admin (%(admin)s) added %(member)s to %(organization)s."),
    "membership_changed_by_admin": _(
        "A platform admin (%(admin)s) changed the role of %(member)s in %(organization)s."
    ),
    "membership_removed_by_admin": _("A platform admin (%(admin)s) removed %(member)s from %(organization)s."),
}
KIND_LABELS = {
    "need_accepted": _("A need I submitted is accepted"),
    "need_rejected": _("A need I submitted is rejected"),
    "need_merged": _("A need I submitted is merged"),
    "report_approved": _("A problem I reported is approved"),
    "facilitator_assigned": _("I am assigned as a facilitator"),
    "call_invited": _("My organization is invited to a call"),
    "call_deadline_changed": _("The deadline of a call I follow changes"),
    "call_eligibility_changed": _("The eligibility of a call I follow changes"),
    "call_cancelled": _("A call I follow is cancelled"),
    "call_closed": _("A call I follow closes"),
    "call_results": _("The results of a call I follow are published"),
    "question_answered": _("My question is answered"),
    "membership_added_by_admin": _("A platform admin adds someone to my organization"),
    "membership_changed_by_admin": _("A platform admin changes a membership of my organization"),
    "membership_removed_by_admin": _("A platform admin removes someone from my organization"),
}


def register_kind(kind: str, *, text, label) -> None:
    """How a higher app (pilots) adds its notification kinds, from its ``AppConfig.ready()``:
    `text` is the message template (``%(name)s`` parameters), `label` its line on the
    preferences page."""
    KINDS[kind] = text
    KIND_LABELS[kind] = label


def render_text(kind: str, params: dict) -> str:
    template = KINDS.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def email_subject_and_body(*, user, kind: str, params: dict, url: str) -> tuple[str, str]:
    with translation.override(user.preferred_language or "fa"):
        text = render_text(kind, params)
        subject = str(pgettext_lazy("text", "Hamafza: %(text)s") % {"text": text})[:150]
        body = text + ("\n\n" + url if url else "")
    return subject, body
