"""Shared by the browser tests that walk the demo data (`hamafza demo`) as its accounts."""

from hamafza.accounts.demo import DEMO_PASSWORD


def demo_sign_in(page, base, email):
    """Sign a demo account in on the Persian login page and wait until its landing page settles."""
    page.goto(f"{base}/fa/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login" not in page.url, f"{email} could not sign in"
