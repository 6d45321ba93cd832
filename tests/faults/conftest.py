"""Fault tests stop Redis, kill worker processes and restart PostgreSQL. They run only when
asked (``make test-faults``, which CI runs on this machine kind), never in a plain ``pytest``."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    if os.environ.get("FAULT_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="fault tests disturb services: run them with make test-faults")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
