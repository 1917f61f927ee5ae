"""Writes of the consortia app: missions, roles, optimiser runs, consortia and invitations.

Every service takes keyword-only arguments, checks the permission of ``by`` (``consortia.rules``),
runs in a transaction and leaves an audit row (django-simple-history) on every model it changes.
The optimiser (``optimizer.py``) is pure: :func:`role_candidates` is the adapter that feeds it
candidates and fitness from the matching engine, after eligibility.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.consortia.models import (
    Consortium,
    ConsortiumInvitation,
    ConsortiumMember,
    Mission,
    MissionRole,
    ProposalRun,
)
from hamafza.consortia.optimizer import Candidate, OrgInfo, Problem, ProblemError, Role, mark_heuristic, solve
from hamafza.consortia.selectors import consortium_coverage
from hamafza.core import errors
from hamafza.core.services import taxonomy_as_dict
from hamafza.core.text import normalize
from hamafza.directory.models import Organization
from hamafza.directory.selectors import membership_get
from hamafza.matching import services as matching_services
from hamafza.matching.engine import Eligibility, Engine
from hamafza.matching.services import call_eligibility, eligible_if_invited, get_engine, organization_docs
from hamafza.proposals import services as proposal_services
from hamafza.proposals.models import Proposal

CANDIDATES_PER_ROLE = 50
TIME_LIMIT_SECONDS = 10.0
TOP_MAX = 10
MEMBERS_MAX = 12
TRACK_RECORD_FULL = 5  # awarded results that count as a full track record (as in the CLI)


class Refused(errors.Refused):
    """A step the current state forbids; ``reasons`` are shown to the user."""


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _target_kwargs(target) -> dict:
    return {"mission": target} if isinstance(target, Mission) else {"call": target}


def target_roles(target):
    """The roles of a mission or a call, in their order, with capabilities prefetched."""
    return (
        MissionRole.objects.filter(**_target_kwargs(target)).prefetch_related("capabilities").order_by("position", "pk")
    )


# --------------------------------------------------------------------------------------------
# Eligibility (the same rules as a call's; a call target uses the challenges' own check)
# --------------------------------------------------------------------------------------------
def mission_eligibility_for(*, mission: Mission, organization, on: datetime.date | None = None):
    """Whether `organization` may take part in `mission`, with readable reasons why not: allowed
    provinces and kinds, and a knowledge-based certificate valid today when required."""
    reasons = []
    if mission.allowed_provinces and organization.province not in mission.allowed_provinces:
        reasons.append(
            _("The mission is restricted to organizations in %(allowed)s; this one is in %(province)s.")
            % {
                "allowed": "، ".join(mission.allowed_province_labels),
                "province": organization.get_province_display(),
            }
        )
    if mission.allowed_kinds and organization.kind not in mission.allowed_kinds:
        reasons.append(
            _("The mission is open to %(allowed)s; this organization is a %(kind)s.")
            % {
                "allowed": "، ".join(mission.allowed_kind_labels),
                "kind": organization.get_kind_display(),
            }
        )
    if mission.knowledge_based_required and not organization.has_valid_certificate(on=on):
        reasons.append(_("A valid knowledge-based certificate is required."))
    return (not reasons, reasons)


def target_eligibility_for(*, target, organization):
    """Eligibility of an organization for a mission or a call (a call's invitation list aside:
    the consortium applies through its lead)."""
    if isinstance(target, Mission):
        return mission_eligibility_for(mission=target, organization=organization)

    return eligible_if_invited(call=target, organization=organization)


def _engine_eligibility(target):
    if isinstance(target, Mission):
        return Eligibility(
            provinces=list(target.allowed_provinces or []),
            knowledge_based_only=bool(target.knowledge_based_required),
            kinds=list(target.allowed_kinds or []),
        )

    return call_eligibility(target)


# --------------------------------------------------------------------------------------------
# Missions and roles
# --------------------------------------------------------------------------------------------
MISSION_FIELDS = (
    "title_fa",
    "title_en",
    "description",
    "call",
    "allowed_provinces",
    "knowledge_based_required",
    "allowed_kinds",
)


def _clean_mission(city, values: dict) -> dict:
    cleaned = {k: values[k] for k in MISSION_FIELDS if k in values}
    for name in ("title_fa", "title_en"):
        if name in cleaned:
            cleaned[name] = normalize(cleaned[name] or "")
    if "title_fa" in cleaned and not cleaned["title_fa"]:
        raise ValidationError({"title_fa": _("Give the mission a Persian title.")})
    call = cleaned.get("call")
    if call is not None and (city is None or call.city_id != city.pk):
        raise ValidationError({"call": _("The call must belong to the mission's city.")})
    return cleaned


@transaction.atomic
def mission_create(*, by, city, values: dict) -> Mission:
    """A new mission of `city` (None: national). Guarantees: `by` manages that city (a platform
    admin for a national mission); a linked call belongs to the same city."""
    probe = Mission(city=city)
    _require(by, "consortia.change_mission", probe)
    cleaned = _clean_mission(city, values)
    mission = Mission(city=city, created_by=by, **cleaned)
    mission._history_user = by
    mission.save()
    return mission


@transaction.atomic
def mission_update(*, mission: Mission, by, values: dict) -> Mission:
    """Change a mission's texts, linked call and eligibility (its city stays)."""
    _require(by, "consortia.change_mission", mission)
    cleaned = _clean_mission(mission.city, values)
    for name, value in cleaned.items():
        setattr(mission, name, value)
    mission._history_user = by
    mission.save()
    return mission


@transaction.atomic
def role_save(
    *,
    target,
    by,
    code: str,
    name: str,
    capabilities,
    min_members: int,
    max_members: int,
    text: str = "",
    role: MissionRole | None = None,
) -> MissionRole:
    """Add a role to a mission or call, or change one. Guarantees: `by` manages the target; the
    code is unique within the target; 0 <= min <= max, max >= 1; at least one capability."""
    _require(by, "consortia.manage_roles", target)
    errors = {}
    code = (code or "").strip()
    name = normalize(name or "")
    capabilities = list(capabilities or [])
    if not code:
        errors["code"] = _("Give the role a short code.")
    if not name:
        errors["name"] = _("Give the role a name.")
    if not capabilities:
        errors["capabilities"] = _("Choose at least one capability the role needs.")
    if min_members is None or min_members < 0:
        errors["min_members"] = _("The minimum must be 0 or more.")
    if max_members is None or max_members < 1:
        errors["max_members"] = _("The maximum must be at least 1.")
    elif min_members is not None and min_members > max_members:
        errors["max_members"] = _("The maximum cannot be smaller than the minimum.")
    if code:
        clash = MissionRole.objects.filter(**_target_kwargs(target), code=code)
        if role is not None:
            clash = clash.exclude(pk=role.pk)
        if clash.exists():
            errors["code"] = _("Another role of this mission already has this code.")
    if errors:
        raise ValidationError(errors)
    if role is None:
        position = MissionRole.objects.filter(**_target_kwargs(target)).count()
        role = MissionRole(**_target_kwargs(target), position=position)
    elif role.target_id_pair() != _target_pair(target):
        raise PermissionDenied("role of another target")
    role.code, role.name, role.text = code, name, (text or "").strip()
    role.min_members, role.max_members = min_members, max_members
    role._history_user = by
    role.save()
    role.capabilities.set(capabilities)
    return role


def _target_pair(target) -> tuple[int | None, int | None]:
    return (target.pk, None) if isinstance(target, Mission) else (None, target.pk)


@transaction.atomic
def role_delete(*, role: MissionRole, by) -> None:
    """Remove a role. Refused while a consortium has a member or an invitation for it."""
    _require(by, "consortia.manage_roles", role.target)
    if role.members.exists() or role.invitations.exists():
        raise Refused(_("Consortia already have members or invitations for this role; it cannot be removed."))
    role._history_user = by
    role.delete()


# --------------------------------------------------------------------------------------------
# Candidates and the optimiser
# --------------------------------------------------------------------------------------------
def _matched_codes(explanation, required) -> list[str]:
    codes = [
        c["code"]
        for c in (explanation or {}).get("capabilities", [])
        if isinstance(c, dict) and isinstance(c.get("code"), str) and (c.get("contribution") or 0) > 0
    ]
    codes.sort(key=lambda code: code not in required)
    return codes


def database_engine():
    """A small in-memory engine over every organization of the database (no embeddings, no index
    directory): for the demo loader and command-line use, where the process-wide engine of
    ``hamafza.matching.services`` (with its on-disk index) is not wanted."""
    engine = Engine(taxonomy=taxonomy_as_dict(), use_embeddings=False)
    engine.add_organizations(list(organization_docs()))
    return engine


def role_candidates(*, target, roles, per_role: int | None = None, engine=None):
    """The adapter between the matching engine and the optimiser.

    For each role, the engine (``hamafza.matching.services.get_engine()``, the process-wide engine
    kept in step with the database) ranks organizations for the role's capabilities and text,
    applying the target's eligibility; the best `per_role` are kept and checked again with the
    platform's own eligibility rule. Fitness = the engine's score (0..1). The target's city is not
    passed to the engine: locality is counted once, by the optimiser (1.0 same city, 0.5 same
    province), as is the track record (awarded results, 5 or more = 1.0).

    `engine`: another engine to use (see :func:`database_engine`). `per_role` < 1: every
    organization the engine scores (the whole instance).

    Returns (candidates, org infos, {organization id: Organization}, cut) where `cut` says whether
    the engine may have left candidates out (a role reached `per_role` matches).
    """
    if engine is None:
        engine = get_engine()
    if per_role is None:
        per_role = CANDIDATES_PER_ROLE
    eligibility = _engine_eligibility(target)
    ranked = []
    cut = False
    top = per_role if per_role > 0 else max(len(engine), 1)
    for role in roles:
        codes = [c.code for c in role.capabilities.all()]
        matches = engine.rank_for_capabilities(codes, text=role.text, eligibility=eligibility, top=top)
        cut = cut or (per_role > 0 and len(matches) >= per_role)
        ranked.append((role, codes, matches))
    ids = {int(m.organization) for _r, _c, ms in ranked for m in ms if str(m.organization).isdigit()}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids).select_related("city")}
    ok_ids = {oid for oid, org in orgs.items() if target_eligibility_for(target=target, organization=org)[0]}
    candidates = []
    for role, codes, matches in ranked:
        for m in matches:
            oid = int(m.organization) if str(m.organization).isdigit() else None
            if oid not in ok_ids:
                continue
            fitness = min(max(float(m.score), 0.0), 1.0)
            candidates.append(Candidate(str(oid), role.code, fitness, tuple(_matched_codes(m.explanation, codes))))
    city = target.city
    tracks = matching_services.track_records(ok_ids)
    infos = []
    for oid in ok_ids:
        org = orgs[oid]
        if city is not None and org.city_id == city.pk:
            locality = 1.0
        elif city is not None and org.province == city.province:
            locality = 0.5
        else:
            locality = 0.0
        track = min(tracks.get(oid, 0) / TRACK_RECORD_FULL, 1.0)
        infos.append(OrgInfo(str(oid), locality, track, org.display_name))
    return candidates, infos, {oid: orgs[oid] for oid in ok_ids}, cut


@transaction.atomic
def consortia_propose(*, target, by, top: int = 5, max_members: int = 6, engine=None) -> ProposalRun:
    """Run the exact optimiser for a mission or call and store the run.

    Guarantees: `by` manages the target; 1 <= top <= 10, 1 <= max_members <= 12; the target has at
    least one role. The stored result holds the roles as they were, the eligible candidates per
    role with their fitness, and the `top` best consortia (or the roles nobody eligible can fill).
    """
    _require(by, "consortia.propose_consortia", target)
    errors = {}
    if not (isinstance(top, int) and 1 <= top <= TOP_MAX):
        errors["top"] = _("Ask for between 1 and %(max)s consortia.") % {"max": TOP_MAX}
    if not (isinstance(max_members, int) and 1 <= max_members <= MEMBERS_MAX):
        errors["max_members"] = _("A consortium may have between 1 and %(max)s members.") % {"max": MEMBERS_MAX}
    if errors:
        raise ValidationError(errors)
    roles = list(target_roles(target))
    if not roles:
        raise Refused(_("Add at least one role before asking for consortia."))
    opt_roles = [
        Role(r.code, r.name, tuple(c.code for c in r.capabilities.all()), r.min_members, r.max_members) for r in roles
    ]
    candidates, infos, _orgs, cut = role_candidates(target=target, roles=roles, engine=engine)
    try:
        problem = Problem(opt_roles, candidates, infos, max_members=max_members)
        result = solve(problem, k=top, time_limit=TIME_LIMIT_SECONDS, explain=not cut)
        if cut and not result.feasible:
            # The engine's top CANDIDATES_PER_ROLE may have left out the organizations a consortium
            # needs (e.g. one filling two roles at a low fitness): solve the whole instance.
            candidates, infos, _orgs, _cut = role_candidates(target=target, roles=roles, engine=engine, per_role=0)
            result = solve(
                Problem(opt_roles, candidates, infos, max_members=max_members), k=top, time_limit=TIME_LIMIT_SECONDS
            )
            result.stats["candidate_cut"] = {"per_role": CANDIDATES_PER_ROLE, "fallback": "whole instance"}
        elif cut:
            mark_heuristic(result, CANDIDATES_PER_ROLE)
    except ProblemError as exc:  # a role table the forms should not let through
        raise Refused(str(exc)) from exc
    per_role: dict[str, list[dict]] = {r.code: [] for r in roles}
    for c in candidates:
        per_role[c.role].append(
            {
                "organization": c.organization,
                "fitness": round(c.fitness, 6),
                "capabilities": list(c.capabilities_matched),
            }
        )
    doc = result.to_dict()
    doc["roles"] = [
        {
            "id": r.pk,
            "code": r.code,
            "name": r.name,
            "min": r.min_members,
            "max": r.max_members,
            "capabilities": [c.code for c in r.capabilities.all()],
        }
        for r in roles
    ]
    doc["candidates"] = per_role
    doc["locality"] = {i.id: i.locality for i in infos}
    doc["track_record"] = {i.id: i.track_record for i in infos}
    member_ids = sorted({int(m.organization) for c in result.consortia for m in c.members})
    run = ProposalRun(
        **_target_kwargs(target), top=top, max_members=max_members, result=doc, member_ids=member_ids, created_by=by
    )
    run._history_user = by
    run.save()
    return run


# --------------------------------------------------------------------------------------------
# Consortia
# --------------------------------------------------------------------------------------------
def _proposed(run: ProposalRun, rank: int) -> dict:
    for c in run.result.get("consortia", []):
        if c.get("rank") == rank:
            return c
    raise ValidationError({"rank": _("The run has no consortium with this rank.")})


@transaction.atomic
def consortium_form(*, run: ProposalRun, rank: int, lead, by) -> Consortium:
    """Form the consortium proposed at `rank` in `run`, led by `lead`.

    Guarantees: `by` is an admin of `lead` (the lead's admin forms it; a manager cannot form one
    for an organization); `lead` is a member of that proposed consortium; the lead leads at most
    one consortium per mission or call; the lead's own seats (the roles it was proposed for that
    still exist) are written as accepted members. The other proposed members are not contacted:
    the lead's admins invite them role by role."""
    membership = membership_get(user=by, organization=lead)
    if membership is None or membership.role != "admin":
        raise PermissionDenied("only an admin of the lead organization forms a consortium")
    proposed = _proposed(run, rank)
    seats = next((m for m in proposed["members"] if m["organization"] == str(lead.pk)), None)
    if seats is None:
        raise Refused(_("%(org)s is not a member of this proposed consortium.") % {"org": lead.display_name})
    target = run.target
    roles = {r.code: r for r in MissionRole.objects.filter(**_target_kwargs(target))}
    kept = [a for a in seats["roles"] if a["role"] in roles]
    if not kept:
        raise Refused(_("The roles have changed since this proposal; ask for consortia again."))
    if Consortium.objects.filter(**_target_kwargs(target), lead=lead).exists():
        raise Refused(_("%(org)s already leads a consortium for this mission.") % {"org": lead.display_name})
    consortium = Consortium(
        **_target_kwargs(target), lead=lead, run=run, rank=rank, max_members=run.max_members, created_by=by
    )
    consortium._history_user = by
    try:
        with transaction.atomic():
            consortium.save()
    except IntegrityError as exc:  # formed by another admin at the same moment
        raise Refused(_("%(org)s already leads a consortium for this mission.") % {"org": lead.display_name}) from exc
    for a in kept:
        member = ConsortiumMember(
            consortium=consortium,
            organization=lead,
            role=roles[a["role"]],
            fitness=a.get("fitness"),
            capabilities_matched=a.get("capabilities_matched") or [],
        )
        member._history_user = by
        member.save()
    return consortium


def _candidate_entry(consortium: Consortium, role: MissionRole, organization) -> dict | None:
    if consortium.run is None:
        return None
    for entry in consortium.run.result.get("candidates", {}).get(role.code, []):
        if entry["organization"] == str(organization.pk):
            return entry
    return None


@transaction.atomic
def consortium_invite(*, consortium: Consortium, role: MissionRole, organization, by, message: str = ""):
    """Invite `organization` to fill `role`. Guarantees: `by` is an admin of the lead; the role
    belongs to the consortium's mission or call and is not full; the organization is eligible
    (the target's rules) and neither already fills the role nor has a pending invitation for it.
    Fitness and matched capabilities are copied from the run when the organization was a
    candidate for that role."""
    _require(by, "consortia.invite_member", consortium)
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    if role.target_id_pair() != (consortium.mission_id, consortium.call_id):
        raise PermissionDenied("role of another mission")
    reasons = []
    if consortium.proposal_id:
        reasons.append(_("The consortium has applied; its members can no longer change."))
    if consortium.members.filter(role=role, organization=organization).exists():
        reasons.append(_("%(org)s already fills this role.") % {"org": organization.display_name})
    elif consortium.invitations.filter(role=role, organization=organization, status="pending").exists():
        reasons.append(
            _("%(org)s already has a pending invitation for this role.") % {"org": organization.display_name}
        )
    if consortium.members.filter(role=role).count() >= role.max_members:
        reasons.append(_("The role %(role)s is already full.") % {"role": role.name})
    ok, why = target_eligibility_for(target=consortium.target, organization=organization)
    if not ok:
        reasons.extend(why)
    if reasons:
        raise Refused(reasons)
    entry = _candidate_entry(consortium, role, organization) or {}
    invitation = ConsortiumInvitation(
        consortium=consortium,
        organization=organization,
        role=role,
        fitness=entry.get("fitness"),
        capabilities_matched=entry.get("capabilities") or [],
        message=(message or "").strip(),
        invited_by=by,
    )
    invitation._history_user = by
    invitation.save()
    return invitation


@transaction.atomic
def invitation_respond(*, invitation: ConsortiumInvitation, by, accept: bool) -> ConsortiumInvitation:
    """Accept or decline an invitation. Guarantees: `by` is an admin of the invited organization
    and the invitation is pending; an acceptance is refused when the role is already full, when it
    would take the consortium above its maximum of distinct members, or after it applied. An
    acceptance adds the organization as a member in that role."""
    _require(by, "consortia.respond_invitation", invitation)
    invitation = ConsortiumInvitation.objects.select_for_update().select_related("role").get(pk=invitation.pk)
    consortium = Consortium.objects.select_for_update().get(pk=invitation.consortium_id)
    if invitation.status != ConsortiumInvitation.Status.PENDING:
        raise Refused(_("This invitation has already been answered or withdrawn."))
    if accept:
        reasons = []
        if consortium.proposal_id:
            reasons.append(_("The consortium has applied; its members can no longer change."))
        if consortium.members.filter(role=invitation.role).count() >= invitation.role.max_members:
            reasons.append(_("The role %(role)s is already full.") % {"role": invitation.role.name})
        orgs = set(consortium.members.values_list("organization_id", flat=True))
        if invitation.organization_id not in orgs and len(orgs) + 1 > consortium.max_members:
            reasons.append(
                _("The consortium already has its maximum of %(n)s member organizations.")
                % {"n": consortium.max_members}
            )
        if reasons:
            raise Refused(reasons)
        member = ConsortiumMember(
            consortium=consortium,
            organization_id=invitation.organization_id,
            role=invitation.role,
            fitness=invitation.fitness,
            capabilities_matched=invitation.capabilities_matched,
        )
        member._history_user = by
        member.save()
    invitation.status = ConsortiumInvitation.Status.ACCEPTED if accept else ConsortiumInvitation.Status.DECLINED
    invitation.responded_by = by
    invitation.responded_at = timezone.now()
    invitation._history_user = by
    invitation.save()
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: ConsortiumInvitation, by) -> ConsortiumInvitation:
    """The lead's admin withdraws a pending invitation."""
    _require(by, "consortia.withdraw_invitation", invitation)
    invitation.status = ConsortiumInvitation.Status.WITHDRAWN
    invitation.responded_by = by
    invitation.responded_at = timezone.now()
    invitation._history_user = by
    invitation.save()
    return invitation


def team_text(consortium: Consortium) -> str:
    """The consortium's members and roles, one line each, for the proposal's "team" field."""
    lines = [_("Consortium led by %(lead)s:") % {"lead": consortium.lead.display_name}]
    for m in consortium.members.select_related("organization", "role").order_by("role__position", "pk"):
        lines.append(f"- {m.role.name}: {m.organization.display_name}")
    return "\n".join(lines)


@transaction.atomic
def consortium_apply(*, consortium: Consortium, by, title: str):
    """Apply to the call on behalf of the consortium.

    The proposals app takes an organization as the applicant (``Proposal.organization``; its
    model has no consortium field yet, see docs/decisions/0006). So the *lead* applies as its
    organization through ``proposals.services.proposal_save_draft`` (the call must be open and the
    lead eligible); the draft's "team" lists the consortium's members and roles, and the proposal
    is recorded on the consortium (``Consortium.proposal``). If the lead already has a proposal to
    that call, that proposal is recorded instead and left unchanged.

    Guarantees: `by` is an admin of the lead; every role has its minimum of accepted members; the
    mission or call has a call to apply to; the consortium has not applied before."""
    _require(by, "consortia.apply_consortium", consortium)
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    if consortium.proposal_id:
        raise Refused(_("The consortium has already applied."))
    call = consortium.apply_call
    if call is None:
        raise Refused(_("This mission has no call to apply to."))
    if not consortium_coverage(consortium=consortium)["complete"]:
        raise Refused(_("Every role needs its minimum of accepted members before the consortium can apply."))
    try:
        proposal = proposal_services.proposal_save_draft(
            call=call,
            organization=consortium.lead,
            by=by,
            values={"title": title, "team": team_text(consortium)},
        )
    except proposal_services.StaleEdit as exc:
        proposal = exc.obj
    except proposal_services.Refused as exc:
        raise Refused(exc.reasons) from exc
    if not isinstance(proposal, Proposal):  # pragma: no cover - defensive
        raise Refused(_("The application could not be created."))
    consortium.proposal = proposal
    consortium._history_user = by
    consortium.save()
    return proposal
