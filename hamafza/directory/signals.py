"""Hooks of the directory for higher layers (the directory imports none of them).

`membership_changed_by_platform_admin` is sent after a platform admin adds, changes or removes an
organization membership in the Django admin, with `membership`, `by` (the platform admin),
`action` ("added", "changed" or "removed") and `recipients` (the organization's admins and the
member, never the acting admin). The challenges app, which owns notifications, tells them.
"""

from django.dispatch import Signal

membership_changed_by_platform_admin = Signal()
