"""A Chinese summary of a Uyghur opinion merged into a case opened on another (issues 17.2 and
17.3 together): the case keeps what its own text suggested; search finds the summary."""

import pytest

from feedback.services.cases import case_merge_with_submissions
from routing.models import Case
from tests.feedback.test_merge_combinations import opinion

pytestmark = pytest.mark.django_db


def test_a_summary_of_a_merged_in_opinion_keeps_the_cases_suggestion(
    client, site, categories, committee_staff
):
    # A street-light case; a Uyghur opinion merged into it; staff summarise that opinion as
    # something else altogether (heating). The case keeps what its own text suggested.
    lights = opinion(site, "北门路灯坏了三盏，晚上很黑，老人出门不安全。")
    uyghur = opinion(site, "ئۆيدىكى ئىسسىق سۇ ھاۋا ئىسسىتىش ئىشلىمەيدۇ", language="ug")
    case = Case.objects.get(pk=lights.case_id)
    before = case.suggestion
    case_merge_with_submissions(case_id=uyghur.case_id, into=case, actor=committee_staff)
    client.force_login(committee_staff)
    response = client.post(
        f"/work/cases/{case.pk}/submissions/{uyghur.pk}/summary/",
        {"summary-chinese_summary": "家里暖气不热，室温只有十二度，供热公司一直不来修。"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.suggestion == before
    assert case.suggestion["category"] != ""  # a real suggestion, not an empty one
    assert "暖气" in case.search_words.split()  # the summary is searched all the same
