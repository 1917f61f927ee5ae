"""Who sees matches and who invites. Views, selectors, services and the API ask these permissions.

Objects: a Call (the challenges app's) or an Organization (the directory's). Platform admins have
exactly the rights written below (no superuser shortcut): not "organizations to invite" on a call."""

import rules

from hamafza.accounts.rules import is_platform_admin
from hamafza.challenges.rules import is_city_manager
from hamafza.directory.rules import is_org_member

# "Organizations to invite" on a call: the innovation manager of the call's city, no one else.
rules.add_perm("matching.view_call_matches", is_city_manager)
rules.add_perm("matching.invite_organizations", is_city_manager)
# "Calls for you" on an organization: its members (and platform admins).
rules.add_perm("matching.view_calls_for_organization", is_org_member | is_platform_admin)
