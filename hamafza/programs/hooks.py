"""What the programs app plugs into the lower apps' hooks when Django starts (apps.ready): its
notification kinds and its navigation entries."""

from django.utils.translation import gettext_lazy as _

from hamafza.challenges.messages import register_kind
from hamafza.core import hooks as core_hooks
from hamafza.programs import rules, selectors, workspace

NOTIFICATION_KINDS = {
    "event_registered": (
        _("You are registered for “%(title)s” on %(when)s. Your check-in code: %(code)s"),
        _("My registration for an event is confirmed"),
    ),
    "event_waitlisted": (
        _("“%(title)s” is full; you are on the waitlist and will be told if a seat frees."),
        _("I join the waitlist of an event"),
    ),
    "event_promoted": (
        _("A seat freed at “%(title)s”: you are now registered. Your check-in code: %(code)s"),
        _("I move from the waitlist to a seat"),
    ),
    "event_reminder": (
        _("Reminder: “%(title)s” starts on %(when)s. Your check-in code: %(code)s"),
        _("An event I registered for starts within a day"),
    ),
    "event_cancelled": (
        _("The event “%(title)s” was cancelled. Reason: %(reason)s"),
        _("An event I registered for is cancelled"),
    ),
    "pitch_state": (
        _("Your pitch at “%(title)s” is now: %(state)s."),
        _("A pitch of my organization is selected or not"),
    ),
    "pitch_results": (
        _("The pitch results of “%(title)s” are published."),
        _("The results of a pitch day my organization pitched at are published"),
    ),
    "application_state": (
        _("The application of %(team)s to %(cohort)s is now: %(state)s. %(reason)s"),
        _("My application to a cohort changes stage"),
    ),
}


def install() -> None:
    """Called from ``ProgramsConfig.ready()`` (this module is imported only then, once the apps are
    loaded)."""
    for kind, (text, label) in NOTIFICATION_KINDS.items():
        register_kind(kind, text=text, label=label)
    core_hooks.navigation.register(selectors.navigation_entries, order=87)
    core_hooks.evaluation_managers.register(rules.manages_jury_of)
    core_hooks.workspace_panels.register(workspace.my_registrations_panel, audiences="signed_in", order=70)
    core_hooks.workspace_panels.register(workspace.my_team_milestones_panel, audiences="signed_in", order=75)
