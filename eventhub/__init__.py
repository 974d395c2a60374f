"""EventHub: event management for international exchange weeks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from eventhub import config as config_module
from eventhub import i18n, security

ROOT = Path(__file__).resolve().parent.parent

# The factory imports the modules inside the functions below, when an app is built: importing
# any eventhub module (eventhub.crypto in a script) imports this package first, which must not
# load every domain with it. This is the entry layer: it may import every module.


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    app = Flask(
        __name__,
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("EVENTHUB_INSTANCE_PATH")
        or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    unknown = [c for c in app.config["EVENTHUB_LOCALES"] if c not in i18n.LOCALE_LABELS]
    if unknown or "en" not in app.config["EVENTHUB_LOCALES"]:
        # Every page names each language in itself, and English is every text's fallback.
        raise RuntimeError(f"EVENTHUB_LOCALES: unknown {unknown} or no 'en'")
    from eventhub.web import BoundedRequest

    app.request_class = BoundedRequest
    app.url_map.converters["int"] = DatabaseId
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_jobs(app)
    register_template_helpers(app)
    security.register(app)
    return app


class DatabaseId(IntegerConverter):
    """<int:...> in every route: an id larger than the database's integers is no page
    (404), not an overflow in the query (500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        from eventhub.web import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Defaults < instance/config.py < EVENTHUB_* environment < `overrides`."""
    app.config.from_mapping(config_module.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if overrides:
        app.config.from_mapping(overrides)

    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "eventhub.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(url)
    keys = Path(app.config.get("KEYS_DIR") or Path(app.instance_path) / "keys")
    app.config["KEYS_DIR"] = str(keys)
    keep_private(app, url, keys)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(keys)
    if not app.config.get("DATA_KEYS"):
        app.config["DATA_KEYS"] = config_module.instance_data_keys(keys)
    # The remember-me cookie is a credential too.
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    limits_store = app.config["RATELIMIT_STORAGE_URI"]
    if not limits_store:
        from eventhub import ratelimits

        limits_store = ratelimits.uri_for(Path(app.instance_path) / "ratelimits.sqlite3")
        app.config["RATELIMIT_STORAGE_URI"] = limits_store
    if not app.config.get("JOBS_URL") and limits_store.startswith(("redis://", "rediss://")):
        app.config["JOBS_URL"] = limits_store  # one Redis for limits, jobs and live updates
    if limits_store.startswith("memory://") and not app.testing:
        # Each worker would count on its own: limits multiply by the number of workers.
        app.logger.warning(
            "Rate limits are kept per process; leave RATELIMIT_STORAGE_URI empty "
            "(shared SQLite file) or set EVENTHUB_REDIS_URL."
        )
    if not (app.config.get("PUBLIC_URL") or app.config.get("TRUSTED_HOSTS") or app.testing):
        # Links in emails are never taken from the Host header alone (web.public_base).
        app.logger.warning(
            "EVENTHUB_PUBLIC_URL is not set: emails with links (password resets, invitations, "
            "registrations) will be refused until it is, e.g. https://eventhub.example.org."
        )
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        # Not X-Forwarded-Host: proxies pass on whatever the client sent.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def keep_private(app: Flask, url: str, keys: Path) -> None:
    """The instance folder, the keys folder, the SQLite database and the keys readable by
    the owner alone (they were world-readable: passport data's key, the secret that signs
    sessions and badges); keys an earlier version made beside the database moved into the
    keys folder, apart from the database's backups. Each change said in the log."""
    folders = [Path(app.instance_path), keys]
    database = config_module.sqlite_file(url)
    files = []
    if database is not None:
        journals = (database.with_name(database.name + end) for end in ("-wal", "-shm"))
        files = [database, *(path for path in journals if path.exists())]
    for name in ("secret_key", "data_key"):
        if config_module.moved_key(app.instance_path, keys, name):
            app.logger.warning("Moved %s into %s, apart from the database.", name, keys)
        files += [keys / name] if (keys / name).exists() else []
    tightened = []
    for path in folders + files:
        try:
            if config_module.private(path, folder=path in folders):
                tightened.append(path)
        except OSError as error:  # not the owner: say so, and start all the same
            app.logger.warning("Could not make %s private: %s", path, error)
    for path in tightened:
        app.logger.warning("%s was readable by others; now by its owner alone.", path)


def register_extensions(app: Flask) -> None:
    """Bind every extension of `eventhub.extensions` to the app."""
    from eventhub import (
        i18n,
        jobs,
        mail,
        models,  # noqa: F401  (complete metadata for Alembic)
    )
    from eventhub.auth import services as auth_services
    from eventhub.auth import sessions as auth_sessions
    from eventhub.events import content
    from eventhub.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.selected_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    content.install()  # organisers' texts in every language, for `localized`
    login_manager.init_app(app)
    auth_services.configure_login(login_manager)
    auth_sessions.configure(login_manager, app)
    mail.init_app(app)
    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per domain."""
    from eventhub.accommodation import bp as accommodation_bp
    from eventhub.api import bp as api_bp
    from eventhub.auth import bp as auth_bp
    from eventhub.badges import bp as badges_bp
    from eventhub.ceremonies import bp as ceremonies_bp
    from eventhub.certificates import bp as certificates_bp
    from eventhub.certificates import verify_bp
    from eventhub.checkin import bp as checkin_bp
    from eventhub.events import bp as events_bp
    from eventhub.extensions import csrf
    from eventhub.interpretation import bp as interpretation_bp
    from eventhub.matchmaking import bp as matchmaking_bp
    from eventhub.outbox import bp as outbox_bp
    from eventhub.privacy import bp as privacy_bp
    from eventhub.registration import account_bp
    from eventhub.registration import bp as registration_bp
    from eventhub.scheduling import bp as scheduling_bp
    from eventhub.seating import bp as seating_bp
    from eventhub.transport import bp as transport_bp
    from eventhub.visas import bp as visas_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(scheduling_bp)
    app.register_blueprint(visas_bp)
    app.register_blueprint(ceremonies_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(accommodation_bp)
    app.register_blueprint(transport_bp)
    app.register_blueprint(seating_bp)
    app.register_blueprint(interpretation_bp)
    app.register_blueprint(matchmaking_bp)
    # The API authenticates each request by bearer token, never by cookie: no CSRF there.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)


def register_errorhandlers(app: Flask) -> None:
    from eventhub.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from eventhub.cli import register

    register(app)


def register_jobs(app: Flask) -> None:
    """Every module that defines jobs, so that a worker knows each job by name; and the
    outbox as the way mail leaves."""
    from eventhub.badges import tasks as badge_tasks  # noqa: F401
    from eventhub.outbox import services as outbox
    from eventhub.outbox import tasks as outbox_tasks  # noqa: F401
    from eventhub.privacy import tasks as privacy_tasks  # noqa: F401
    from eventhub.registration import tasks as registration_tasks  # noqa: F401
    from eventhub.scheduling import tasks as scheduling_tasks  # noqa: F401

    app.extensions["eventhub_mail_queue"] = outbox.queue


def register_template_helpers(app: Flask) -> None:
    from eventhub.i18n import register_template_helpers as register_i18n
    from eventhub.web import without

    register_i18n(app)
    app.jinja_env.filters["without"] = without
