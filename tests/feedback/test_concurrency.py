"""Two requests with the same one-time key at the same moment make one submission."""

import threading

import pytest
from django.db import connection
from django.test import Client

from feedback.models import Submission
from routing.models import Case
from tests.feedback.helpers import form_data


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_submission(site_code, site):
    data = form_data(site.area)
    barrier = threading.Barrier(4)
    results = []

    def post():
        client = Client()
        barrier.wait()
        try:
            results.append(client.post(site_code.get_absolute_url(), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [302] * 4
    assert len({r["Location"] for r in results}) == 1
    assert Submission.objects.count() == 1
    assert Case.objects.count() == 1
