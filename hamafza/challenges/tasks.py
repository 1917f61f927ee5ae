"""Background tasks (Celery; eager by default): notification emails and closing calls at their
deadline."""

from celery import shared_task

from hamafza.challenges import services
from hamafza.challenges.notifications import send_notification_email

__all__ = ["close_due_calls", "send_notification_email"]


@shared_task(name="challenges.close_due_calls")
def close_due_calls() -> int:
    """Close every published call whose deadline has passed. Returns how many were closed."""
    return len(services.call_close_due())
