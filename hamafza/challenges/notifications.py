"""Notifications: in-app rows and emails (a Celery task), honouring per-user preferences.

A notification stores its kind and parameters; the text is rendered in the reader's language when
shown or emailed, so switching language never leaves old notifications in the other one.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hamafza.challenges.models import Notification, NotificationPreference

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
}


def register_kind(kind: str, *, text, label) -> None:
    """The hook through which a higher app (pilots) adds its notification kinds: `text` is the
    message template (``%(name)s`` parameters), `label` the line on the preferences page."""
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


def preferences_for(user) -> dict[str, tuple[bool, bool]]:
    """kind -> (in_app, email) for every kind (defaults on)."""
    stored = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    return {kind: stored.get(kind, (True, True)) for kind in KINDS}


_quiet = contextvars.ContextVar("hamafza_notifications_quiet", default=False)


@contextlib.contextmanager
def emails_off():
    """Within this block the platform sends no email: notifications are in-app only and the
    evaluation's invitations and reminders are not mailed (used by the demo data loaders)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def emails_on() -> bool:
    """False inside an `emails_off()` block."""
    return not _quiet.get()


def notify(*, users, kind: str, params: dict, url: str = "") -> list[Notification]:
    """Create in-app notifications for `users` (those who did not switch them off) and queue an email
    to those who want one, after the surrounding transaction commits."""
    from hamafza.challenges.tasks import send_notification_email

    assert kind in KINDS, kind
    users = {u.pk: u for u in users if u is not None and u.is_active}
    if not users:
        return []
    prefs = {
        (p.user_id): (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(user_id__in=users.keys(), kind=kind)
    }
    created, emails = [], []
    for user_id, user in users.items():
        in_app, email = prefs.get(user_id, (True, True))
        if in_app:
            created.append(Notification(user=user, kind=kind, params=params, url=url))
        if email and user.email and emails_on():
            emails.append(user_id)
    Notification.objects.bulk_create(created)
    for user_id in emails:
        transaction.on_commit(lambda uid=user_id: send_notification_email.delay(uid, kind, params, url))
    return created


def email_subject_and_body(*, user, kind: str, params: dict, url: str) -> tuple[str, str]:
    with translation.override(user.preferred_language or "fa"):
        text = render_text(kind, params)
        subject = str(_("Hamafza: %(text)s") % {"text": text})[:150]
        body = text + ("\n\n" + url if url else "")
    return subject, body
