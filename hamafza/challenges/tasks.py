"""Background tasks (Celery; eager by default): notification emails and closing calls at their
deadline."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail


@shared_task(name="challenges.send_notification_email")
def send_notification_email(user_id: int, kind: str, params: dict, url: str = "") -> bool:
    from hamafza.challenges.notifications import email_subject_and_body

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    if url.startswith("/"):
        url = getattr(settings, "SITE_URL", "").rstrip("/") + url
    subject, body = email_subject_and_body(user=user, kind=kind, params=params, url=url)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


@shared_task(name="challenges.close_due_calls")
def close_due_calls() -> int:
    """Close every published call whose deadline has passed. Returns how many were closed."""
    from hamafza.challenges.services import call_close_due

    return len(call_close_due())
