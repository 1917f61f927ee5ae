"""Explanations: why an organization matches a challenge (signals and their points, the
capabilities that count with their evidence, the words in common), in both directions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .analysis import Analysed, analyse, is_stopword, stem
from .scoring import BONUS, MAX_BONUS


@lru_cache(maxsize=4096)
def _cached_analyse(text: str) -> Analysed:
    return analyse(text)


class Explanations:
    """The explanation part of ``Engine`` (needs the index ``self.backend``, the taxonomy and
    ``self._payload``)."""

    def _explain(self, q, r, score, cap, cap_parts, lex, sem, bonus, weights, payload=None) -> dict[str, Any]:
        factor = 1.0 / (1.0 + MAX_BONUS)
        rel = weights["capability"] * cap + weights["text"] * lex + weights.get("semantic", 0.0) * sem
        signals: dict[str, dict[str, Any]] = {}
        for name, value in (("capability", cap), ("text", lex), ("semantic", sem)):
            if weights.get(name, 0) <= 0:
                continue
            pts = weights[name] * value * factor
            signals[name] = {"value": round(value, 4), "weight": weights[name], "points": round(pts, 4)}
        loc = "city" if bonus.get("locality") == BONUS["city"] else ("province" if "locality" in bonus else None)
        for name in ("locality", "knowledge_based", "track_record", "verified"):
            pts = rel * bonus.get(name, 0.0) / (1.0 + MAX_BONUS)
            entry: dict[str, Any] = {"bonus": round(bonus.get(name, 0.0), 4), "points": round(pts, 4)}
            if name == "locality":
                entry["value"] = loc
            signals[name] = entry
        for entry in signals.values():
            entry["share"] = round(entry["points"] / score, 4) if score > 0 else 0.0

        caps = []
        for code, contribution, how in sorted(cap_parts, key=lambda p: -p[1]):
            w, declared, ev = r.caps[code]
            names = self.taxonomy.names(code)
            item = {
                "code": code,
                "name_fa": names["name_fa"],
                "name_en": names["name_en"],
                # a capability known only from the meaning of the text has no evidence phrase
                "source": "declared" if declared else ("inferred" if ev else "meaning"),
                "organization_weight": round(w, 4),
                "organization_evidence": ev,
                "contribution": round(contribution, 4),
            }
            if how == "exact":
                item["challenge_weight"] = round(q.caps[code], 4)
                item["challenge_source"] = "declared" if code in q.declared else q.sources.get(code, "inferred")
                item["challenge_evidence"] = q.evidence.get(code, [])
            else:
                asked = how.split(":", 1)[1]
                item["related_to"] = asked
                item["challenge_weight"] = round(q.caps[asked], 4)
                item["challenge_evidence"] = q.evidence.get(asked, [])
            caps.append(item)

        words = []
        bridged: list[dict[str, str]] = []
        fed: list[str] = []
        if payload is None:
            payload = self.backend.get_payload(r.id, r.key)
        if payload is not None:
            if "tokens" in payload:
                toks = payload["tokens"].split()
                oan = Analysed(tuple(toks), tuple(stem(t) for t in toks))
            else:
                src = payload["source"]
                oan = _cached_analyse(
                    "\n".join(src.get(k) or "" for k in ("name", "description", "description_fa", "description_en"))
                )
            org_surface: dict[str, str] = {}
            for tok, st in zip(oan.tokens, oan.stems, strict=True):
                org_surface.setdefault(st, tok)
            seen = set()
            for tok, st in zip(q.analysed.tokens, q.analysed.stems, strict=True):
                if st in seen or is_stopword(tok) or st not in org_surface:
                    continue
                seen.add(st)
                words.append({"challenge": tok, "organization": org_surface[st]})
                if len(words) >= 15:
                    break
            bridge = getattr(self, "word_bridge", None)
            if bridge is not None:
                # words of the other language paired with the query's by the word bridge (ADR 0031)
                for tok, st in zip(q.analysed.tokens, q.analysed.stems, strict=True):
                    if st in seen or is_stopword(tok):
                        continue
                    seen.add(st)
                    for other in bridge.paired(st):
                        if other in org_surface:
                            bridged.append({"challenge": tok, "organization": org_surface[other]})
                    if len(bridged) >= 15:
                        break
            if q.feedback_terms:
                # words of the best first-pass organizations that joined the query (word feedback,
                # ADR 0035), directly or through the word bridge
                for st in q.feedback_terms:
                    for other in (st, *(bridge.paired(st) if bridge is not None else ())):
                        if other not in seen and other in org_surface:
                            seen.add(other)
                            fed.append(org_surface[other])
        return {
            "score": round(score, 6),
            "capabilities": caps,
            "matched_words": words,
            "bridged_words": bridged,
            **({"feedback_words": fed[:15]} if q.feedback_terms else {}),
            "signals": signals,
            "formula": "(capability*{capability} + text*{text} + semantic*{semantic}) * (1 + bonuses) / {den}".format(
                den=round(1 + MAX_BONUS, 2), **{k: weights.get(k, 0.0) for k in ("capability", "text", "semantic")}
            ),
        }

    def _explain_pair(self, q, rec, org, score, cap, parts, lx, sm, bonus, weights):
        payload = self._payload(org, [])
        return self._explain(q, rec, score, cap, parts, lx, sm, bonus, weights, payload=payload)
