"""Fixtures for the Playwright journeys: a phone, a desk, and a folder for the artefacts."""

from pathlib import Path

import pytest

from tests.browser.helpers import desk_context, phone_context

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture
def artifacts_dir():
    """Screenshots and PDFs a reviewer looks at after the run (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def phone(playwright, browser):
    """A resident's phone: iPhone 13 viewport (390 CSS px wide), touch, Chinese locale."""
    context = phone_context(playwright, browser)
    yield context
    context.close()


@pytest.fixture
def desk(browser):
    """A desktop browser at the station, used to print posters."""
    context = desk_context(browser)
    yield context
    context.close()
