"""The open calls' index behind "calls for you", per process, kept off the request path.

A ``ChallengeSet`` (the open calls analysed and indexed like organizations) costs about 0.7-1.5 ms
per call to build: 36-78 s for 50,000 calls on the shared 2-core machine. A page must never wait
for that, so (ADR 0026):

* **changes are applied incrementally**: every change of a call writes a row of the calls'
  history table; a request compares the largest history id with the one the index has applied
  and re-analyses only the calls changed since (a few milliseconds each), or drops them when they
  are no longer open;
* **a full build runs in a background thread** of the process — the first one when there are
  more than ``MATCHING_CALL_INDEX_INLINE_MAX`` open calls (a small set is built at once), and a
  rebuild when more than ``INCREMENTAL_MAX`` calls changed at once; meanwhile requests are served
  by the previous index (brought up to date later), or, before the first build has finished, by
  ``fallback_set``: the open calls that declare one of the organization's capabilities, ranked and
  explained by the same engine (the page says that the list is partial);
* ``warm_at_boot()`` starts the first build when a server process starts (gunicorn's
  ``post_worker_init``, after ``services.index_open_at_boot``).

The index lives in the memory of the process that serves the page, so a Celery worker could not
build it for the web processes; the thread does the same work beside the requests. Eligibility is
still checked on every listed call against the database (``call_eligibility_for``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Max, Prefetch
from django.utils import timezone

from hamafza.challenges.models import Call
from hamafza.core.models import Capability
from hamafza.matching import services
from hamafza.matching.engine import ChallengeSet

log = logging.getLogger(__name__)

INLINE_MAX = 500  # default of settings.MATCHING_CALL_INDEX_INLINE_MAX: a first build this small runs at once
INCREMENTAL_MAX = 200  # more changed calls than this at once: rebuild in the background instead
FALLBACK_MAX = 200  # calls ranked by the fallback while the first build runs


def calls_stamp() -> int:
    """Changes whenever any call changes (every change writes a history row, m2m ones too)."""
    return Call.history.aggregate(m=Max("history_id"))["m"] or 0


def _open_calls():
    return (
        Call.objects.filter(state=Call.State.PUBLISHED, closes_at__gt=timezone.now())
        .select_related("city", "canvas")
        .prefetch_related(Prefetch("capabilities", queryset=Capability.objects.only("id", "code")))
    )


def _inline_max() -> int:
    return int(getattr(settings, "MATCHING_CALL_INDEX_INLINE_MAX", INLINE_MAX))


class OpenCallIndex:
    """The process's index of the open calls (see the module's docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine = None
        self._stamp: int | None = None
        self._set: ChallengeSet | None = None
        self._thread: threading.Thread | None = None
        self.builds = 0  # full builds done (tests and logs)

    # -- reading ----------------------------------------------------------------------------
    def current(self, engine) -> ChallengeSet | None:
        """The index for ``engine``, with the calls changed since it was built applied when they
        are few; ``None`` while a first build runs in the background (use ``fallback_set``)."""
        stamp = calls_stamp()
        with self._lock:
            have, applied, same_engine = self._set, self._stamp, self._engine is engine
        if have is not None and same_engine and applied == stamp:
            return have
        if have is not None and same_engine:
            since = Call.history.filter(history_id__gt=applied)
            changed = list(since.order_by().values_list("id", flat=True).distinct()[: INCREMENTAL_MAX + 1])
            if len(changed) <= INCREMENTAL_MAX:
                still_open = {str(c.pk): c for c in _open_calls().filter(pk__in=changed)}
                with self._lock:
                    if self._set is have and self._stamp == applied:
                        have.update(
                            upserts=[services.call_doc(c) for c in still_open.values()],
                            removals=[str(pk) for pk in changed if str(pk) not in still_open],
                        )
                        self._stamp = stamp
                return have
            self._start_build(engine)  # many changes at once: serve the index we have meanwhile
            return have
        if _open_calls().count() <= _inline_max():
            self._build(engine)
            with self._lock:
                return self._set if self._engine is engine else None
        self._start_build(engine)
        # the engine was replaced (a rebuilt organization index): the previous calls' index still
        # ranks correctly (eligibility is re-checked on every call) until the new one is ready
        return have

    def building(self) -> bool:
        t = self._thread
        return t is not None and t.is_alive()

    # -- building ---------------------------------------------------------------------------
    def _build(self, engine) -> None:
        stamp = calls_stamp()  # read before the calls: a change made meanwhile is applied later
        built = ChallengeSet(engine, [services.call_doc(c) for c in _open_calls().iterator(chunk_size=2000)])
        with self._lock:
            if self._engine is not engine or self._stamp is None or stamp >= self._stamp:
                self._engine, self._stamp, self._set = engine, stamp, built
            self.builds += 1

    def _start_build(self, engine) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._build_in_background, args=(engine,), name="calls-for-you-index", daemon=True
            )
            self._thread.start()

    def _build_in_background(self, engine) -> None:
        try:
            self._build(engine)
        except Exception:  # the pages keep the previous index or the fallback
            log.exception("matching: building the open calls' index failed")
        finally:
            connection.close()  # this thread's own connection

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background build (tests, the boot warm-up); True when none is running."""
        t = self._thread
        if t is not None:
            t.join(timeout)
        return not self.building()

    def warm(self, engine) -> None:
        """Start building the index in the background unless it exists (a server process starts)."""
        with self._lock:
            ready = self._set is not None and self._engine is engine
        if not ready:
            self._start_build(engine)

    def clear(self) -> None:
        self.wait()
        with self._lock:
            self._engine, self._stamp, self._set = None, None, None
            self.builds = 0


def fallback_set(engine, codes: Iterable[str]) -> ChallengeSet:
    """While the first full build runs: the open calls that declare one of these capabilities (the
    organization's, declared and inferred), at most FALLBACK_MAX, soonest closing first, in a small
    index ranked by the same engine. A correct but partial list (a call found only by its words is
    missing until the index is ready)."""
    calls = _open_calls().filter(capabilities__code__in=list(codes)).distinct().order_by("closes_at", "pk")
    return ChallengeSet(engine, [services.call_doc(c) for c in calls[:FALLBACK_MAX]])


_index = OpenCallIndex()


def open_call_index() -> OpenCallIndex:
    return _index


def warm_at_boot() -> bool:
    """Start building the open calls' index in the background when this process has the matching
    engine open (it never opens or builds the organizations' index). Returns whether it started."""
    try:
        engine = services.index_holder().engine_if_available()
    except Exception as exc:  # a server starts whatever the state of the index
        log.warning("matching: the open calls' index was not started at boot (%s)", exc)
        return False
    finally:
        if not connection.in_atomic_block:
            connection.close()
    if engine is None:
        return False
    _index.warm(engine)
    return True
