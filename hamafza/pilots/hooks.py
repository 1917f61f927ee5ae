"""What the pilots app plugs into the lower apps' hooks when Django starts (apps.ready): its
notification kinds, the track-record signal of the matching engine and its explanation, the
track-record section of an organization's profile and the links from a call's results to the
summaries of its completed pilots (see ``install``)."""

from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "pilot_started": (
        _("A pilot of “%(title)s” was started in %(unit)s."),
        _("A pilot of my organization or unit starts"),
    ),
    "pilot_state": (
        _("The pilot “%(title)s” is now %(state)s."),
        _("A pilot I take part in changes state"),
    ),
    "milestone_due_soon": (
        _("The milestone “%(milestone)s” of the pilot “%(title)s” is due on %(due)s."),
        _("A pilot milestone is due within 7 days"),
    ),
    "milestone_overdue": (
        _("The milestone “%(milestone)s” of the pilot “%(title)s” is overdue (due %(due)s)."),
        _("A pilot milestone is overdue"),
    ),
    "milestone_submitted": (
        _("The milestone “%(milestone)s” of the pilot “%(title)s” was submitted for review."),
        _("A pilot milestone is submitted for my review"),
    ),
    "milestone_returned": (
        _("The milestone “%(milestone)s” of the pilot “%(title)s” was returned. Reason: %(reason)s"),
        _("A pilot milestone is returned"),
    ),
    "milestone_accepted": (
        _("The milestone “%(milestone)s” of the pilot “%(title)s” was accepted."),
        _("A pilot milestone is accepted"),
    ),
    "kpi_measurement_due": (
        _("A measurement of the KPI “%(kpi)s” of the pilot “%(title)s” is due."),
        _("A KPI measurement of a pilot is due"),
    ),
    "agreement_state": (
        _("The agreement “%(title)s” is now %(state)s."),
        _("An agreement my organization is party to changes status"),
    ),
}


def install() -> None:
    from hamafza.challenges.messages import register_kind
    from hamafza.core import hooks
    from hamafza.pilots import selectors, workspace

    for kind, (text, label) in NOTIFICATION_KINDS.items():
        register_kind(kind, text=text, label=label)
    hooks.navigation.register(selectors.navigation_entries, order=85)
    panels = hooks.workspace_panels
    panels.register(workspace.overdue_milestones_panel, audiences="innovation_manager", order=50)
    panels.register(workspace.obligations_due_panel, audiences="innovation_manager", order=60)
    panels.register(workspace.milestones_to_review_panel, audiences="unit_staff", order=30)
    # The track record: completed pilots and active or completed agreements count in the matching
    # engine's signal and are named in its explanation; the organization's profile lists them.
    hooks.track_records.register(selectors.track_record_totals)
    hooks.track_record_evidence.register(selectors.track_record_lines)
    hooks.organization_profile_sections.register(selectors.organization_profile_section)
    hooks.call_result_links.register(selectors.call_result_links)
