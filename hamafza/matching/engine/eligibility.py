"""Eligibility as a hard filter: the rules of a challenge (provinces, kinds, a knowledge-based
certificate valid on the closing date) pushed into the index query and re-checked in Python on
every candidate, so an ineligible organization is never ranked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hamafza.core.text import fold

from .backend import Filter
from .documents import Eligibility, _OrgRec


class EligibilityRules:
    """The eligibility part of ``Engine`` (needs ``self._orgs`` and ``self.today``)."""

    def _cert_date(self, elig: Eligibility) -> dt.date:
        return elig.closing_date or self.today

    def is_eligible(self, org_id: str, elig: Eligibility | None) -> bool:
        rec = self._orgs.get(org_id)
        return rec is not None and self._eligible(rec, elig)

    def _prepare(self, elig: Eligibility | None):
        if elig is None:
            return None
        return (
            frozenset(fold(p) for p in elig.provinces),
            frozenset(elig.kinds),
            elig.knowledge_based_only,
            self._cert_date(elig).toordinal(),
        )

    def _eligible(self, rec: _OrgRec, elig: Eligibility | None, prepared=None) -> bool:
        if elig is None:
            return True
        provinces, kinds, kb_only, on = prepared if prepared is not None else self._prepare(elig)
        if provinces and rec.province not in provinces:
            return False
        if kinds and rec.kind not in kinds:
            return False
        if kb_only:
            if not rec.kb:
                return False
            if rec.cert is not None and rec.cert < on:
                return False
        return True

    def _filter(self, elig: Eligibility | None) -> Filter | None:
        if elig is None:
            return None
        return Filter(
            provinces=[fold(p) for p in elig.provinces],
            kinds=list(elig.kinds),
            knowledge_based_only=elig.knowledge_based_only,
            cert_valid_on=self._cert_date(elig).toordinal() if elig.knowledge_based_only else None,
        )

    @staticmethod
    def _merge_filters(elig: Eligibility, filters: Mapping[str, Any] | Eligibility | None) -> Eligibility:
        if filters is None:
            return elig
        extra = filters if isinstance(filters, Eligibility) else Eligibility.from_dict(filters)
        provinces = elig.provinces
        if extra.provinces:
            provinces = (
                [p for p in elig.provinces if fold(p) in {fold(x) for x in extra.provinces}]
                if elig.provinces
                else extra.provinces
            )
            if not provinces:
                provinces = ["\x00none"]  # disjoint restrictions: nobody is eligible
        kinds = elig.kinds
        if extra.kinds:
            kinds = [k for k in elig.kinds if k in extra.kinds] if elig.kinds else extra.kinds
            if not kinds:
                kinds = ["\x00none"]
        return Eligibility(
            provinces=list(provinces),
            knowledge_based_only=elig.knowledge_based_only or extra.knowledge_based_only,
            kinds=list(kinds),
            closing_date=elig.closing_date or extra.closing_date,
        )
