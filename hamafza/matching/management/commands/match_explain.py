"""``hamafza match_explain --call ID --organization SLUG``: why the matching engine ranks this
organization for this call — capabilities, words, the share of each signal, and the track record
it counts by name (awarded results, and whatever the apps above add: completed pilots, active or
completed agreements)."""

import dataclasses
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hamafza.matching import selectors, services
from hamafza.matching.engine import ChallengeSet


class Command(BaseCommand):
    help = (
        "Explain the match of one organization for one call: matched capabilities and words, the share of "
        "each signal in the score and the track record behind that signal (completed pilots, agreements)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, required=True, help="the call's id")
        parser.add_argument("--organization", required=True, help="the organization's slug")
        parser.add_argument("--language", choices=["fa", "en"], default="fa", help="language of the text (fa)")
        parser.add_argument("--json", action="store_true", help="print the explanation as JSON")

    def handle(self, *args, **opts):
        from hamafza.challenges.models import Call
        from hamafza.directory.models import Organization

        call = Call.objects.select_related("city", "canvas").filter(pk=opts["call"]).first()
        if call is None:
            raise CommandError(f"No call has the id {opts['call']}.")
        organization = Organization.objects.filter(slug=opts["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {opts['organization']!r}.")
        with translation.override(opts["language"]):
            engine = services.get_engine()
            tracks = services.track_records([organization.pk])
            doc = services.organization_doc(organization, track_record=tracks.get(organization.pk, 0))
            challenge = services.call_doc(call)
            # Explain past calls too: the deadline only matters for "open calls" lists.
            challenge = dataclasses.replace(
                challenge, eligibility=dataclasses.replace(challenge.eligibility, closing_date=None)
            )
            matches = engine.match_organization(doc, ChallengeSet(engine, [challenge]), top=1)
            if not matches:
                raise CommandError(
                    "The engine does not match this organization to this call (not eligible, or nothing relevant)."
                )
            explanation = selectors.explain(matches[0].explanation)
            evidence = selectors.track_record_evidence([organization.pk]).get(organization.pk, [])
            if opts["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "call": call.pk,
                            "organization": organization.slug,
                            "score": round(explanation.score, 4),
                            "capabilities": [c["code"] for c in explanation.capabilities],
                            "words": explanation.words,
                            "signals": {s["key"]: s["percent"] for s in explanation.signals},
                            "track_record": {"count": tracks.get(organization.pk, 0), "evidence": evidence},
                        },
                        ensure_ascii=False,
                        indent=2,
                    )
                )
                return
            self._text(call, organization, explanation, tracks.get(organization.pk, 0), evidence)

    def _text(self, call, organization, explanation, count, evidence):
        w = self.stdout.write
        w(f"{organization.display_name} ↔ {call.title} ({call.city.name}): {explanation.percent}%")
        if explanation.capabilities:
            w("capabilities: " + ", ".join(f"{c['name']} ({c['percent']}%)" for c in explanation.capabilities))
        if explanation.words:
            w("words: " + ", ".join(str(x.get("challenge", x)) for x in explanation.words))
        for s in explanation.signals:
            w(f"signal {s['key']}: {s['label']} {s['percent']}%")
        w(f"track record: {count}")
        for line in evidence:
            w(f"  - {line}")
