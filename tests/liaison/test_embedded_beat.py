"""`make run` without Redis: Celery beat runs the sweeps in its own process (tasks are eager
there), so the demo's deadlines move with nobody running a worker."""

import pytest

from routing.models import Case, CaseEvent
from routing.services.workflow import case_accept
from tests.processes import printed, process_env, start, stop, wait_until
from tests.routing.helpers import make_case


@pytest.mark.django_db(transaction=True)
def test_embedded_beat_escalates_an_overdue_case(
    site, committee_staff, unit_staff, categories, tmp_path
):
    made = make_case(site, committee_staff, unit_staff.official.unit)  # due 16 November 2026
    case_accept(case_id=made.pk, actor=unit_staff)
    env = process_env(REDIS_URL=None, DEADLINE_SWEEP_EVERY_SECONDS=1, LIAISON_VAR_DIR=tmp_path)
    beat = start(
        ["celery", "-A", "liaison", "beat", "-l", "info", "--schedule", tmp_path / "schedule"],
        env,
    )
    try:
        wait_until(
            lambda: CaseEvent.objects.filter(case=made, kind="escalated").exists(),
            timeout=60,
            what="beat to run the deadline sweep",
        )
        # The sweep commits before it logs its counts; stopping beat in between loses the line.
        wait_until(lambda: "'escalated': 1" in printed(beat), timeout=30, what="the sweep's counts")
    finally:
        output = stop(beat)
    assert Case.objects.get(pk=made.pk).supervision == "requested"
    assert "routing.tasks.deadline_sweep_task" in output
    assert "No hostname was supplied" not in output
    assert "'escalated': 1" in output
