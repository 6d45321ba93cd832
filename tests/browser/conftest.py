"""Fixtures for the Playwright journeys: a phone, a desk, and a folder for the artefacts."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture
def artifacts_dir():
    """Screenshots and PDFs a reviewer looks at after the run (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def phone(playwright, browser):
    """A resident's phone: iPhone 13 viewport (390 CSS px wide), touch, Chinese locale."""
    device = {
        k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"
    }
    context = browser.new_context(**device, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def desk(browser):
    """A desktop browser at the station, used to print posters."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()
