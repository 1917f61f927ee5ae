"""Background tasks (Celery; eager by default) that keep the matching index in step with the
directory. The directory's services record each change in the change log inside the saving
transaction and enqueue ``index_sync`` after it commits; ``index_organization`` records and applies
the change of one organization for callers outside those services."""

from celery import shared_task


@shared_task(name="matching.index_organization")
def index_organization(pk: int) -> int:
    """Record that organization `pk` changed (or was removed) and apply it to this process's
    engine when it is open; other processes and servers catch up from the change log when they
    next serve a match. Returns the new index version."""
    from hamafza.matching.services import organization_index_update

    return organization_index_update(organization_id=int(pk))


@shared_task(name="matching.index_rebuild")
def index_rebuild() -> int:
    """Rebuild the index of the server that runs the task from the database."""
    from hamafza.matching.services import index_rebuild as rebuild

    return rebuild()


@shared_task(name="matching.index_sync")
def index_sync(open_engine: bool = True) -> int:
    """Catch this process's index up with the database; with ``open_engine`` it also opens (or
    builds) the index when this process has none yet."""
    from hamafza.matching.services import index_sync as sync

    return sync(open_engine=open_engine)
