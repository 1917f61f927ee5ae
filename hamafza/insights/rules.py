"""Who sees which dashboard. The public summary, the open data (OCDS) and the city calendar are
public; they only carry what the call pages already publish."""

import rules

from hamafza.accounts.rules import is_innovation_manager, is_platform_admin

# A city's dashboard: its innovation managers and the platform admins. The national one: admins.
rules.add_perm("insights.view_city_dashboard", is_innovation_manager | is_platform_admin)
rules.add_perm("insights.view_national_dashboard", is_platform_admin)
