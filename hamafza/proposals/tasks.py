"""Background tasks of proposals (Celery; eager by default): the evaluation's emails (defined in
``emails.py``, queued by the services) and the beat task that reminds judges before a scoring
deadline."""

from celery import shared_task

from hamafza.proposals import services
from hamafza.proposals.emails import send_judge_reminder, send_panel_invitation

__all__ = ["remind_before_deadline", "send_judge_reminder", "send_panel_invitation"]


@shared_task(name="proposals.remind_before_deadline")
def remind_before_deadline() -> int:
    """Remind the judges with work missing a few days before their panel's scoring deadline (safe to
    run twice; run hourly by the beat schedule)."""
    return services.judges_remind_before_deadline()
