"""After seeding, every demo account lands on something to do: the representative and the
station see opinions through their codes and site, each unit desk holds a case, the leader has
an issued briefing with an instruction already followed up."""

import pytest
from django.contrib.auth import get_user_model

from demo.cases import demo_cases_add
from demo.network import network_seed
from demo.roles import demo_roles_fill
from feedback.selectors import submission_list_for_official
from reports.models import BriefingVersion, Instruction
from workbench.selectors_desk import desk_tab_counts

pytestmark = pytest.mark.django_db


def test_every_demo_desk_has_something_on_it():
    network_seed(with_accounts=True, password="demo-password-for-tests")
    demo_cases_add(300, seed=7, through_services=True)
    done = demo_roles_fill()
    User = get_user_model()

    def user(name):
        return User.objects.get(username=f"demo_{name}")

    rep = user("rep")
    opinions = list(submission_list_for_official(rep))
    assert opinions, "the demo representative sees opinions"
    assert any(s.representative_id == rep.representative.pk for s in opinions)
    assert any(s.site_id in {site.pk for site in rep.representative.sites.all()} for s in opinions)
    assert submission_list_for_official(user("station"))
    for unit in ("unit", "govoffice", "department"):
        counts = desk_tab_counts(user(unit))
        assert counts["to_accept"] + counts["in_progress"] + counts["reported"], unit
    version = BriefingVersion.objects.get()
    assert version.briefing.area.level == "city"
    instructions = Instruction.objects.filter(version=version, author=user("leader"))
    assert instructions.count() == 2
    assert instructions.exclude(follow_up="").count() == 1
    # Run again: nothing more.
    assert done and demo_roles_fill() == []
    assert BriefingVersion.objects.count() == 1 and Instruction.objects.count() == 2
