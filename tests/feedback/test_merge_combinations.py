"""Merging meets reports of wrongdoing (issue 17): a report is never offered as similar, nor
merged with another resident's opinion, either way."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from feedback.models import Channel, RequestType, Submission
from feedback.selectors_similar import similar_open_cases
from feedback.services.cases import case_merge_with_submissions
from feedback.services.submit import IntakeSource, submission_create
from routing.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

# The same words, once as a report of wrongdoing, once as a request for help.
SAID = "社区主任收了装修押金一直不退，还让我们去找物业，楼道里的杂物也没人清理。"


def opinion(site, text, *, request_type=RequestType.HELP, language="zh-hans") -> Submission:
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site),
        area_id=site.area_id,
        text=text,
        request_type=request_type,
        language=language,
    )
    return submission


def test_a_report_is_never_offered_as_similar_nor_offered_others(site, categories):
    report = opinion(site, SAID, request_type=RequestType.REPORT)
    help_ = opinion(site, SAID)
    helped = Case.objects.get(pk=help_.case_id)
    reported = Case.objects.get(pk=report.case_id)
    assert similar_open_cases(helped) == []  # the report, alike word for word, is not listed
    assert similar_open_cases(reported) == []
    # A second plain opinion saying the same is offered: the panel works, the report is kept out.
    again = Case.objects.get(pk=opinion(site, SAID).case_id)
    assert [found.case.pk for found in similar_open_cases(again)] == [helped.pk]


@pytest.mark.parametrize("report_side", ["merged", "kept"])
def test_a_report_and_an_opinion_cannot_be_merged(site, categories, committee_staff, report_side):
    report = opinion(site, SAID, request_type=RequestType.REPORT)
    help_ = opinion(site, SAID)
    merged, kept = (report, help_) if report_side == "merged" else (help_, report)
    into = Case.objects.get(pk=kept.case_id)
    with pytest.raises(ValidationError) as refused:
        case_merge_with_submissions(case_id=merged.case_id, into=into, actor=committee_staff)
    assert "into" in refused.value.message_dict
    # Nothing moved, nothing closed.
    assert Submission.objects.get(pk=merged.pk).case_id == merged.case_id
    assert Case.objects.get(pk=merged.case_id).status == CaseStatus.NEW


def test_the_merge_form_says_why_next_to_the_field(client, site, categories, committee_staff):
    report = opinion(site, SAID, request_type=RequestType.REPORT)
    help_ = opinion(site, SAID)
    into = Case.objects.get(pk=report.case_id)
    client.force_login(committee_staff)
    response = client.post(f"/work/cases/{help_.case_id}/merge/", {"merge-into": into.reference})
    assert response.status_code == 400
    assert "举报类意见单独办理，不能合并。" in response.text
    assert f'value="{into.reference}"' in response.text  # what was typed is kept
    assert Case.objects.get(pk=help_.case_id).status == CaseStatus.NEW


def test_two_reports_may_not_be_merged_either(site, categories, committee_staff):
    # Each reporter is protected on their own: their replies never reach another resident.
    first = opinion(site, SAID, request_type=RequestType.REPORT)
    second = opinion(site, SAID, request_type=RequestType.REPORT)
    with pytest.raises(ValidationError):
        case_merge_with_submissions(
            case_id=second.case_id,
            into=Case.objects.get(pk=first.case_id),
            actor=committee_staff,
        )
