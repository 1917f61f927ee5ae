"""Background tasks (Celery; eager by default) that keep the matching index in step with the
directory. The directory's services announce each change (``hooks.organizations_changed``) inside
the saving transaction; ``organizations_changed`` below records it in the change log there and
enqueues ``index_sync`` after it commits. ``index_organization`` records and applies the change of
one organization for callers outside those services."""

from celery import shared_task
from django.db import transaction

from hamafza.matching import services


@shared_task(name="matching.index_organization")
def index_organization(pk: int) -> int:
    """Record that organization `pk` changed (or was removed) and apply it to this process's
    engine when it is open; other processes and servers catch up from the change log when they
    next serve a match. Returns the new index version."""
    return services.organization_index_update(organization_id=int(pk))


@shared_task(name="matching.index_rebuild")
def index_rebuild() -> int:
    """Rebuild the index of the server that runs the task from the database."""
    return services.index_rebuild()


@shared_task(name="matching.index_sync")
def index_sync(open_engine: bool = True) -> int:
    """Catch this process's index up with the database; with ``open_engine`` it also opens (or
    builds) the index when this process has none yet."""
    return services.index_sync(open_engine=open_engine)


def organizations_changed(*, organization_ids) -> None:
    """``hooks.organizations_changed`` receiver: log the change inside the saving transaction (so a
    lost task loses nothing), then let a task apply it once the transaction commits (every other
    server catches up from the log when it next matches)."""
    services.index_change_record(organization_ids=organization_ids)
    transaction.on_commit(lambda: index_sync.delay(open_engine=False))
