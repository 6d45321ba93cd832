"""Settings for the liaison portal.

This is the one place that reads the environment (django-environ). Two modes, chosen by
``LIAISON_MODE`` alone and never inferred from the database:

* ``local`` (the default, for ``make run`` and tests): DEBUG on, a development secret key,
  demo data allowed, static files served by the app.
* ``production``: DEBUG off, a real ``SECRET_KEY`` (or ``SECRET_KEY_FILE``) is required,
  secure cookies, HSTS, two-factor sign-in required for committee staff and administrators.

Services are chosen by URL: ``DATABASE_URL`` (default SQLite in ``var/``) and ``REDIS_URL``
(default none: Celery runs tasks eagerly in-process and the cache is local memory).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LIAISON_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.smart_cast = False

MODE = env.str("LIAISON_MODE", default="local")
if MODE not in {"local", "production"}:
    raise ImproperlyConfigured("LIAISON_MODE must be 'local' or 'production'.")
LOCAL = MODE == "local"

DEBUG = env.bool("DEBUG", default=LOCAL)

_DEV_SECRET = "local-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    Path(env.str("SECRET_KEY_FILE")).read_text().strip() if env.str("SECRET_KEY_FILE", "") else ""
)
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured("Production needs SECRET_KEY or SECRET_KEY_FILE.")
    SECRET_KEY = _DEV_SECRET
if not LOCAL and (SECRET_KEY == _DEV_SECRET or len(set(SECRET_KEY)) < 5 or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production (50+ varied characters).")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if LOCAL else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base for URLs printed on QR codes and in notifications.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_ratelimit",
    "common",
    "notifications",
    "representatives",
    "feedback",
    "routing",
    "workbench",
    "notices",
    "reports",
    "open311",
    "demo",
    # The project itself: its system checks and deployment commands (liaison/apps.py).
    "liaison",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "representatives.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires, so that it sees the final response of a login attempt.
    "axes.middleware.AxesMiddleware",
]

# `make bench` adds a bare baseline view (app `bench`) to compare intake against.
BENCH = env.bool("LIAISON_BENCH", default=False)
if BENCH:
    INSTALLED_APPS.append("bench")

ROOT_URLCONF = "liaison.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "liaison.wsgi.application"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'liaison.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections, but check them first so that a PostgreSQL restart costs no failed
    # request (DESIGN section 9: survive the database restarting under a running app).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", "") or None
else:
    # WAL and IMMEDIATE transactions let concurrent writers wait for each other (busy
    # timeout) instead of failing; tests use a file too, so they see the same behaviour.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer): no server-side cursors
# and no prepared statements, which live in a server session a pooler hands to others.
if env.str("DATABASE_POOLER", default="") == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# An optional read replica (streaming replication) for dashboards, exports and the briefing
# (common/replica.py, decision 0018). Tests point it at the same database (a test mirror).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "liaison",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Without Redis, a cache every process of this machine shares (gunicorn's workers, beat):
    # the rate limits count once for all of them, not once per process (issue 15.4). Files,
    # not the database cache: a cache read must not cost a query on every request. Its
    # increments are not atomic (two requests at the same instant may count once), which is
    # why production needs Redis: `check --deploy` fails without it (django_ratelimit.E003).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# The in-process broker is named with a host: kombu warns "No hostname was supplied" otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker server, tasks run in-process (embedded mode); with Redis, a worker runs them.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_IMPORTS = ["liaison.tasks"]
# Three queues so that a briefing never delays opening a case (liaison/queues.py); a worker
# per queue in production, or one for all: `celery -A liaison worker -Q intake,sweeps,reports`.
CELERY_TASK_ROUTES = ("liaison.queues.route_task",)
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_PREFIX + "intake"
# The one beat schedule (decision 0004): periodic sweeps that make lost tasks harmless.
CELERY_BEAT_SCHEDULE = {
    "open-pending-cases": {
        "task": "feedback.tasks.open_pending_cases_task",
        "schedule": env.float("OPEN_CASES_EVERY_SECONDS", default=5.0),
    },
    "resend-notifications": {
        "task": "notifications.tasks.resend_notifications_task",
        "schedule": env.float("RESEND_NOTIFICATIONS_EVERY_SECONDS", default=60.0),
    },
    # The deadline sweep (routing.services.deadlines): reminders, due, overdue, escalation.
    "deadline-sweep": {
        "task": "routing.tasks.deadline_sweep_task",
        "schedule": env.float("DEADLINE_SWEEP_EVERY_SECONDS", default=900.0),
    },
    "clean-pending-photos": {
        "task": "feedback.tasks.clean_pending_photos_task",
        "schedule": 3600.0,
    },
    # The quarterly briefing's draft, for the quarter that just ended (DESIGN section 8).
    "compile-quarterly-briefing": {
        "task": "reports.tasks.compile_quarterly_briefing_task",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    # Drafts staff asked to compile (the button queues this task too; beat catches a lost one).
    "compile-requested-briefings": {
        "task": "reports.tasks.compile_requested_briefings_task",
        "schedule": 60.0,
    },
    # The dashboards' monthly roll-up (reports.rollup): the months that changed, then all of
    # them once a night.
    "refresh-report-counts": {
        "task": "reports.tasks.refresh_report_counts_task",
        "schedule": env.float("REPORT_COUNTS_EVERY_SECONDS", default=300.0),
    },
    "recount-report-counts": {
        "task": "reports.tasks.refresh_report_counts_task",
        "schedule": crontab(hour=2, minute=41),
        "kwargs": {"full": True},
    },
    # The classifier learns from staff decisions (routing.services.classifier_training).
    "retrain-classifier": {
        "task": "routing.tasks.retrain_classifier_task",
        "schedule": crontab(hour=3, minute=41),
    },
    # The audit log's sign-in and admin records beyond AUDIT_LOG_RETENTION_DAYS.
    "purge-audit-log": {
        "task": "representatives.tasks.audit_log_purge_task",
        "schedule": crontab(hour=3, minute=29),
    },
    # Retention (DESIGN section 9): contact details go a while after the case ended.
    "purge-contact-details": {
        "task": "feedback.tasks.contact_details_purge_task",
        "schedule": crontab(hour=3, minute=17),
    },
}
# The nightly task trains a new classifier model once this many staff decisions are new.
CLASSIFIER_RETRAIN_AFTER_DECISIONS = env.int("CLASSIFIER_RETRAIN_AFTER_DECISIONS", default=20)
# Residents' names and numbers are erased this many days after their case ended.
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=730)

# Deadlines: remind the unit this many working days before; escalate to supervised follow-up
# this many working days after the resolution deadline.
DEADLINE_REMIND_WORKING_DAYS = env.int("DEADLINE_REMIND_WORKING_DAYS", default=2)
DEADLINE_ESCALATE_AFTER_WORKING_DAYS = env.int("DEADLINE_ESCALATE_AFTER_WORKING_DAYS", default=5)

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "liaison.views.csrf_failure"
LOGIN_URL = "representatives:login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False
# Failed sign-ins are kept for the audit log too (successful ones always are, with sign-out).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The audit log (case events, contact reveals, sign-ins, admin changes): sign-in and admin
# records older than this are deleted nightly; case events and contact reveals stay with their
# case. At least six months (a system check refuses less).
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=400)

# Two-factor: the roles (Official.role) that must sign in with a TOTP device; an admin-site
# account (is_staff) counts as an administrator. REQUIRE_2FA_GROUPS is its former name.
OTP_TOTP_ISSUER = "人大代表联络平台"
REQUIRE_2FA_ROLES = env.list(
    "REQUIRE_2FA_ROLES",
    default=env.list(
        "REQUIRE_2FA_GROUPS", default=[] if LOCAL else ["committee_staff", "administrator"]
    ),
)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Uyghur for residents (decision 0025): the public pages, right to left; a string missing or
# fuzzy in its catalogue falls back to LANGUAGE_CODE's (Chinese), never to the English msgid.
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English")), ("ug", "ئۇيغۇرچە")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Photos: local files by default; S3-compatible storage (django-storages) when a bucket is set.
_S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default=""),
            "secret_key": env.str("S3_SECRET_KEY", default=""),
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if _S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Residents' and units' photos are never served from MEDIA_URL: a view checks that the viewer
# may see the case (or holds the resident's tracking key), then hands the file over
# (django-sendfile2, decision 0017). Local mode and a plain gunicorn send it from Python;
# behind nginx set PRIVATE_MEDIA_SERVER=nginx (X-Accel-Redirect to the internal location
# PRIVATE_MEDIA_URL), behind Apache with mod_xsendfile =apache (X-Sendfile). With S3 the
# view redirects to a short-lived signed URL instead. Representatives' portraits are public.
PRIVATE_MEDIA_SERVER = env.str("PRIVATE_MEDIA_SERVER", default="")
_SENDFILE_BACKENDS = {
    "": "django_sendfile.backends.simple",
    "nginx": "django_sendfile.backends.nginx",
    "apache": "django_sendfile.backends.xsendfile",
}
if PRIVATE_MEDIA_SERVER not in _SENDFILE_BACKENDS:
    raise ImproperlyConfigured("PRIVATE_MEDIA_SERVER must be empty, 'nginx' or 'apache'.")
SENDFILE_BACKEND = _SENDFILE_BACKENDS[PRIVATE_MEDIA_SERVER]
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env.str("PRIVATE_MEDIA_URL", default="/protected-media")
PUBLIC_MEDIA_PREFIX = "representatives/"
# In local mode WhiteNoise serves straight from the app folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = LOCAL

# --- E-mail ---------------------------------------------------------------------------------
# Local mode prints e-mail to the console; production sends through EMAIL_URL
# (smtp://user:password@host:587?tls=True, parsed by django-environ).
_mail_options = {}
if env.str("EMAIL_URL", ""):
    _email = env.email_url("EMAIL_URL")
    _mail_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND",
            default="django.core.mail.backends.smtp.EmailBackend"
            if _mail_options or not LOCAL
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": _mail_options,
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@liaison.local")

# Open311 GeoReport v2 (open311/, docs/api.md): what its discovery document says.
OPEN311_CONTACT = env.str(
    "OPEN311_CONTACT",
    default="克拉玛依市人大常委会代表联络工作室 (standing committee liaison office)",
)
OPEN311_KEY_SERVICE = env.str(
    "OPEN311_KEY_SERVICE", default="Keys per channel from the standing committee's administrators."
)

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if LOCAL:
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
else:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # django-ratelimit 4.1 predates Django's built-in RedisCache and warns about it; that
    # backend's incr() is atomic, which is all the limiter needs.
    SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=["django_ratelimit.W001"])
# On SQLite the covering columns of case_open_by_area are dropped (it stays a partial index).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]

# --- Residents' data ---------------------------------------------------------------------
# Fernet keys (comma-separated, newest first) for contact details at rest. Rotate by putting a
# new key first and running `manage.py rotate_contact_keys`; then drop the old key.
CONTACT_ENCRYPTION_KEYS = env.list("CONTACT_ENCRYPTION_KEYS", default=[]) or (
    Path(env.str("CONTACT_ENCRYPTION_KEYS_FILE")).read_text().split()
    if env.str("CONTACT_ENCRYPTION_KEYS_FILE", "")
    else []
)
# The key of the hashes that find a resident's cases by phone number or name (common.crypto):
# derived from SECRET_KEY unless set; set it before rotating SECRET_KEY, or the look-ups of
# older rows stop matching (manage.py rehash_contacts recomputes them).
CONTACT_LOOKUP_KEY = env.str("CONTACT_LOOKUP_KEY", default="")
if not CONTACT_ENCRYPTION_KEYS and not LOCAL:
    raise ImproperlyConfigured("Production needs CONTACT_ENCRYPTION_KEYS (Fernet keys).")
for _key in CONTACT_ENCRYPTION_KEYS:
    try:
        from cryptography.fernet import Fernet

        Fernet(_key.encode())
    except ValueError as _error:
        raise ImproperlyConfigured(
            "CONTACT_ENCRYPTION_KEYS holds a malformed Fernet key."
        ) from _error

PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=12 * 1024 * 1024)
# A phone photo: 12–24 megapixels by default (48–200 MP sensors save binned images); more is
# refused from the header, before decoding (a small PNG can decompress to gigabytes).
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=30_000_000)
PHOTO_MAX_SIDE = env.int("PHOTO_MAX_SIDE", default=2048)
PHOTOS_PER_SUBMISSION = 4
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Public rate limits (django-ratelimit, per client address). RATELIMIT_ENABLE=false turns them
# off, e.g. for `make bench`; the benchmark says so in its output.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_VIEW = "liaison.views.rate_limited"
INTAKE_RATE = env.str("INTAKE_RATE", default="10/h")
TRACK_RATE = env.str("TRACK_RATE", default="30/h")
MINE_RATE = env.str("MINE_RATE", default="10/h")  # 我的意见: codes asked for per address
GONGSHI_COMMENT_RATE = env.str("GONGSHI_COMMENT_RATE", default="10/h")  # 公示 comments
OPEN311_READ_RATE = env.str("OPEN311_READ_RATE", default="120/m")
OPEN311_POST_RATE = env.str("OPEN311_POST_RATE", default="600/h")  # per partner's key
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")

# Notification backends by channel (the outbox delivers through these).
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.backends.ConsoleSMSBackend")
# notifications.backends.HTTPGatewaySMSBackend: a JSON POST per message to this URL.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
if SMS_BACKEND.endswith("HTTPGatewaySMSBackend") and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_GATEWAY_URL is required by the HTTP SMS gateway backend.")

# --- Logging: no personal data; ids only ----------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "liaison.logging.RedactTrackingKeys"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own lines (request errors, runserver's request lines) through the same
        # redacting handler instead of Django's default ones, which would print keys in clear.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
