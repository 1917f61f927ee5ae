"""`hamafza two_factor_reset EMAIL [--unlock]`: for the operator when the last platform admin lost
both the phone and the recovery codes (otherwise a platform admin uses the admin's user action).
The person sets two-factor up again at the next sign-in if their roles require it."""

from django.core.management.base import BaseCommand, CommandError

from hamafza.accounts import services
from hamafza.accounts.models import User


class Command(BaseCommand):
    help = "Remove a user's two-factor authentication (lost phone and recovery codes); --unlock also lifts a lock."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--unlock", action="store_true", help="also lift the sign-in lock of the account")

    def handle(self, *args, email, unlock, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        services.two_factor_disable(user=user, by=user, force=True)
        self.stdout.write(f"Two-factor authentication removed for {user.email}.")
        if unlock:
            removed = services.login_lock_lift(user=user, reason="command line")
            self.stdout.write(f"Sign-in lock lifted ({removed} records).")
