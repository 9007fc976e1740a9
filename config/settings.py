"""eOffice settings. Every deployment knob is an environment variable read through config.env."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.env import env_bool, env_float, env_int, env_list, env_secret, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EOFFICE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("EOFFICE_DEBUG", False)
# Under pytest the suite needs immediate Huey jobs and cheap password hashes.
TESTING = env_bool("EOFFICE_TESTING", False) or "pytest" in sys.modules
_secret = env_secret("EOFFICE_SECRET_KEY")
if not _secret:
    # A per-machine key kept in var/, so a demo needs no set-up and production must say its own.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    _secret = key_file.read_text(encoding="utf-8").strip()
SECRET_KEY = _secret
ALLOWED_HOSTS = env_list("EOFFICE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("EOFFICE_CSRF_TRUSTED_ORIGINS", [])
INSTALLATION_ID = env_str("EOFFICE_INSTALLATION_ID", "eoffice-local")

# Covering indexes (INCLUDE) serve PostgreSQL, the production database; SQLite builds the same
# index without the extra columns, which is all the embedded default needs. Say it once, not on
# every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "eoffice.core",
    "eoffice.accounts",
    "eoffice.directory",
    "eoffice.people",
    "eoffice.workcalendar",
    "eoffice.documents",
    "eoffice.work",
    "eoffice.signing",
    "eoffice.outgoing",
    "eoffice.exchange",
    "eoffice.notifications",
    "eoffice.reminders",
    "eoffice.oversight",
    "eoffice.web",
    "eoffice.demo",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "eoffice.core.middleware.RequestContextMiddleware",
    "eoffice.people.middleware.ActivePositionMiddleware",
    # Errors under /api/v1/ that ninja answers itself (a wrong method) get the API's JSON shape.
    "eoffice.web.api_errors.ApiErrorMiddleware",
    # A NUL in any text field is refused with a message (PostgreSQL cannot store one).
    "eoffice.web.nul_input.NulInputMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# A refused form says, in the user's language, that it expired and how to send it again.
CSRF_FAILURE_VIEW = "eoffice.web.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eoffice.web.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_db = parse_database_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'eoffice.sqlite3'}"))
DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": _db.engine,
        "NAME": _db.name,
        "USER": _db.user,
        "PASSWORD": env_secret("EOFFICE_DB_PASSWORD", _db.password),
        "HOST": _db.host,
        "PORT": _db.port,
        "CONN_MAX_AGE": env_int("EOFFICE_DB_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(_db.options or {}),
        "TEST": {"NAME": env_str("EOFFICE_TEST_DB_NAME") or None},
    }
}
if _db.engine.endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"].update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
            # failing with "database is locked" half-way through (numbering, audit chain).
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache and background jobs --------------------------------------------------------------
REDIS_URL = env_str("EOFFICE_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": INSTALLATION_ID,
        "url": REDIS_URL,
        "immediate": TESTING,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        # Huey's SQLite storage, plus a wake-up datagram per enqueue so an idle consumer starts a
        # job at once instead of at its next poll (Redis storage blocks on the queue by itself).
        "huey_class": "eoffice.core.queue.WakingSqliteHuey",
        "name": INSTALLATION_ID,
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        # Without a wake-up (one lost, or a second consumer) a job waits at most this long.
        "poll_seconds": env_float("EOFFICE_QUEUE_POLL_SECONDS", 0.5, minimum=0.01),
    }
HUEY["consumer"] = {"workers": env_int("EOFFICE_WORKERS", 2, minimum=1), "worker_type": "thread"}

# --- Notifications: e-mail over SMTP, links back to this installation ---------------------------
EOFFICE_SITE_URL = env_str("EOFFICE_SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EOFFICE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EOFFICE_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EOFFICE_SMTP_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EOFFICE_SMTP_USER")
EMAIL_HOST_PASSWORD = env_secret("EOFFICE_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("EOFFICE_SMTP_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("EOFFICE_MAIL_FROM", "eOffice <eoffice@localhost>")
# Where the file-based backend (the demo's, which has no SMTP server) writes each message.
EMAIL_FILE_PATH = env_str("EOFFICE_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Seconds one channel may take per attempt; the domain's products use 30 s (processes-and-tasks.md §4.1).
EOFFICE_NOTIFY_TIMEOUT = env_int("EOFFICE_NOTIFY_TIMEOUT", 30, minimum=1, maximum=300)

# --- Files ----------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("EOFFICE_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
S3_BUCKET = env_str("EOFFICE_S3_BUCKET")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("EOFFICE_S3_ENDPOINT_URL") or None,
            "access_key": env_secret("EOFFICE_S3_ACCESS_KEY"),
            "secret_key": env_secret("EOFFICE_S3_SECRET_KEY"),
            "region_name": env_str("EOFFICE_S3_REGION", "us-east-1"),
            "addressing_style": env_str("EOFFICE_S3_ADDRESSING_STYLE", "path"),
            # botocore presigns with the deprecated SigV2 unless told; AWS regions since 2014 accept only v4.
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("EOFFICE_S3_URL_EXPIRE", 300, minimum=10),
        },
    }
# Source maps serve only a developer's browser tools; compressing the vendored ones (14 of the 23 MB
# collectstatic wrote) twice over was most of its time. Unhashed copies are never linked: templates
# use {% static %}, and CSS and JS references are rewritten to the hashed names.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
if TESTING or DEBUG:
    # Serve static files straight from the apps, so tests and the dev server need no collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("EOFFICE_MAX_FORM_BYTES", 10 * 1024 * 1024, minimum=1024)
# CA certificates signatures must chain to: a directory of PEM/DER files or one file (signing).
EOFFICE_TRUST_STORE = env_str("EOFFICE_TRUST_STORE", str(VAR_DIR / "trust"))
# PKCS#11 libraries (token drivers) an administrator may pick for a key; the first is the default.
# Loading one runs its code in the server, so only the operator lists them.
EOFFICE_PKCS11_MODULES = env_list("EOFFICE_PKCS11_MODULES", ["/usr/lib/softhsm/libsofthsm2.so"])
# The địa danh written before the date of outgoing documents ("Hà Giang, ngày …"); empty: the
# province's name, taken from the root agency of the directory.
EOFFICE_PLACE_NAME = env_str("EOFFICE_PLACE_NAME", "")
# Exchange between installations: this installation's key and certificate (PEM; made once in
# var/exchange/ when unset), retries (exponential back-off with jitter, then the failed box),
# the replay window of signed requests and the HTTP timeout of a push.
EXCHANGE_KEY_FILE = env_str("EOFFICE_EXCHANGE_KEY_FILE")
EXCHANGE_CERT_FILE = env_str("EOFFICE_EXCHANGE_CERT_FILE")
EXCHANGE_MAX_ATTEMPTS = env_int("EOFFICE_EXCHANGE_MAX_ATTEMPTS", 8, minimum=1)
EXCHANGE_BACKOFF_BASE_SECONDS = env_int("EOFFICE_EXCHANGE_BACKOFF_BASE_SECONDS", 2, minimum=1)
EXCHANGE_BACKOFF_MAX_SECONDS = env_int("EOFFICE_EXCHANGE_BACKOFF_MAX_SECONDS", 3600, minimum=1)
EXCHANGE_REPLAY_WINDOW_SECONDS = env_int("EOFFICE_EXCHANGE_REPLAY_WINDOW_SECONDS", 300, minimum=10)
EXCHANGE_HTTP_TIMEOUT_SECONDS = env_int("EOFFICE_EXCHANGE_HTTP_TIMEOUT_SECONDS", 60, minimum=1)
# Axes (pull model): each active axis is polled every N minutes by the worker.
EXCHANGE_AXIS_POLL_MINUTES = env_int("EOFFICE_EXCHANGE_AXIS_POLL_MINUTES", 1, minimum=1, maximum=1440)
# How long a worker holds a line it claimed before another may send it (a worker killed mid-send):
# longer than one attempt can take (connect 5 s + the HTTP timeout).
EXCHANGE_LEASE_SECONDS = env_int(
    "EOFFICE_EXCHANGE_LEASE_SECONDS", max(120, EXCHANGE_HTTP_TIMEOUT_SECONDS + 10), minimum=1
)

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"  # shown to people; stored in UTC (USE_TZ)

# --- Sign-in --------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 at production cost makes thousands of test users slow; tests check the flow, not the cost.
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = env_int("EOFFICE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("EOFFICE_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "eoffice.accounts.views.locked_out"
# Second-step codes are secrets too: never written to the failure log.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_ENABLED = env_bool("EOFFICE_AXES_ENABLED", True)
OTP_TOTP_ISSUER = env_str("EOFFICE_OTP_ISSUER", "eOffice")

OIDC_RP_CLIENT_ID = env_str("EOFFICE_OIDC_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("eoffice.accounts.oidc.EOfficeOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env_secret("EOFFICE_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("EOFFICE_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("EOFFICE_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("EOFFICE_OIDC_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("EOFFICE_OIDC_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env_str("EOFFICE_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("EOFFICE_OIDC_SCOPES", "openid email profile")
    OIDC_CREATE_USER = env_bool("EOFFICE_OIDC_CREATE_USER", False)
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

# --- Security headers -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("EOFFICE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("EOFFICE_SESSION_SECONDS", 8 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("EOFFICE_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Product knobs --------------------------------------------------------------------------
EOFFICE_PAGE_SIZE = env_int("EOFFICE_PAGE_SIZE", 25, minimum=5, maximum=500)
EOFFICE_IMPORT_MAX_BYTES = env_int("EOFFICE_IMPORT_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
# Work boxes: the "sắp đến hạn" window (VOffice PROCESS_DOCUMENT_WARNING_TIMED_OUT, in hours) and
# the size limit of a file attached to a handling opinion.
EOFFICE_WORK_DUE_SOON_HOURS = env_int("EOFFICE_WORK_DUE_SOON_HOURS", 24, minimum=1, maximum=1440)
EOFFICE_WORK_MAX_FILE_BYTES = env_int("EOFFICE_WORK_MAX_FILE_BYTES", 20 * 1024 * 1024, minimum=1024)
# Documents: upload limits, accepted kinds (sniffed from content, not the name), OCR and conversion.
EOFFICE_DOCUMENT_MAX_BYTES = env_int("EOFFICE_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
EOFFICE_DOCUMENT_MAX_PAGES = env_int("EOFFICE_DOCUMENT_MAX_PAGES", 2000, minimum=1)
EOFFICE_DOCUMENT_MAIN_TYPES = env_list("EOFFICE_DOCUMENT_MAIN_TYPES", ["pdf", "docx", "png", "jpeg", "tiff"])
EOFFICE_DOCUMENT_ATTACHMENT_TYPES = env_list(
    "EOFFICE_DOCUMENT_ATTACHMENT_TYPES", ["pdf", "docx", "xlsx", "png", "jpeg", "tiff"]
)
EOFFICE_OCR_LANGUAGES = env_list("EOFFICE_OCR_LANGUAGES", ["vie"])
EOFFICE_OCR_TIMEOUT = env_int("EOFFICE_OCR_TIMEOUT", 600, minimum=10)
EOFFICE_SOFFICE_BIN = env_str("EOFFICE_SOFFICE_BIN", "soffice")
EOFFICE_CONVERT_TIMEOUT = env_int("EOFFICE_CONVERT_TIMEOUT", 180, minimum=10)
EOFFICE_DELEGATION_MAX_DAYS = env_int("EOFFICE_DELEGATION_MAX_DAYS", 180, minimum=1, maximum=3660)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("EOFFICE_LOG_LEVEL", "INFO")},
    # Third-party libraries that announce themselves at INFO are kept to warnings.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "pikepdf", "ocrmypdf")},
}
