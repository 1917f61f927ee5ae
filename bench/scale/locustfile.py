"""Locust scenario of the scale benchmark: a mixed workload of the main pages and API calls.

Run by bench/scale_run.py (headless, bounded by --run-time). It reads the plan that the runner
wrote (BENCH_SCALE_PLAN: the page x role pairs with their paths and weights, and one session
cookie per role). Each simulated user takes one role (visitors most often, see ROLE_MIX) and
requests that role's pages in proportion to their weights; BENCH_SCALE_THINK is the think time
between requests in seconds, "0" or "MIN-MAX". With BENCH_SCALE_HOSTS (comma-separated base URLs)
the users are spread over several application servers in turn (bench/bench_load.py).

    BENCH_SCALE_PLAN=plan.json BENCH_SCALE_THINK=0 locust -f bench/scale/locustfile.py --headless \
        --host http://127.0.0.1:8105 --users 20 --spawn-rate 20 --run-time 60s
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, constant, task

ROLE_MIX = {
    "anon": 40,
    "citizen": 10,
    "org_admin": 15,
    "member": 8,
    "manager": 10,
    "judge": 5,
    "staff": 5,
    "facilitator": 4,
    "admin": 3,
}

_plan = json.loads(Path(os.environ["BENCH_SCALE_PLAN"]).read_text())
_by_role: dict[str, list[dict]] = {}
for _pair in _plan["pairs"]:
    _by_role.setdefault(_pair["role"], []).append(_pair)
_roles = [role for role in ROLE_MIX if role in _by_role]
_weights = [ROLE_MIX[role] for role in _roles]
_rng = random.Random(19)  # noqa: S311 - a workload mix, not a secret
# BENCH_SCALE_HOSTS: comma-separated base URLs of several application servers (bench/bench_load.py)
_hosts = [h.strip().rstrip("/") for h in os.environ.get("BENCH_SCALE_HOSTS", "").split(",") if h.strip()]
_host_turn = itertools.count()


def _think():
    value = os.environ.get("BENCH_SCALE_THINK", "0")
    if value in ("", "0"):
        return constant(0)
    low, high = (float(x) for x in value.split("-"))
    return between(low, high)


class PlatformUser(HttpUser):
    wait_time = _think()

    def on_start(self):
        if _hosts:  # several application servers: users are spread over them in turn
            self.client.base_url = _hosts[next(_host_turn) % len(_hosts)]
        self.role = _rng.choices(_roles, weights=_weights)[0]
        self.pairs = _by_role[self.role]
        self.pair_weights = [p["weight"] for p in self.pairs]
        cookie = _plan["sessions"].get(self.role)
        if cookie:
            self.client.cookies.set(_plan["session_cookie"], cookie)

    @task
    def page(self):
        pair = _rng.choices(self.pairs, weights=self.pair_weights)[0]
        with self.client.get(
            pair["path"], name=f"{pair['page']} ({self.role})", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
            else:
                response.success()
