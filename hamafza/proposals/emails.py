"""The emails of the evaluation as background tasks (Celery; eager by default): panel invitations
and reminders to judges, rendered in the recipient's language. The services queue them; the beat
tasks live in ``tasks.py`` (which imports the services, so the services cannot import it)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from hamafza.accounts.models import User
from hamafza.core.formatting import format_date
from hamafza.proposals.models import PanelInvitation, PanelMember


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return getattr(settings, "SITE_URL", "").rstrip("/") + url
    return url


@shared_task(name="proposals.send_panel_invitation")
def send_panel_invitation(invitation_id: int, url: str) -> bool:
    invitation = PanelInvitation.objects.select_related("panel__call", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != PanelInvitation.Status.PENDING:
        return False
    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = existing.preferred_language if existing else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("Hamafza: invitation to judge “%(title)s”") % {"title": invitation.panel.call.title}
        body = _(
            "You are invited to the judging panel of the call “%(title)s”.\n\n"
            "To accept or decline, open:\n%(url)s\n\n"
            "You will declare any conflict of interest before seeing each proposal."
        ) % {"title": invitation.panel.call.title, "url": _absolute(url)}
    send_mail(subject[:150], body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


@shared_task(name="proposals.send_judge_reminder")
def send_judge_reminder(member_id: int, missing: int) -> bool:
    from django.urls import reverse

    member = PanelMember.objects.select_related("user", "panel__call").filter(pk=member_id).first()
    if member is None or not member.user.is_active:
        return False
    with translation.override(member.user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Hamafza: %(n)d proposals of “%(title)s” await your evaluation") % {
            "n": missing,
            "title": member.panel.call.title,
        }
        body = _("Please declare conflicts of interest and score the remaining proposals:\n%(url)s") % {
            "url": _absolute(reverse("proposals:judging"))
        }
        if member.panel.scoring_deadline:
            body += "\n\n" + _("The scoring deadline is %(date)s.") % {
                "date": format_date(member.panel.scoring_deadline, with_time=True)
            }
    send_mail(subject[:150], body, settings.DEFAULT_FROM_EMAIL, [member.user.email])
    return True
