from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=pgettext_lazy("field label", "Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class RegistrationForm(UserCreationForm):
    """Citizen self-registration."""

    class Meta:
        model = User
        fields = ["email", "display_name_fa", "display_name_en", "preferred_language"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name_fa", "display_name_en", "preferred_language"]


class ApiTokenForm(forms.Form):
    """A new personal API token on the profile page: a name and how long it lasts."""

    EXPIRY_CHOICES = [
        ("30", pgettext_lazy("option", "30 days")),
        ("90", pgettext_lazy("option", "90 days")),
        ("365", pgettext_lazy("option", "One year")),
        ("never", _("Never (until revoked)")),
    ]

    name = forms.CharField(
        label=pgettext_lazy("field label", "Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the e-services portal."),
    )
    expires = forms.ChoiceField(
        label=pgettext_lazy("field label", "Expires after"), choices=EXPIRY_CHOICES, initial="90"
    )

    def expires_at(self):
        import datetime

        from django.utils import timezone

        value = self.cleaned_data["expires"]
        return None if value == "never" else timezone.now() + datetime.timedelta(days=int(value))


class OtpForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    otp_token = forms.CharField(
        label=pgettext_lazy("field label", "Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "dir": "ltr"}
        ),
    )


class SetPasswordAndUnlockForm(SetPasswordForm):
    """The password reset's new password. Setting it also lifts the sign-in lock of the account, so
    someone locked out by another's wrong guesses gets back in with the emailed link."""

    def save(self, commit=True):
        from hamafza.accounts.services import login_lock_lift

        user = super().save(commit=commit)
        if commit:
            login_lock_lift(user=user, reason="password reset")
        return user
