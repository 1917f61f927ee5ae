"""A city's calls and awards as an Open Contracting Data Standard 1.1 release package.

One release per published call (ocid = ``settings.OCDS_OCID_PREFIX`` + "-" + call id):

* ``tender``: title, description, status, tenderPeriod, procurementMethod (open / selective /
  limited for an open call / an invited call / an RFP), the eligibility in ``eligibilityCriteria``,
  the unit as buyer and procuringEntity (in ``parties``);
* ``awards``: the published winners (suppliers in ``parties``); no value (a proposal's budget is
  confidential);
* ``contracts``: the city's agreements in the public register that belong to the call (directly or
  through their pilot), linked to the award of their organization: period, status, value when public;
  ``implementation``: the pilot's milestones, and its paid payments as transactions when the value is
  public.

Nothing confidential is written: no proposal that was not awarded, no score, no private value.
Everything is read by `selectors.ocds_calls` in a fixed number of queries.
"""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from hamafza.challenges.models import Call, CallType
from hamafza.core.provinces import PROVINCES
from hamafza.insights import selectors

OCDS_VERSION = "1.1"
PROCUREMENT_METHOD = {CallType.OPEN: "open", CallType.INVITED: "selective", CallType.RFP: "limited"}


def ocid(call: Call) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{call.pk}"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC).isoformat().replace("+00:00", "Z")


def _tender_status(call: Call, n_awards: int) -> str:
    S = Call.State
    if call.state == S.CANCELLED:
        return "cancelled"
    if call.state == S.RESULTS_PUBLISHED:
        return "complete" if n_awards else "unsuccessful"
    return "active"


def _eligibility(call: Call) -> str:
    parts = []
    if call.allowed_provinces:
        parts.append(_("Organizations of these provinces: %(p)s.") % {"p": "، ".join(call.allowed_province_labels)})
    if call.knowledge_based_required:
        parts.append(_("A valid knowledge-based certificate is required."))
    if call.allowed_kinds:
        parts.append(_("Organizations of these kinds: %(k)s.") % {"k": "، ".join(call.allowed_kind_labels)})
    if call.call_type == CallType.INVITED:
        parts.append(_("Only invited organizations may apply."))
    return " ".join(parts) or _("Any organization may apply.")


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """The translated labels a package repeats thousands of times, once per language:
    ``get_FOO_display`` hashes every lazy choice label on each call (measured: 18 of the 44 s of
    Tehran's package)."""
    with translation.override(language):
        return {
            "province": {code: str(label) for code, label in PROVINCES},
            "call_type": {value: str(label) for value, label in CallType.choices},
            "iran": str(pgettext("text", "Iran")),
        }


def _current_labels() -> dict:
    return _labels((get_language() or settings.LANGUAGE_CODE)[:2])


def _address(city_name: str, province_code: str) -> dict:
    labels = _current_labels()
    region = labels["province"].get(province_code, province_code)
    return {"locality": city_name, "region": region, "countryName": labels["iran"]}


def unit_party(unit) -> dict:
    return {
        "id": f"unit-{unit.pk}",
        "name": f"{unit.name} ({unit.city.name})",
        "roles": ["buyer", "procuringEntity"],
        "address": _address(unit.city.name, unit.city.province),
    }


def organization_party(org, roles: list[str]) -> dict:
    return {
        "id": f"org-{org.pk}",
        "name": org.display_name,
        "roles": roles,
        "address": _address(org.city_name, org.province),
    }


def award_id(call_id: int, organization_id: int) -> str:
    return f"{call_id}-award-{organization_id}"


def release(call: Call, *, contracts: list[dict] | None = None, extra_parties: list[dict] | None = None) -> dict:
    """The release of one call; `call` comes from `selectors.ocds_calls` (units, cities and the
    awarded results with their organizations loaded)."""
    awards = list(call.ocds_awards) if call.state == Call.State.RESULTS_PUBLISHED else []
    parties = {f"unit-{call.unit_id}": unit_party(call.unit)}
    for result in awards:
        if result.organization_id:
            parties.setdefault(f"org-{result.organization_id}", organization_party(result.organization, ["supplier"]))
    for party in extra_parties or []:
        existing = parties.setdefault(party["id"], party)
        existing["roles"] = sorted(set(existing["roles"]) | set(party["roles"]))
    buyer = {"id": f"unit-{call.unit_id}", "name": parties[f"unit-{call.unit_id}"]["name"]}
    tender = {
        "id": str(call.pk),
        "title": call.title,
        "status": _tender_status(call, len(awards)),
        "procuringEntity": buyer,
        "procurementMethod": PROCUREMENT_METHOD.get(call.call_type, "open"),
        "procurementMethodDetails": _current_labels()["call_type"].get(call.call_type, call.call_type),
        "eligibilityCriteria": _eligibility(call),
    }
    if call.description:
        tender["description"] = call.description
    period = {k: v for k, v in (("startDate", _iso(call.opens_at)), ("endDate", _iso(call.closes_at))) if v}
    if period:
        tender["tenderPeriod"] = period
    tags = ["tender"]
    data = {
        "ocid": ocid(call),
        "id": f"{ocid(call)}-{_iso(call.updated_at)}",
        "date": _iso(call.results_published_at or call.closed_at or call.published_at),
        "tag": tags,
        "initiationType": "tender",
        "language": (get_language() or "fa")[:2],
        "buyer": buyer,
        "tender": tender,
    }
    if awards:
        tags.append("award")
        data["awards"] = [
            {
                "id": award_id(call.pk, r.organization_id) if r.organization_id else f"{call.pk}-award-r{r.pk}",
                "status": "active",
                "date": _iso(call.results_published_at),
                "suppliers": (
                    [{"id": f"org-{r.organization_id}", "name": r.organization.display_name}]
                    if r.organization_id
                    else []
                ),
                **({"description": r.public_reason} if r.public_reason else {}),
            }
            for r in awards
        ]
    if contracts:
        tags.append("contract")
        if any("implementation" in c for c in contracts):
            tags.append("implementation")
        data["contracts"] = contracts
    data["parties"] = list(parties.values())
    return data


def package(*, city, calls, uri: str, contracts_by_call: dict | None = None, parties_by_call: dict | None = None):
    """The release package of `city` (a dict ready for json.dumps)."""
    contracts_by_call = contracts_by_call or {}
    parties_by_call = parties_by_call or {}
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _iso(timezone.now().replace(microsecond=0)),
        "publisher": {"name": pgettext("label", "Hamafza, %(city)s") % {"city": city.name}},
        "releases": [
            release(c, contracts=contracts_by_call.get(c.pk), extra_parties=parties_by_call.get(c.pk)) for c in calls
        ],
    }


CONTRACT_STATUS = {"signed": "pending", "active": "active", "completed": "terminated", "terminated": "terminated"}
MILESTONE_STATUS = {"accepted": "met"}


def contract(agreement, *, award: str) -> dict:
    """An agreement as an OCDS contract; its value and payments only when the value is public, and
    its pilot's milestones (and paid payments) as the implementation."""
    data = {
        "id": f"agreement-{agreement.pk}",
        "awardID": award,
        "title": agreement.title,
        "status": CONTRACT_STATUS.get(agreement.status, "pending"),
    }
    if agreement.signed_on:
        data["dateSigned"] = _iso(agreement.signed_on)
        period = {"startDate": _iso(agreement.signed_on)}
        if agreement.ends_on:
            period["endDate"] = _iso(agreement.ends_on)
        data["period"] = period
    if agreement.value_public and agreement.value_rial is not None:
        data["value"] = {"amount": agreement.value_rial, "currency": "IRR"}
    pilot = agreement.pilot
    if pilot is not None:
        implementation = {}
        milestones = [
            {
                "id": f"milestone-{m.pk}",
                "title": m.title,
                "type": "delivery",
                "dueDate": _iso(m.due_date),
                "status": MILESTONE_STATUS.get(m.status, "scheduled"),
                **({"dateMet": _iso(m.decided_at)} if m.status == "accepted" and m.decided_at else {}),
            }
            for m in pilot.milestones.all()
        ]
        if milestones:
            implementation["milestones"] = milestones
        if agreement.value_public:
            transactions = [
                {
                    "id": f"payment-{p.pk}",
                    "date": _iso(p.paid_on),
                    "value": {"amount": p.paid_rial, "currency": "IRR"},
                }
                for p in pilot.payments.all()
                if p.paid_rial is not None and p.paid_on is not None
            ]
            if transactions:
                implementation["transactions"] = transactions
        if implementation:
            data["implementation"] = implementation
    return data


def _contracts_by_call(agreements, calls) -> dict:
    """Contracts grouped by call id, each linked to an award of its call: the award of its pilot's
    organization, else of one of its organization parties. An agreement whose organization won no
    award of the call is not a contract of that call and is left out."""
    awarded = {c.pk: {r.organization_id for r in c.ocds_awards if r.organization_id} for c in calls}
    by_call: dict[int, list[dict]] = {}
    for agreement in agreements:
        call_id = agreement.call_id or (agreement.pilot.call_id if agreement.pilot else None)
        winners = awarded.get(call_id, set())
        candidates = [agreement.pilot.proposal.organization_id] if agreement.pilot else []
        candidates += [p.organization_id for p in agreement.parties.all() if p.organization_id]
        org = next((o for o in candidates if o in winners), None)
        if org is not None:
            by_call.setdefault(call_id, []).append(contract(agreement, award=award_id(call_id, org)))
    return by_call


def package_for(*, city, uri: str) -> dict:
    """The release package of `city` as served and exported (reads through `selectors`)."""
    calls = list(selectors.ocds_calls(city=city))
    agreements = selectors.ocds_agreements(city=city)
    return package(city=city, calls=calls, uri=uri, contracts_by_call=_contracts_by_call(agreements, calls))


def package_uri(city) -> str:
    """The package's address without a request: settings.SITE_URL + its path."""
    base = (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("insights:ocds", args=[city.slug])
