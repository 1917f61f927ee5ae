"""Who may do what with organizations. Platform admins have exactly the rights written below (no
superuser shortcut): they edit and verify any organization and manage its members."""

import rules

from hamafza.accounts.rules import is_any_innovation_manager, is_platform_admin
from hamafza.directory.selectors import membership_get


@rules.predicate
def is_org_member(user, organization):
    return organization is not None and membership_get(user=user, organization=organization) is not None


@rules.predicate
def is_org_admin(user, organization):
    if organization is None:
        return False
    membership = membership_get(user=user, organization=organization)
    return membership is not None and membership.role == "admin"


rules.add_perm("directory.view_organization", rules.always_allow)
rules.add_perm("directory.change_organization", is_org_member | is_platform_admin)
rules.add_perm("directory.verify_organization", is_any_innovation_manager | is_platform_admin)
rules.add_perm("directory.manage_members", is_org_admin | is_platform_admin)
