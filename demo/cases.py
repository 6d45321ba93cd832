"""Synthetic demo cases (``manage.py seed_demo --cases N``): a year of residents' opinions and
their handling, for demos, load tests and report development.

Plans come from a seeded random generator (``demo.plans``). Up to ``SERVICES_LIMIT`` cases
are written by the real services, each step at its planned time (``demo.replay``). Above
that, ``PATTERNS`` cases are written that way and the rest are copies of them, moved in time
by whole weeks (``demo.copies``): fast enough for 100,000 cases, and still only rows the
services wrote. Nothing in this app writes a case the way a service would.
"""

from __future__ import annotations

import secrets

from django.utils import timezone

from demo.copies import demo_cases_copy, patterns_load
from demo.keys import demo_case_count
from demo.plans import Network, draw_plans
from demo.replay import DemoResult, demo_cases_replay

BATCH_SIZE = 2000
SERVICES_LIMIT = 500
PATTERNS = 400


def demo_cases_add(
    n: int,
    *,
    seed: int | None = None,
    through_services: bool | None = None,
    batch_size: int = BATCH_SIZE,
    log=None,
    now=None,
    patterns: int = PATTERNS,
) -> DemoResult:
    """Add ``n`` synthetic cases spread over the last twelve months: all through the services
    (``through_services``, by default up to ``SERVICES_LIMIT``), or ``PATTERNS`` through the
    services (``patterns``) and copies of them. Without ``seed`` the draw depends on how many demo cases
    exist already, so a rerun adds different cases. Called by ``seed_demo`` (and the tests)."""
    start = demo_case_count()
    seed = start + 2026 if seed is None else seed
    salt = secrets.token_hex(8)
    now = now or timezone.now()
    network = Network.load()
    if through_services is None:
        through_services = n <= SERVICES_LIMIT
    direct = through_services or n <= patterns
    plans = draw_plans(
        n if direct else patterns, seed=seed, salt=salt, start=start, now=now, network=network
    )
    replayed = demo_cases_replay(plans, network=network, log=log)
    if direct:
        return replayed
    copies = demo_cases_copy(
        patterns_load(replayed.case_ids, now=now),
        n - replayed.cases,
        start=start + replayed.submissions,
        salt=salt,
        seed=seed,
        batch_size=batch_size,
        log=log,
    )
    return DemoResult(
        path=f"services ({replayed.cases}) and copies ({copies.cases})",
        cases=replayed.cases + copies.cases,
        submissions=replayed.submissions + copies.submissions,
        events=replayed.events + copies.events,
        by_status={
            k: replayed.by_status.get(k, 0) + copies.by_status.get(k, 0)
            for k in {*replayed.by_status, *copies.by_status}
        },
        case_ids=replayed.case_ids,
    )
