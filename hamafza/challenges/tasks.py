"""Background tasks (Celery; eager by default): notification emails, closing calls at their
deadline and refilling a call's precomputed eligibility (``eligible_calls.refresh_call_task``)."""

from celery import shared_task

from hamafza.challenges import services
from hamafza.challenges.eligible_calls import refresh_call_task
from hamafza.challenges.notifications import send_notification_email

__all__ = ["close_due_calls", "refresh_call_task", "send_notification_email"]


@shared_task(name="challenges.close_due_calls")
def close_due_calls() -> int:
    """Close every published call whose deadline has passed. Returns how many were closed."""
    return len(services.call_close_due())
