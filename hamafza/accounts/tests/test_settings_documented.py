"""Every environment variable of the sign-in settings is documented in README's table and in
docs/authentication.md."""

import re

from django.conf import settings

SOURCE = settings.BASE_DIR / "config" / "settings" / "authentication.py"


def variables() -> set[str]:
    text = SOURCE.read_text()
    found = set(re.findall(r'env_(?:str|int|bool|list)\("([A-Z0-9_]+)"', text))
    found |= set(re.findall(r'_role_map\("([A-Z0-9_]+)"\)', text))
    return found


def test_the_settings_read_variables():
    assert {"LOGIN_FAILURE_LIMIT", "TWO_FACTOR_REQUIRED", "LDAP_ROLE_MAP", "OIDC_ROLE_MAP"} <= variables()


def test_readme_lists_every_variable():
    readme = (settings.BASE_DIR / "README.md").read_text()
    missing = sorted(v for v in variables() if f"`{v}`" not in readme)
    assert missing == []


def test_the_operators_guide_lists_every_variable():
    guide = (settings.BASE_DIR / "docs" / "authentication.md").read_text()
    missing = sorted(v for v in variables() if f"`{v}`" not in guide)
    assert missing == []
