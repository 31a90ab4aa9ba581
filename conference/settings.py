"""Motion Hall settings, driven by the environment.

With nothing set this is the embedded default: SQLite, the in-memory channel layer
and eager Celery, so a newcomer's first command just works. ``DATABASE_URL`` switches
to PostgreSQL (psycopg 3), ``REDIS_URL`` to channels-redis and a real Celery broker.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment; a bad value names the variable (no traceback of int())."""
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0) -> float:
    """A number of seconds (or the like) from the environment, checked as env_int is."""
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not value >= minimum:  # also refuses nan
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=not env_str("DATABASE_URL"))
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "embedded-default-not-for-production-" + "x" * 32

# The key behind the secret ballot's voter tags (DESIGN §4.7). It never goes into the
# database; by default it is derived from SECRET_KEY.
BALLOT_KEY = env_str("BALLOT_KEY") or SECRET_KEY
# The key behind the stored hashes of the access codes (conference.codes). Not in the
# database; by default derived from SECRET_KEY. Set it on its own so that SECRET_KEY can
# be rotated without every printed login card stopping working.
ACCESS_CODE_KEY = env_str("ACCESS_CODE_KEY") or SECRET_KEY
if env_str("ACCESS_CODE_KEY") and len(ACCESS_CODE_KEY) < 32:
    raise ImproperlyConfigured(
        f"ACCESS_CODE_KEY must be at least 32 characters (it has {len(ACCESS_CODE_KEY)}): "
        "a random string, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )
# A sheet of login cards holds the codes in the clear: it is kept (encrypted) only until
# its first download or this many minutes, then deleted (desk.tasks, SECURITY.md).
LOGIN_CARDS_KEEP_MINUTES = env_int("LOGIN_CARDS_KEEP_MINUTES", 30, minimum=1)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The conference's public address, printed on login cards, in e-mailed links and on the
# projector's QR code: never the host a request happened to arrive on.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL must start with https:// or http://, not {PUBLIC_BASE_URL!r}")
# Pages that may open a websocket, exactly (scheme, host, port): see conference.origins.
# Empty: the CSRF_TRUSTED_ORIGINS, http(s)://<each ALLOWED_HOSTS name>, and the socket's own origin.
WEBSOCKET_ALLOWED_ORIGINS = env_list("WEBSOCKET_ALLOWED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "conference",
    "motions",
    "policy",
    "voting",
    "elections",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "conference.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "conference.urls"
ASGI_APPLICATION = "conference.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
    # A pool, not persistent connections: under ASGI Django keeps a connection per async
    # context, so every open socket held one of its own and a 500-phone hall exhausted
    # PostgreSQL's 100 (bench/README.md). The pool shares a few; the database work runs on
    # one thread plus the vote writer's anyway.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 2,
            "max_size": env_int("DATABASE_POOL_SIZE", 8, minimum=1),
            "timeout": env_float("DATABASE_POOL_TIMEOUT", 30),
        }
    }
    # The pool checks a connection as it hands it out: after a database restart or a network
    # cut it holds only dead ones, and each would fail a vote before being thrown away.
    # While the database is unreachable a vote waits DATABASE_POOL_TIMEOUT, then "not recorded".
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
            # Votes come from a writer thread while pages read: wait, don't fail.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
            # A file, not memory: the vote writer's thread and the request thread share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"motionhall-test-{os.getpid()}.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must be a redis:// URL")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's default 5 s socket timeout equals channels-redis's 5 s BZPOPMIN, so
                # on a busy host the hub's read can time out; the hub then reads again at once
                # (voting/hub.py). A longer socket_timeout here was tried and dropped: with it a
                # cancelled receive never finished (a socket's consumer hung on disconnect).
                "hosts": [REDIS_URL],
                # Each process holds one channel (the hub's), so its queue takes every
                # event of its conferences: room for bursts, never a silent drop.
                "capacity": 5000,
                "expiry": 30,
                "prefix": env_str("CHANNEL_PREFIX") or "motionhall",
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # Rate-limit counters must be shared by every worker process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CHANNEL_PREFIX") or "motionhall",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A countdown longer than the visibility timeout would be redelivered twice; closing
# twice is harmless, but keep it above any realistic vote countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "index"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer asks over plain HTTP, from inside
SESSION_COOKIE_AGE = 3 * 24 * 3600  # a conference lasts two days
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the pages' scripts send it back in a header

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}

# Mail (login cards, resolutions) goes out from Celery tasks; the embedded default prints it.
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Motion Hall <secretariat@localhost>"
if DEBUG and not env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# How big a vote writer's batch may grow (it never waits to fill).
VOTE_BATCH_MAX = 500
# The vote writer's lanes on PostgreSQL: batches in parallel, each on its own connection
# (voting/writer.py). Each takes one connection of DATABASE_POOL_SIZE while it writes.
VOTE_WRITER_LANES = env_int("VOTE_WRITER_LANES", 3, minimum=1)
# Turnout is broadcast at most this often per poll and process (DESIGN §4.5).
TURNOUT_INTERVAL_SECONDS = 0.25
# The public screen's turnout moves only on the ticks of a clock this many seconds apart
# (voting.turnout.ScreenTurnout), so a quiet hall's projector does not time single votes.
SCREEN_TURNOUT_SECONDS = env_float("SCREEN_TURNOUT_SECONDS", 2.0)
# How long a process reuses the shared part of a snapshot for the same seq (0: never).
SNAPSHOT_CACHE_SECONDS = 2.0
# Who is connected (conference/presence.py, the turnout's "present"): each process writes its
# changes after gathering them this long, refreshes its keys this often, and a key lives this long.
PRESENCE_GATHER_SECONDS = 0.2
PRESENCE_REFRESH_SECONDS = 20.0
PRESENCE_SECONDS = 60
# Largest websocket message a client may send. The server's own frame limit must be the
# same (uvicorn --ws-max-size 2048: `make serve`, bench, the fault tests, README), or it
# buffers up to 16 MiB of a message before the application can refuse it.
MAX_CLIENT_MESSAGE_BYTES = 2048

# (attempts, seconds): see conference.ratelimit. A hall often shares one NAT address,
# so the per-address join limit counts failed attempts only, and is generous.
RATE_LIMITS = {
    "join-address": (env_int("JOIN_FAILURES_PER_ADDRESS", 30, minimum=1), 600),
    "join-code": (env_int("JOIN_ATTEMPTS_PER_CODE", 10, minimum=1), 600),
    "vote-http": (30, 60),  # per representative: a phone sends one vote and a few resends
}
# Per socket, (messages, seconds): what one socket may send of each kind, as a token bucket
# (a burst of `messages` at once, then `messages` per `seconds`). Generous for a real phone:
# it votes once per poll and resends on reconnect, pings every 25 s, asks for a snapshot only
# when it missed an event. A sync builds a snapshot: it is limited hardest. Over the limit a
# message is refused with "rate_limited" (and the socket is read again only when its next
# message may be served); past "refused" refusals the socket is closed with 4429 (the page
# reconnects after a long pause). A real phone is never refused at all.
SOCKET_RATE_LIMITS = {
    "vote": (20, 10),
    "sync": (5, 10),
    "ping": (10, 10),
    "other": (40, 10),  # chair and debate commands, and anything malformed
    "refused": (5, 30),
}
# Proxies in front of the app that append to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
