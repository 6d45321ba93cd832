"""The environment switch: embedded defaults, PostgreSQL/Redis by URL, production guard rails.

Each case imports the settings in a fresh interpreter with a controlled environment, because
settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-" + "x7Qp9zR2mW5vB8nT4cL6hJ1dF0gS3aE" * 2
FERNET_KEY = "q4Sx2cN6yW8mZ0pR3tV5bL7kH9jF1dG2aE4sD6fG8hI="
PRODUCTION = {
    "LIAISON_MODE": "production",
    "CONTACT_ENCRYPTION_KEYS": FERNET_KEY,
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "CONTACT_LOOKUP_KEY": "lookup-" + "k" * 40,
}

PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "health": db.get("CONN_HEALTH_CHECKS", False),
    "cache": settings.CACHES["default"]["BACKEND"], "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "debug": settings.DEBUG, "mode": settings.MODE,
    "secure_cookie": getattr(settings, "SESSION_COOKIE_SECURE", False),
    "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE,
    "mailer": settings.MAILERS["default"]["BACKEND"], "twofa": settings.REQUIRE_2FA_ROLES,
}))
"""


def _run(env_extra, code=PROBE, args=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "LIAISON_MODE",
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update({"DJANGO_SETTINGS_MODULE": "liaison.settings", **env_extra})
    cmd = [sys.executable, "-c", code] if args is None else [sys.executable, "manage.py", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _probe(env_extra):
    result = _run(env_extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_local_sqlite_eager_celery(tmp_path):
    s = _probe({"LIAISON_VAR_DIR": str(tmp_path)})
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "liaison.sqlite3")
    assert s["cache"].endswith("FileBasedCache")
    assert s["broker"] == "memory://localhost/" and s["eager"] is True
    assert s["debug"] is True and s["mode"] == "local"
    assert s["language"] == "zh-hans" and s["tz"] == "Asia/Shanghai"
    assert s["mailer"].endswith("console.EmailBackend")


def test_urls_switch_to_postgresql_and_redis_without_code_change():
    s = _probe(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/liaison",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        }
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["health"] is True
    assert s["cache"].endswith("RedisCache")
    assert s["broker"] == "redis://127.0.0.1:6379/3" and s["eager"] is False
    # Still local mode: the mode is its own switch, not inferred from the database.
    assert s["mode"] == "local" and s["debug"] is True


def test_local_mode_on_a_sqlite_url_is_still_local(tmp_path):
    s = _probe({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert s["engine"] == "django.db.backends.sqlite3" and s["debug"] is True


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _run({"LIAISON_MODE": "production"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    weak = _run({"LIAISON_MODE": "production", "SECRET_KEY": "changeme"})
    assert weak.returncode != 0 and "SECRET_KEY" in weak.stderr


def test_production_settings(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(STRONG_KEY)
    s = _probe({**PRODUCTION, "SECRET_KEY_FILE": str(key_file)})
    assert s["debug"] is False and s["secure_cookie"] is True
    assert set(s["twofa"]) == {"committee_staff", "administrator"}
    assert s["mailer"].endswith("smtp.EmailBackend")


def test_production_refuses_to_start_without_contact_encryption_keys():
    result = _run({"LIAISON_MODE": "production", "SECRET_KEY": STRONG_KEY})
    assert result.returncode != 0 and "CONTACT_ENCRYPTION_KEYS" in result.stderr


def test_unknown_mode_is_refused():
    result = _run({"LIAISON_MODE": "staging"})
    assert result.returncode != 0 and "LIAISON_MODE" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = _run(
        {**PRODUCTION, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "liaison.example.cn"},
        args=["check", "--deploy", "--fail-level", "WARNING"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("mode", ["local", "production"])
def test_csp_header_is_sent(mode, client):
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_without_redis_the_processes_share_one_cache(tmp_path):
    """Rate limits count once for every process of the machine (issue 15.4): what one process
    counts, another sees and adds to (three gunicorn workers no longer allow three times the
    guesses)."""
    code = (
        "from django.core.cache import cache; "
        "cache.add('guesses', 0, 3600); print(cache.incr('guesses'))"
    )
    env = {**os.environ, "LIAISON_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    counts = [
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        for _ in range(3)
    ]
    assert counts == ["1", "2", "3"]


def test_production_without_redis_fails_the_deploy_check():
    """What README says: production needs Redis (an atomic, shared counter for rate limits)."""
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = _run(
        {**without_redis, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "liaison.example.cn"},
        args=["check", "--deploy", "--fail-level", "WARNING"],
    )
    assert result.returncode != 0 and "django_ratelimit.E003" in result.stdout + result.stderr
