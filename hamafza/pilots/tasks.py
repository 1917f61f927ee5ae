"""Background tasks of pilots (Celery; eager by default)."""

from celery import shared_task


@shared_task(name="pilots.send_reminders")
def send_reminders() -> dict:
    """Milestones due within 7 days, overdue milestones and KPI measurements due: one notification
    each to the pilot's participants (safe to run twice; run daily by the beat schedule)."""
    from hamafza.pilots.services import send_reminders as run

    return run()
