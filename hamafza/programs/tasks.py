"""Background tasks of events (Celery; eager by default)."""

from celery import shared_task

from hamafza.programs import services


@shared_task(name="programs.send_event_reminders")
def send_event_reminders() -> int:
    """One reminder to each confirmed registrant of an event starting within a day (safe to run
    twice; run hourly by the beat schedule)."""
    return services.send_event_reminders()
