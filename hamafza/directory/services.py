"""Writes for the directory: create, update and verify organizations."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hamafza.core import hooks
from hamafza.core.dates import check_date
from hamafza.core.models import City
from hamafza.core.text import fold
from hamafza.directory.models import Organization, OrganizationMembership


def unique_slug(name: str, *, model=Organization, exclude_pk=None) -> str:
    base = slugify(fold(name), allow_unicode=True)[:100] or "org"
    slug, n = base, 2
    qs = model.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def city_for(city_name: str, province: str) -> City | None:
    """The tenant city with this name (either language, any spelling), if there is one."""
    key = fold(city_name)
    if not key:
        return None
    for city in City.objects.filter(province=province):
        if key in (fold(city.name_fa), fold(city.name_en), fold(city.slug)):
            return city
    return None


@transaction.atomic
def _check_dates(organization: Organization) -> None:
    """The certificate's dates inside the platform's window (core.dates), else a ValidationError."""
    for name in ("certificate_valid_from", "certificate_valid_until"):
        check_date(getattr(organization, name), field=name)


def organization_create(*, capabilities=(), **fields) -> Organization:
    """Create an organization, give it a unique slug and link it to a tenant city when one matches."""
    org = Organization(**fields)
    if not org.slug:
        org.slug = unique_slug(org.name_en or org.name)
    if org.city_id is None:
        org.city = city_for(org.city_name, org.province)
    _check_dates(org)
    org.full_clean()
    org.save()
    if capabilities:
        org.capabilities.set(capabilities)
    _index_later(org)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, by, capabilities=None, **fields) -> Organization:
    """Update an organization's profile (permission checked by the caller through rules)."""
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.city = city_for(organization.city_name, organization.province)
    organization._history_user = by
    _check_dates(organization)
    organization.full_clean()
    organization.save()
    if capabilities is not None:
        organization.capabilities.set(capabilities)
    _index_later(organization)
    return organization


@transaction.atomic
def organization_verify(*, organization: Organization, by, verified: bool = True) -> Organization:
    """Mark an organization verified (or not) by an innovation manager or a platform admin."""
    organization.verified = verified
    organization.verified_at = timezone.now() if verified else None
    organization._history_user = by
    organization.save(update_fields=["verified", "verified_at", "search_text", "updated_at"])
    _index_later(organization)
    return organization


@transaction.atomic
def membership_add(*, organization: Organization, user, role: str = "member") -> OrganizationMembership:
    membership, _ = OrganizationMembership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return membership


#: The change reason written on the membership's history row when a platform admin edits it.
ADMIN_CHANGE_REASON = "Django admin (platform admin)"


def membership_change_by_platform_admin(*, membership: OrganizationMembership, by, action: str) -> None:
    """Audit and announce a membership that a platform admin added, changed or removed in the
    Django admin (an admin could otherwise give himself a seat and read the organization's drafts).

    The history row of the membership (written by the save or delete, stamped with `by`) is the
    audit; this marks it with ``ADMIN_CHANGE_REASON`` and, once the transaction commits, sends
    the hook ``core.hooks.membership_changed_by_platform_admin`` (the challenges app notifies) for
    the organization's admins and the member.
    Call it *before* saving or deleting."""
    assert action in ("added", "changed", "removed"), action
    membership._change_reason = ADMIN_CHANGE_REASON
    organization, member = membership.organization, membership.user
    admins = [
        m.user
        for m in OrganizationMembership.objects.filter(
            organization=organization, role=OrganizationMembership.Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .select_related("user")
    ]
    recipients = {u.pk: u for u in [*admins, member] if u.pk != by.pk}

    def send():
        hooks.membership_changed_by_platform_admin.send(
            membership=membership,
            organization=organization,
            member=member,
            by=by,
            action=action,
            recipients=list(recipients.values()),
        )

    transaction.on_commit(send)


def certificate_is_valid(organization: Organization, on: datetime.date | None = None) -> bool:
    return organization.has_valid_certificate(on)


def organization_changed_in_admin(organization: Organization) -> None:
    """The Django admin saved `organization` (fields or capabilities): announce it like the services
    do, so the apps' derived data (matching index, eligible open calls) follows."""
    _index_later(organization)


def _index_later(organization: Organization) -> None:
    """Tell the apps that keep derived data about organizations (``hooks.organizations_changed``),
    inside the saving transaction: the matching app logs the change there, so it cannot be lost even
    when the background task is, and applies it once the transaction commits."""
    hooks.organizations_changed.send(organization_ids=[organization.pk])
