from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hamafza.accounts import services
from hamafza.accounts.forms import ApiTokenForm, EmailAuthenticationForm, ProfileForm, RegistrationForm
from hamafza.accounts.rules import roles_of
from hamafza.core import hooks


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Switch to the user's language unless they asked for a page in another one.
        language = form.get_user().preferred_language
        self.request.session["hamafza_language"] = language
        return response

    def form_invalid(self, form):
        # Bad input is a 400, with the form (and the typed email) shown again.
        return self.render_to_response(self.get_context_data(form=form), status=400)


def register(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name_fa=form.cleaned_data["display_name_fa"],
                display_name_en=form.cleaned_data["display_name_en"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("core:home")
        return render(request, "accounts/register.html", {"form": form}, status=400)
    return render(request, "accounts/register.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = services.user_update_profile(user=request.user, **form.cleaned_data)
            request.session["hamafza_language"] = user.preferred_language
            # Land on the profile in the newly chosen language (override, not activate: the
            # thread's language must not leak past this request).
            with translation.override(user.preferred_language):
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
        return render(request, "accounts/profile.html", _profile_context(request, form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request, form))


def _profile_context(request, form) -> dict:
    """The form and roles, plus what higher apps add (``hooks.profile_context``: the memberships)."""
    context = {"form": form, "roles": roles_of(request.user)}
    for extra in hooks.profile_context.results(request.user):
        context.update(extra)
    return context


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def _tokens_page(request, form, *, new_key=None, status=200):
    from hamafza.accounts.models import ApiToken

    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}, status=status)


@never_cache
@login_required
def api_tokens(request):
    """The user's personal API tokens: create one (its secret is shown once, on this response) or
    revoke one. A token acts with the user's own roles."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
            return _tokens_page(request, ApiTokenForm(), new_key=key)
        return _tokens_page(request, form, status=400)
    return _tokens_page(request, ApiTokenForm())


@login_required
@require_POST
def api_token_revoke(request, token_id):
    from hamafza.accounts.models import ApiToken

    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
