"""Notifications: in-app rows and emails (the Celery task below), honouring per-user preferences.

A notification stores its kind and parameters; the text is rendered in the reader's language when
shown or emailed, so switching language never leaves old notifications in the other one.
"""

from __future__ import annotations

import contextlib
import contextvars

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from hamafza.challenges.messages import KIND_LABELS, KINDS, email_subject_and_body, render_text
from hamafza.challenges.models import Notification, NotificationPreference

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "emails_off",
    "emails_on",
    "notify",
    "on_membership_changed_by_platform_admin",
    "preferences_for",
    "render_text",
]


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


@shared_task(name="challenges.send_notification_email")
def send_notification_email(user_id: int, kind: str, params: dict, url: str = "") -> bool:
    """Email one notification in the recipient's language (queued by ``notify`` after commit)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    if url.startswith("/"):
        url = getattr(settings, "SITE_URL", "").rstrip("/") + url
    subject, body = email_subject_and_body(user=user, kind=kind, params=params, url=url)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


def on_membership_changed_by_platform_admin(*, membership, organization, member, by, action, recipients):
    """The directory's hook `membership_changed_by_platform_admin` (core.hooks): tell the
    organization's admins and the member that a platform admin changed a membership (ADR 0012)."""
    params = {"admin": by.email, "member": member.email, "organization": organization.name}
    url = reverse("directory:organization_detail", kwargs={"slug": organization.slug})
    notify(users=recipients, kind=f"membership_{action}_by_admin", params=params, url=url)
