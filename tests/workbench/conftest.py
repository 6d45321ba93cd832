import pytest


@pytest.fixture
def clerk(committee_staff, categories):
    """Committee staff with a name a resident must never see."""
    committee_staff.first_name, committee_staff.last_name = "晓燕", "司马"
    committee_staff.username = "simaxiaoyan"
    committee_staff.save(update_fields=["first_name", "last_name", "username"])
    return committee_staff
