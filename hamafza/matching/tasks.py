"""Background tasks (Celery; eager by default) that keep the matching index in step with the
directory. The directory's services announce each change (``hooks.organizations_changed``) inside
the saving transaction; ``organizations_changed`` below records it in the change log there and
enqueues ``index_sync`` after it commits. ``index_organization`` records and applies the change of
one organization for callers outside those services."""

from celery import shared_task
from django.conf import settings
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


@shared_task(name="matching.embed_organizations")
def embed_organizations(ids: list[int] | None = None) -> int:
    """Embed the given organizations (all when None) whose stored vector is missing or stale and
    store the vectors; each embedded organization is recorded in the change log, so every server
    re-indexes it with its vector. Returns how many were embedded."""
    return services.organization_vectors_compute(organization_ids=ids)


def organizations_changed(*, organization_ids) -> None:
    """``hooks.organizations_changed`` receiver: log the change inside the saving transaction (so a
    lost task loses nothing), then let a task apply it once the transaction commits (every other
    server catches up from the log when it next matches). With embeddings on, another task then
    computes the changed organizations' vectors."""
    services.index_change_record(organization_ids=organization_ids)
    transaction.on_commit(lambda: index_sync.delay(open_engine=False))
    if getattr(settings, "MATCHING_USE_EMBEDDINGS", False):
        ids = [int(pk) for pk in organization_ids]
        transaction.on_commit(lambda: embed_organizations.delay(ids))
