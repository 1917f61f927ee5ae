"""The first authentication backend: refuses a locked account or client address (django-axes)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for every sign-in that comes with a request (the login page, the API's
    token creation, the admin, single sign-on). A sign-in without a request (the test client's
    `login()`, a management command) has no client address to lock: it is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
