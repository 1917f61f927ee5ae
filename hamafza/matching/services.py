"""The matching engine inside the platform: one engine per process, built lazily from the database,
kept in step with the database through a version counter and a change log, and the "invite"
action.

Layout of ``settings.MATCHING_INDEX_DIR`` (one per server, never shared between servers)::

    CURRENT              the name of the generation in use, e.g. "gen-20261126T101500-1234"
    .lock                an advisory file lock: one process of this server writes at a time
    gen-…/               an engine index directory (tantivy/, engine.json)
    gen-…/version.json   {"version": n}: the IndexState version this generation has applied

A process opens ``CURRENT`` on first use; when its stored version is behind the database it applies
the missed changes from ``IndexChange`` (or rebuilds into a new generation when the log no longer
reaches back that far). Before serving a match it compares its version with the database (one
query) and catches up the same way. Several processes of one server share the generation directory:
writes are serialised by the file lock and are idempotent (an upsert re-reads the organization from
the database), so each process applies every change to its own in-memory view without harm. See
docs/decisions/0005-matching-engine.md, section 7.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import Call
from hamafza.challenges.services import call_update_settings
from hamafza.core import hooks
from hamafza.core.formatting import tehran_date
from hamafza.core.models import Capability
from hamafza.core.selectors import taxonomy_stamp
from hamafza.core.services import taxonomy_as_dict
from hamafza.directory.models import Organization
from hamafza.matching.engine import ChallengeDoc, Eligibility, Engine, OrgDoc, Taxonomy, load_taxonomy, semantic
from hamafza.matching.engine.bridge import WORD_BRIDGE_FILE, Vocabulary
from hamafza.matching.models import IndexChange, IndexState, OrganizationVector

try:  # advisory locks between the processes of one server (Linux, macOS)
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process per index directory
    fcntl = None

log = logging.getLogger(__name__)

#: Change-log rows kept behind the newest version; a process further behind rebuilds.
CHANGE_LOG_KEEP = 50_000
DOC_BATCH = 2000


# --------------------------------------------------------------------------------------------
# Adapters: database rows -> engine documents
# --------------------------------------------------------------------------------------------


def organization_locality(organization) -> str:
    """The key the engine compares with a call's city: the platform city's slug when the
    organization is in a platform city (a call's city is a platform city), else its city name."""
    if organization.city_id:
        return organization.city.slug
    return organization.city_name or ""


def organization_doc(organization, *, track_record: int = 0) -> OrgDoc:
    """The engine's view of an organization (capabilities must be prefetched or are queried)."""
    names = [organization.name]
    if organization.name_en and organization.name_en != organization.name:
        names.append(organization.name_en)
    return OrgDoc(
        id=str(organization.pk),
        name=" · ".join(names),
        kind=organization.kind,
        city=organization_locality(organization),
        province=organization.province,
        description_fa=organization.description_fa,
        description_en=organization.description_en,
        knowledge_based=organization.knowledge_based,
        certificate_valid_until=organization.certificate_valid_until,
        employees=organization.employees,
        founded=organization.founded,
        capabilities=sorted(c.code for c in organization.capabilities.all()),
        verified=organization.verified,
        track_record=track_record,
    )


def _organization_queryset():
    from django.db.models import Prefetch

    return Organization.objects.select_related("city").prefetch_related(
        Prefetch("capabilities", queryset=Capability.objects.only("id", "code"))
    )


def track_records(ids: Iterable[int] | None = None) -> dict[int, int]:
    """The track record signal per organization: the successes every app reports through
    ``hooks.track_records`` (awarded call results; later, completed pilots), added up."""
    return hooks.track_record_counts(None if ids is None else list(ids))


def organization_docs(ids: Iterable[int] | None = None) -> Iterator[OrgDoc]:
    """Engine documents for the given organizations (all when `ids` is None), read in batches."""
    qs = _organization_queryset().order_by("pk")
    if ids is not None:
        ids = list(ids)
        qs = qs.filter(pk__in=ids)
    tracks = track_records(ids)
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last)[:DOC_BATCH])
        if not batch:
            return
        for org in batch:
            yield organization_doc(org, track_record=tracks.get(org.pk, 0))
        last = batch[-1].pk


# --------------------------------------------------------------------------------------------
# Stored organization vectors (embeddings on): computed by a task after a save, read by the index
# --------------------------------------------------------------------------------------------
EMBED_BATCH = 32


def stored_vectors(docs: Iterable[OrgDoc]) -> dict[str, np.ndarray]:
    """The stored vectors of these organizations whose embedded text is still their text."""
    keys = {int(d.id): semantic.passage_key(d.text) for d in docs}
    out: dict[str, np.ndarray] = {}
    ids = list(keys)
    for i in range(0, len(ids), DOC_BATCH):
        rows = OrganizationVector.objects.filter(organization_id__in=ids[i : i + DOC_BATCH], model=semantic.MODEL_NAME)
        for oid, text_key, vector in rows.values_list("organization_id", "text_key", "vector"):
            if keys.get(oid) == text_key:
                out[str(oid)] = np.frombuffer(bytes(vector), dtype=np.float32)
    return out


def organization_vectors_compute(
    *, organization_ids: Iterable[int] | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Embed the organizations (all when None) whose stored vector is missing or stale, store the
    vectors and record an index change for them so every server picks them up. Returns how many
    were embedded. Slow (the e5 pass, ~0.5 s per organization on a loaded 2-core machine): it runs
    in the ``matching.embed_organizations`` task, spread over the workers by ``hamafza index embed``."""
    if not semantic.available():
        return 0
    docs = list(organization_docs(organization_ids))
    have = stored_vectors(docs)
    todo = [d for d in docs if d.id not in have]
    done = 0
    for i in range(0, len(todo), EMBED_BATCH):
        chunk = todo[i : i + EMBED_BATCH]
        vectors = semantic.embed_passages([d.text for d in chunk])
        with transaction.atomic():
            for d, vec in zip(chunk, vectors, strict=True):
                OrganizationVector.objects.update_or_create(
                    organization_id=int(d.id),
                    defaults={
                        "model": semantic.MODEL_NAME,
                        "text_key": semantic.passage_key(d.text),
                        "vector": vec.astype(np.float32).tobytes(),
                    },
                )
            index_change_record(organization_ids=[int(d.id) for d in chunk])
        done += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return done


def organizations_without_vectors() -> list[int]:
    """Ids of the organizations that have no stored vector of the current model (stale texts are
    found by ``organization_vectors_compute`` itself)."""
    stored = OrganizationVector.objects.filter(model=semantic.MODEL_NAME).values("organization_id")
    return list(Organization.objects.exclude(pk__in=stored).order_by("pk").values_list("pk", flat=True))


def call_eligibility(call) -> Eligibility:
    return Eligibility(
        provinces=list(call.allowed_provinces or []),
        knowledge_based_only=bool(call.knowledge_based_required),
        kinds=list(call.allowed_kinds or []),
        closing_date=tehran_date(call.closes_at) if call.closes_at else None,
    )


def call_doc(call) -> ChallengeDoc:
    """The engine's view of a call: title, summary and the canvas's background and who is affected
    (the problem in the manager's words), declared capabilities and eligibility."""
    text = [call.description or ""]
    canvas = getattr(call, "canvas", None) if _canvas_loaded(call) else None
    if canvas is not None:
        text += [canvas.background or "", canvas.affected or ""]
    return ChallengeDoc(
        id=str(call.pk),
        city=call.city.slug,
        province=call.city.province,
        title=call.title,
        description="\n".join(t for t in text if t),
        capabilities=sorted(c.code for c in call.capabilities.all()),
        eligibility=call_eligibility(call),
    )


def _canvas_loaded(call) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return call.canvas is not None
    except ObjectDoesNotExist:
        return False


def eligible_if_invited(*, call, organization) -> tuple[bool, list[str]]:
    """``call_eligibility_for`` (the one eligibility check) for matching: whether the organization
    could apply once invited, whether or not the call is open yet."""
    return call_eligibility_for(call=call, organization=organization, invited_ids={organization.pk}, check_open=False)


# --------------------------------------------------------------------------------------------
# The version counter and the change log
# --------------------------------------------------------------------------------------------
def index_state() -> tuple[int, str]:
    """(version, epoch) of the organization index in the database; (0, "") before the counter row
    exists (it is created by the first change or rebuild)."""
    row = IndexState.objects.filter(name=IndexState.ORGANIZATIONS).values_list("version", "epoch").first()
    return (int(row[0]), row[1]) if row else (0, "")


def index_version() -> int:
    """The database's organization index version (0 before the first change)."""
    return index_state()[0]


def _state_row() -> IndexState:
    """The counter row, created when missing."""
    try:
        with transaction.atomic():
            state, _ = IndexState.objects.get_or_create(name=IndexState.ORGANIZATIONS)
    except IntegrityError:  # created by someone else in between
        state = IndexState.objects.get(name=IndexState.ORGANIZATIONS)
    return state


def _state_for_update() -> IndexState:
    _state_row()
    return IndexState.objects.select_for_update().get(name=IndexState.ORGANIZATIONS)


@transaction.atomic
def index_change_record(*, organization_ids: Iterable[int], action: str = IndexChange.Action.UPSERT) -> int:
    """Record that these organizations changed (or were removed): bumps the version by one (the
    counter row is locked, so versions become visible in order) and logs one row per organization.
    Returns the new version. Old log rows beyond CHANGE_LOG_KEEP are pruned now and then."""
    ids = sorted({int(i) for i in organization_ids})
    if not ids:
        return index_version()
    state = _state_for_update()
    IndexState.objects.filter(pk=state.pk).update(version=F("version") + 1, updated_at=timezone.now())
    version = state.version + 1
    IndexChange.objects.bulk_create(IndexChange(version=version, organization_id=i, action=action) for i in ids)
    if version % 1000 == 0:
        IndexChange.objects.filter(version__lte=version - CHANGE_LOG_KEEP).delete()
    return version


def _changes_since(version: int, upto: int) -> tuple[bool, dict[int, str]]:
    """(complete, {organization id: last action}) for versions in (version, upto]. `complete` is
    False when the log no longer reaches back to `version` (it was pruned)."""
    rows = list(
        IndexChange.objects.filter(version__gt=version, version__lte=upto)
        .order_by("version", "pk")
        .values_list("version", "organization_id", "action")
    )
    if upto > version and (not rows or rows[0][0] != version + 1):
        return False, {}
    last: dict[int, str] = {}
    for _v, oid, action in rows:
        last[oid] = action
    return True, last


# --------------------------------------------------------------------------------------------
# The process-wide engine
# --------------------------------------------------------------------------------------------
@dataclass
class _Opened:
    engine: Engine
    generation: str
    current_mtime: int
    version: int
    epoch: str


#: Generations younger than this are kept even when not current (a process may still read one).
GENERATION_GRACE_SECONDS = 3600


def _freeze_long_lived_objects() -> None:
    """Move the freshly loaded index (millions of small objects at national scale) out of the
    garbage collector's reach: otherwise full collections scan it again and again and show up as
    100 ms pauses inside match queries (measured in bench/bench_matching_speed.py). Frozen objects
    are still freed by reference counting; only reference cycles among them outlive a rebuild, and
    rebuilds are rare (a new server, a restore, a taxonomy change)."""
    import gc

    gc.collect()
    gc.freeze()


class IndexHolder:
    """One engine per process and index directory, opened lazily and kept in step with the
    database. ``IndexHolder(root)`` objects are independent: the tests use two of them, with two
    directories, to play two application servers."""

    def __init__(self, root: Path | str, *, use_embeddings: bool = False, taxonomy=None):
        self.root = Path(root)
        self.use_embeddings = use_embeddings
        self._fixed_taxonomy = taxonomy
        self._taxonomy_cache: tuple[tuple, Taxonomy] | None = None
        self._opened: _Opened | None = None
        self._thread_lock = threading.RLock()
        self._lock_depth = 0
        self.rebuilds = 0

    # -- files --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        """The server-wide writer lock (blocking), re-entrant within the process."""
        with self._thread_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / ".lock", "a+") as fh:
                if fcntl is not None:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                self._lock_depth = 1
                try:
                    yield
                finally:
                    self._lock_depth = 0
                    if fcntl is not None:
                        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _current(self) -> tuple[str | None, int]:
        path = self.root / "CURRENT"
        try:
            return path.read_text(encoding="utf-8").strip() or None, path.stat().st_mtime_ns
        except FileNotFoundError:
            return None, 0

    def _write_atomic(self, path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def _stored(self, generation: str) -> tuple[int, str] | None:
        """(version, epoch) written into a generation, None when unreadable."""
        try:
            data = json.loads((self.root / generation / "version.json").read_text(encoding="utf-8"))
            return int(data["version"]), str(data["epoch"])
        except (FileNotFoundError, NotADirectoryError, ValueError, KeyError, TypeError):
            return None

    def _store(self, generation: str, version: int, epoch: str) -> None:
        self._write_atomic(
            self.root / generation / "version.json", json.dumps({"version": int(version), "epoch": epoch})
        )

    def taxonomy(self) -> Taxonomy:
        """The database's taxonomy (the bundled data file while the database has none), read and
        parsed again only when ``core.selectors.taxonomy_stamp`` changes."""
        if self._fixed_taxonomy is not None:
            return load_taxonomy(self._fixed_taxonomy)

        stamp = taxonomy_stamp()  # one small query; the taxonomy is read and parsed when it changes
        if self._taxonomy_cache is None or self._taxonomy_cache[0] != stamp:
            data = taxonomy_as_dict()
            if not any(d.get("capabilities") for d in data["domains"]):
                data = None  # not set up yet: what `manage.py load_taxonomy` would load
            self._taxonomy_cache = (stamp, load_taxonomy(data))
        return self._taxonomy_cache[1]

    # -- state --------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._opened is not None

    @property
    def version(self) -> int | None:
        return self._opened.version if self._opened else None

    @property
    def generation(self) -> str | None:
        return self._opened.generation if self._opened else None

    def engine(self) -> Engine:
        """The engine, opened on first use and caught up with the database."""
        with self._thread_lock:
            self.sync()
            return self._opened.engine

    # -- opening and rebuilding ---------------------------------------------------------------
    def _open_generation(self, generation: str | None, mtime: int, epoch: str, target: int) -> bool:
        """Open `generation` if it was built against this database and is not ahead of it."""
        if generation is None:
            return False
        stored = self._stored(generation)
        if stored is None or stored[1] != epoch or stored[0] > target:
            return False
        engine = self._new_engine(generation)
        self._opened = _Opened(engine, generation, mtime, stored[0], epoch)
        _freeze_long_lived_objects()
        return True

    def _new_engine(self, generation: str) -> Engine:
        # a server never embeds an organization itself: the vectors come from the database
        # (OrganizationVector, written by the embed task); until all are there the engine serves
        # lexical-plus-capability results
        return Engine(
            taxonomy=self.taxonomy(),
            index_dir=self.root / generation,
            use_embeddings=self.use_embeddings,
            embed_missing=False,
        )

    def rebuild(
        self,
        progress: Callable[[int], None] | None = None,
        total: Callable[[int], None] | None = None,
        word_bridge: bool = False,
    ) -> int:
        """Build a new generation from the database and make it current; returns the number of
        organizations indexed. The version is read before the organizations, so a change committed
        while the build runs is applied again by the next catch-up (upserts are idempotent).

        ``word_bridge``: also pair the organizations' frequent words across the two languages with
        the shipped embedding model (ADR 0031; minutes at national volume, so only from `hamafza
        index rebuild --word-bridge`, never in a request). Otherwise the current generation's word
        bridge, if it has one, is carried over: its pairs are words, not organizations."""
        with self._locked():
            state = _state_row()
            version, epoch = state.version, state.epoch
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            generation = f"gen-{stamp}-{os.getpid()}"
            previous, _ = self._current()
            engine = self._new_engine(generation)
            if total is not None:
                total(Organization.objects.count())
            docs = list(organization_docs())
            vectors = stored_vectors(docs) if engine.use_embeddings else None
            vocabulary = Vocabulary() if word_bridge else None
            n = engine.add_organizations(docs, progress=progress, vectors=vectors, vocabulary=vocabulary)
            if vocabulary is not None:
                engine.build_word_bridge(vocabulary)
            elif previous is not None and (self.root / previous / WORD_BRIDGE_FILE).exists():
                engine.load_word_bridge(self.root / previous / WORD_BRIDGE_FILE)
            self._store(generation, version, epoch)
            self._write_atomic(self.root / "CURRENT", generation)
            _, mtime = self._current()
            self._opened = _Opened(engine, generation, mtime, version, epoch)
            _freeze_long_lived_objects()
            self.rebuilds += 1
            self._remove_old_generations(keep={generation, previous})
            log.info("matching: rebuilt %s with %d organizations at version %d", generation, n, version)
        return n

    def _remove_old_generations(self, keep: set) -> None:
        """Generations other than the current and the previous one, older than the grace period
        (another process may still read one until its next catch-up moves it over)."""
        import time

        limit = time.time() - GENERATION_GRACE_SECONDS
        for path in self.root.glob("gen-*"):
            if path.name not in keep and path.is_dir() and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)

    # -- catching up --------------------------------------------------------------------------
    def sync(self) -> int:
        """Bring this process's engine to the database's version, opening or rebuilding it when
        needed. Returns the number of organizations updated or removed. One query and one file
        stat when nothing changed."""
        with self._thread_lock:
            target, epoch = index_state()
            opened = self._opened
            generation, mtime = self._current()
            moved = opened is None or (generation, mtime) != (opened.generation, opened.current_mtime)
            if not moved and opened.epoch == epoch and opened.version == target:
                return 0
            with self._locked():
                target, epoch = index_state()  # again, under the lock: nobody writes meanwhile
                generation, mtime = self._current()
                moved = opened is None or (generation, mtime) != (opened.generation, opened.current_mtime)
                usable = opened is not None and opened.epoch == epoch and opened.version <= target
                if moved and self._open_generation(generation, mtime, epoch, target):
                    pass  # another process rebuilt or wrote: continue from its generation
                elif not usable:
                    return self.rebuild()
                return self._apply(target)

    def _apply(self, target: int) -> int:
        opened = self._opened
        if opened.version >= target:
            return 0
        complete, changes = _changes_since(opened.version, target)
        if not complete:
            log.warning("matching: change log does not reach back to version %d; rebuilding", opened.version)
            return self.rebuild()
        upserts = [oid for oid, action in changes.items() if action == IndexChange.Action.UPSERT]
        docs = list(organization_docs(upserts))
        found = {int(d.id) for d in docs}
        removed = [oid for oid in changes if oid not in found]
        if docs:
            vectors = stored_vectors(docs) if opened.engine.use_embeddings else None
            opened.engine.add_organizations(docs, vectors=vectors)
        for oid in removed:
            opened.engine.remove_organization(str(oid))
        opened.version = target
        self._store(opened.generation, target, opened.epoch)
        return len(docs) + len(removed)

    def engine_if_available(self) -> Engine | None:
        """The engine when an index of this database exists (in this process or on disk), caught
        up; None otherwise, without building one (for the directory search, which has its own
        text search to fall back to). One query when the engine is open and current."""
        with self._thread_lock:
            target, epoch = index_state()
            if not epoch:
                return None
            opened = self._opened
            generation, mtime = self._current()
            if opened is not None and opened.epoch == epoch:
                if opened.version == target and (generation, mtime) == (opened.generation, opened.current_mtime):
                    return opened.engine
            else:
                stored = self._stored(generation) if generation else None
                if stored is None or stored[1] != epoch or stored[0] > target:
                    return None
            self.sync()
            return self._opened.engine

    def close(self) -> None:
        with self._thread_lock:
            self._opened = None


_holder: IndexHolder | None = None
_holder_lock = threading.Lock()


def index_holder() -> IndexHolder:
    """The process's holder for ``settings.MATCHING_INDEX_DIR`` (re-created when the setting
    changes, as the tests do)."""
    global _holder
    root = Path(settings.MATCHING_INDEX_DIR)
    use = bool(getattr(settings, "MATCHING_USE_EMBEDDINGS", False))
    with _holder_lock:
        if _holder is None or _holder.root != root or _holder.use_embeddings != use:
            if _holder is not None:
                _holder.close()
            _holder = IndexHolder(root, use_embeddings=use)
        return _holder


def get_engine() -> Engine:
    """The process-wide engine, opened lazily and caught up with the database."""
    return index_holder().engine()


def index_sync(*, open_engine: bool = True) -> int:
    """Apply the changes this process has not seen yet. With ``open_engine=False`` nothing happens
    in a process that has not opened its engine (it catches up when it first serves a match)."""
    holder = index_holder()
    if not open_engine and not holder.is_open:
        return 0
    return holder.sync()


def index_open_at_boot() -> bool:
    """Open this server's index in a freshly started process (gunicorn's ``post_worker_init``
    hook), so that its first search does not pay for it. It never builds an index (a server
    without one keeps its text search until ``hamafza index rebuild``); any error is logged and
    the process serves as if the hook had not run. Returns whether an engine is open."""
    try:
        return index_holder().engine_if_available() is not None
    except (DatabaseError, OSError, ValueError) as exc:
        log.warning("matching: the index was not opened at boot (%s); it opens on the first search", exc)
        return False
    finally:
        # the worker's requests open their own connections (one inside a transaction is left alone)
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()


def index_rebuild(*, progress=None, total=None, word_bridge: bool = False) -> int:
    """Rebuild this server's index from the database (``hamafza index rebuild [--word-bridge]``)."""
    return index_holder().rebuild(progress=progress, total=total, word_bridge=word_bridge)


def query_capabilities(text: str, *, min_confidence: float = 0.35) -> list[str]:
    """Capability codes the engine's analysis infers from a search query, in either language
    ("leak detection" and «نشت آب» both give water leak detection). Only confident inferences
    count, so a single generic word adds nothing. One query (``taxonomy_stamp``; the taxonomy is
    read and parsed again only when it changes)."""
    if not text or not text.strip():
        return []
    inferred = index_holder().taxonomy().infer(text)
    return sorted(code for code, (confidence, _evidence) in inferred.items() if confidence >= min_confidence)


def organization_index_update(*, organization_id: int) -> int:
    """Record a change of one organization (removed when it no longer exists) and apply it to this
    process's engine if it is open. Called by the ``index_organization`` task after a save."""
    exists = Organization.objects.filter(pk=organization_id).exists()
    action = IndexChange.Action.UPSERT if exists else IndexChange.Action.REMOVE
    version = index_change_record(organization_ids=[organization_id], action=action)
    index_sync(open_engine=False)
    return version


# --------------------------------------------------------------------------------------------
# The invite action
# --------------------------------------------------------------------------------------------
@transaction.atomic
def call_invite_organizations(*, call, organizations, by) -> list:
    """Add organizations to the call's invited list (the city's innovation manager only).

    Guarantees: every organization passes the call's eligibility (``call_eligibility_for``, the
    invitation itself aside) or nothing is invited (ValidationError naming each and why);
    organizations already invited are left as they are; the change goes through the challenges
    app's ``call_update_settings`` (the call's audit history records who invited whom, closed or
    cancelled calls refuse it, and members of newly invited organizations of an invited call are
    notified). Returns the newly invited organizations."""
    if not by.has_perm("matching.invite_organizations", call):
        raise PermissionDenied("matching.invite_organizations")
    organizations = list({o.pk: o for o in organizations}.values())
    problems = []
    for org in organizations:
        ok, reasons = eligible_if_invited(call=call, organization=org)
        if not ok:
            problems.append(
                _("%(organization)s cannot be invited: %(reasons)s")
                % {"organization": org.display_name, "reasons": " ".join(reasons)}
            )
    if problems:
        raise ValidationError(problems)
    current = list(Call.objects.get(pk=call.pk).invited_organizations.all())
    have = {o.pk for o in current}
    new = [o for o in organizations if o.pk not in have]
    if not new:
        return []
    call_update_settings(call=call, by=by, invited_organizations=current + new)
    return new


def index_rebuild_after_restore(*, manifest: dict) -> str:
    """After `hamafza restore` (the `database_restored` hook): the restored database's change log no
    longer matches this server's index, so rebuild it. Returns the line the command prints."""
    holder = index_holder()
    count = holder.rebuild()
    return _("Matching index rebuilt: %(count)d organizations (%(path)s)") % {"count": count, "path": holder.root}
