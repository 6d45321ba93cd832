"""The project's own system checks and ``manage.py check_deployment`` (issue 15): each check
fails on the setting it guards, and a production installation passes them all."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from liaison import checks

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = "q4Sx2cN6yW8mZ0pR3tV5bL7kH9jF1dG2aE4sD6fG8hI="
PRODUCTION = {
    "LIAISON_MODE": "production",
    "SECRET_KEY": "k3Y-" + "x7Qp9zR2mW5vB8nT4cL6hJ1dF0gS3aE" * 2,
    "ALLOWED_HOSTS": "liaison.example.cn",
    "CONTACT_ENCRYPTION_KEYS": FERNET_KEY,
    "CONTACT_LOOKUP_KEY": "lookup-" + "k" * 40,
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def ids(**kwargs) -> set[str]:
    return {message.id for message in run_checks(**kwargs)}


def test_an_audit_log_kept_under_six_months_is_refused(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 183
    assert "liaison.E001" not in ids()
    settings.AUDIT_LOG_RETENTION_DAYS = 90
    assert "liaison.E001" in ids()  # the plain check, not only --deploy


def test_two_factor_must_cover_committee_staff_and_administrators(settings):
    settings.REQUIRE_2FA_ROLES = ["committee_staff", "administrator", "leader"]
    assert not {"liaison.E005", "liaison.E006"} & ids(include_deployment_checks=True)
    settings.REQUIRE_2FA_ROLES = ["administrator"]
    assert "liaison.E005" in ids(include_deployment_checks=True)
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m != "representatives.middleware.RequireTwoFactorMiddleware"
    ]
    assert "liaison.E006" in ids(include_deployment_checks=True)
    assert "liaison.E005" not in ids()  # deployment checks only


def test_every_log_handler_must_redact_tracking_keys(settings):
    assert "liaison.E007" not in ids(include_deployment_checks=True)
    settings.LOGGING = {
        **settings.LOGGING,
        "handlers": {
            **settings.LOGGING["handlers"],
            "file": {"class": "logging.FileHandler", "filename": "audit.log"},
        },
    }
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "liaison.E007"]
    assert messages and "file" in messages[0].msg


def test_the_gunicorn_config_must_use_the_redacting_logger(monkeypatch, tmp_path):
    assert "liaison.E008" not in ids(include_deployment_checks=True)  # the shipped one
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text('accesslog = "-"\nworkers = 3\n')
    monkeypatch.setattr(checks, "GUNICORN_CONF", conf)
    assert "liaison.E008" in ids(include_deployment_checks=True)


def test_contact_keys_of_their_own(settings):
    settings.CONTACT_LOOKUP_KEY = ""
    assert "liaison.W004" in ids(include_deployment_checks=True)
    settings.CONTACT_ENCRYPTION_KEYS = []
    assert "liaison.E002" in ids(include_deployment_checks=True)


def _manage(args, env_extra, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra, LIAISON_VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_migrated_production_installation_is_ready(tmp_path):
    assert _manage(["migrate", "-v0"], PRODUCTION, tmp_path).returncode == 0
    result = _manage(["check_deployment", "--no-worker"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[FAIL]" not in result.stdout
    for point in ("manage.py check --deploy", "database sqlite", "shared cache", "Celery broker"):
        assert any(line.startswith("[OK  ] " + point) for line in result.stdout.splitlines()), point
    assert "This deployment is ready." in result.stdout


def test_an_unmigrated_installation_or_a_weak_setting_fails(tmp_path):
    weak = {
        **PRODUCTION,
        "REQUIRE_2FA_ROLES": "administrator",
        "AUDIT_LOG_RETENTION_DAYS": "30",
        "SILENCED_SYSTEM_CHECKS": "django_ratelimit.W001,liaison.E007",
    }
    weak.pop("REDIS_URL")
    result = _manage(["check_deployment", "--no-worker"], weak, tmp_path)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    for expected in (
        "liaison.E001",
        "liaison.E005",
        "django_ratelimit.E003",
        "migrations to apply",
    ):
        assert expected in out
    assert "[FAIL] manage.py check --deploy" in out
    assert "[FAIL] none of the project's checks is silenced — liaison.E007" in out
