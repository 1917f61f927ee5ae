"""Errors of the domain that every app shares.

The domain never imports the API: services raise these, the pages show their reasons as messages
and the API answers them with a problem response (`hamafza/core/api/problems.py`, in one place).
"""

from __future__ import annotations


class Refused(Exception):
    """A step that the rules or the current state forbid now.

    ``reasons`` (translated, shown to the user) say why; ``code`` names the kind of refusal for
    programs (the API problem's ``code``). Each app raises its own subclass
    (``challenges.services.TransitionRefused``, ``proposals.services.Refused``,
    ``consortia.services.Refused``), so a caller can still catch one app's refusals only.
    """

    code = "refused"

    def __init__(self, reasons):
        self.reasons = [str(r) for r in (reasons if isinstance(reasons, list | tuple) else [reasons])]
        super().__init__("; ".join(self.reasons))
