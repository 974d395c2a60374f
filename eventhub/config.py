"""Configuration: defaults, then `instance/config.py`, then EVENTHUB_* environment variables,
then the mapping given to `create_app` (tests)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventhub.files import private  # noqa: F401  (the factory imports it from here)

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": None,  # filled in from the instance folder when unset
    # No ping before each use (a round trip on every request): a connection lost to a
    # database restart fails one request with a 503 and the pool reconnects (errors.py).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "DASHBOARD_REFRESH_SECONDS": 10,  # the arrivals dashboard fetches its figures this often
    # (when its live stream is down). The stream closes after this long and the browser
    # reconnects: a worker thread is never held by one tab for ever.
    "DASHBOARD_STREAM_SECONDS": 120,
    # Open streams a server process holds at once; past it (and always on a single-threaded
    # worker such as gunicorn's sync, where a stream would take the whole process from the
    # gates) the stream is refused at once and the dashboard polls its figures instead.
    # With `gunicorn -k gthread --threads 8` this leaves 6 threads a process for scans.
    "DASHBOARD_MAX_STREAMS": 2,
    # Where scans are announced to open dashboards: the job queue's Redis when JOBS_URL is
    # one, else the database (each stream asks for the latest scan each second).
    "LIVE_UPDATES_URL": "",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # An uploaded list: what an XLSX may expand to, and the largest .xls (parsed whole).
    "IMPORT_MAX_UNPACKED_MB": 40,  # a full 10,000 x 30 list: 18 MB (reading.py)
    "IMPORT_MAX_XLS_MB": 10,
    # A JSON body: its size and nesting (a scan batch of 500 takes about 100 KB, 3 levels).
    "JSON_MAX_KB": 1024,
    "JSON_MAX_DEPTH": 32,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a registration form can stay open a working day
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    # Organisers work in English and Chinese; guests read the region's languages: Thai,
    # Vietnamese, Indonesian, Malay, Filipino, Lao, Khmer, Burmese, and Portuguese as
    # Timor-Leste writes it (CLDR has no Tetum).
    "EVENTHUB_LOCALES": ["en", "zh_Hans", "th", "vi", "id", "ms", "fil", "lo", "km", "my", "pt_TL"],
    "PASSWORD_HASH_METHOD": "scrypt",
    "PASSWORD_MIN_LENGTH": 10,
    "PASSWORD_RESET_MAX_AGE": 3600,
    "INVITATION_MAX_AGE": 14 * 24 * 3600,
    # How long the owner of an account has to confirm a registration linked to it.
    "ACCOUNT_LINK_MAX_AGE": 7 * 24 * 3600,
    # Asking again within this many seconds mails nothing new: the pending one is named.
    "ACCOUNT_LINK_RESEND_INTERVAL": 15 * 60,
    # "" = counters in instance/ratelimits.sqlite3, shared by the workers of this machine;
    # redis://… (EVENTHUB_REDIS_URL) for several machines.
    "RATELIMIT_STORAGE_URI": "",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Failed logins (and wrong two-factor codes) only; a successful login costs nothing.
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",  # per address and account
    "LOGIN_ADDRESS_RATE_LIMIT": "300 per hour",  # per address, all accounts
    "RESET_RATE_LIMIT": "5 per 15 minutes",
    "REGISTRATION_RATE_LIMIT": "10 per minute;100 per hour",
    "MAIL_BACKEND": "console",  # console | file | smtp | memory (tests)
    "MAIL_FROM": "EventHub <no-reply@eventhub.local>",
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_FILE_DIR": None,  # defaults to instance/mail
    "MAIL_TIMEOUT": 20,
    # The outbox: tries per message, the first retry's delay (doubled each time, at most an
    # hour), and how long a worker may hold a message before it counts as killed.
    "MAIL_MAX_ATTEMPTS": 6,
    "MAIL_RETRY_SECONDS": 60,
    "MAIL_LEASE_SECONDS": 300,
    "MAIL_MESSAGE_ID_DOMAIN": "eventhub.local",
    # Jobs: "" = a SQLite queue in the instance folder (run `flask jobs` beside the web
    # server), redis://… in production (EVENTHUB_REDIS_URL serves when this is not set),
    # "immediate" = in the asking process (tests).
    "JOBS_URL": "",
    # A print or scheduler run whose worker has not reported for this long is taken as lost:
    # tried again (up to JOB_MAX_ATTEMPTS times in all), then marked failed with the reason.
    "JOB_HEARTBEAT_SECONDS": 120,
    # Lists longer than this are imported by the job worker, not in the request.
    "IMPORT_INLINE_ROWS": 300,
    "JOB_MAX_ATTEMPTS": 3,
    "PROXY_COUNT": 0,  # reverse proxies in front of gunicorn, for the client address
    "PUBLIC_URL": None,  # e.g. https://eventhub.example.org, for links in emails
    "TRUSTED_HOSTS": None,  # host names this site answers to (others get 400)
    "PUBLIC_SCHEME": None,  # without PUBLIC_URL, links on a trusted host: https unless "http"
}

# Environment variable -> (config key, parser). Only these are read, so a stray variable in a
# container cannot change behaviour silently.
_ENV: dict[str, tuple[str, Any]] = {
    "EVENTHUB_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "EVENTHUB_SECRET_KEY": ("SECRET_KEY", str),
    # Badge codes signed apart from the sessions (see crypto.signing_key); else SECRET_KEY.
    "EVENTHUB_BADGE_KEY": ("BADGE_KEY", str),
    # Comma-separated Fernet keys; the first encrypts, all decrypt (for rotation).
    "EVENTHUB_DATA_KEYS": ("DATA_KEYS", lambda v: [k.strip() for k in v.split(",") if k.strip()]),
    "EVENTHUB_REDIS_URL": ("RATELIMIT_STORAGE_URI", str),
    "EVENTHUB_JOBS_URL": ("JOBS_URL", str),
    "EVENTHUB_MAIL_BACKEND": ("MAIL_BACKEND", str),
    "EVENTHUB_MAIL_FROM": ("MAIL_FROM", str),
    "EVENTHUB_MAIL_SERVER": ("MAIL_SERVER", str),
    "EVENTHUB_MAIL_PORT": ("MAIL_PORT", int),
    "EVENTHUB_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "EVENTHUB_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "EVENTHUB_MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "EVENTHUB_SECURE_COOKIES": (
        "SESSION_COOKIE_SECURE",
        lambda v: v.lower() in {"1", "true", "yes"},
    ),
    "EVENTHUB_PROXY_COUNT": ("PROXY_COUNT", int),
    "EVENTHUB_DASHBOARD_MAX_STREAMS": ("DASHBOARD_MAX_STREAMS", int),
    "EVENTHUB_PUBLIC_URL": ("PUBLIC_URL", str),
    "EVENTHUB_TRUSTED_HOSTS": (
        "TRUSTED_HOSTS",
        lambda v: [h.strip() for h in v.split(",") if h.strip()],
    ),
    "EVENTHUB_PUBLIC_SCHEME": ("PUBLIC_SCHEME", str),
    "EVENTHUB_MAX_UPLOAD_MB": ("MAX_CONTENT_LENGTH", lambda v: int(v) * 1024 * 1024),
    # The folder of the keys made on first start (secret_key, data_key): instance/keys by
    # default, apart from the database file so that its backups never carry them.
    "EVENTHUB_KEYS_DIR": ("KEYS_DIR", str),
    "EVENTHUB_IMPORT_MAX_UNPACKED_MB": ("IMPORT_MAX_UNPACKED_MB", int),
    "EVENTHUB_IMPORT_MAX_XLS_MB": ("IMPORT_MAX_XLS_MB", int),
    # Folders holding the PDF fonts (colon-separated); Debian's by default.
    "EVENTHUB_FONT_DIRS": ("FONT_DIRS", lambda v: [d for d in v.split(":") if d]),
}


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given as EVENTHUB_* environment variables."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name, (key, parse) in _ENV.items():
        raw = environ.get(name)
        if raw not in (None, ""):
            found[key] = parse(raw)
    return found


def normalise_database_url(url: str) -> str:
    """Let people paste a plain `postgresql://` URL: use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_file(url: str) -> Path | None:
    """The file a sqlite:/// URL names; None for other databases and in-memory ones."""
    if not url.startswith("sqlite:///"):
        return None
    database = url.removeprefix("sqlite:///").split("?", 1)[0]
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def instance_secret(folder: str | Path, filename: str, make: Callable[[], str]) -> str:
    """A secret kept in a file of `folder` (the keys folder), made by `make` on first use,
    readable by its owner alone.

    Good for one host. Several hosts must share it through the environment instead
    (EVENTHUB_SECRET_KEY, EVENTHUB_DATA_KEYS), or what one signs the others refuse.
    """
    path = Path(folder) / filename
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Write aside, then link into place: a second worker starting at the same moment
        # either links first or reads the complete secret, never a half-written file.
        scratch = path.with_name(f".{filename}.{os.getpid()}")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return path.read_text().strip()


def moved_key(instance_path: str | Path, keys_dir: Path, filename: str) -> bool:
    """A key made by an earlier version beside the database (instance/secret_key) moved
    into the keys folder, so that a backup of the instance folder's database does not
    carry it; True when moved. Several workers starting at once: one moves it."""
    old, new = Path(instance_path) / filename, keys_dir / filename
    if old == new or not old.exists() or new.exists():
        return False
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.link(old, new)  # never over a key already there
    except FileExistsError:
        return False
    except FileNotFoundError:  # another worker moved it first
        return False
    old.unlink(missing_ok=True)
    return True


def instance_secret_key(keys_dir: str | Path) -> str:
    return instance_secret(keys_dir, "secret_key", lambda: secrets.token_hex(32))


def instance_data_keys(keys_dir: str | Path) -> list[str]:
    """Keys that encrypt passport data; separate from SECRET_KEY so either can rotate."""
    from cryptography.fernet import Fernet

    return [instance_secret(keys_dir, "data_key", lambda: Fernet.generate_key().decode())]
