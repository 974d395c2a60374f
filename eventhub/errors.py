"""The domain error services raise, and the error pages (HTML, or JSON under /api/)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

# Defined with the primitives (which raise it too); imported from here by the domains.
from eventhub.exceptions import DomainError as DomainError
from eventhub.extensions import db


class NoPublicAddress(DomainError):
    """A link to send by email, and no trustworthy address to build it on (web.public_base):
    the mail is refused rather than sent with a link taken from the request's Host header."""


# What each error page says, in the visitor's language.
TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Not possible now"),
    410: _l("No longer available"),
    413: _l("Upload too large"),
    422: _l("Invalid input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Briefly unavailable"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood."),
    401: _l("You need to log in to do this."),
    403: _l("Your account does not have permission to see this page."),
    404: _l("There is nothing at this address. Check the link, or start from the home page."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file or form you sent is larger than %(limit)s MB. Send a smaller one."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    503: _l(
        "The database could not be reached just now (it may be restarting). Try again in "
        "a few seconds."
    ),
    500: _l(
        "The error has been logged. Try again in a moment; if it persists, tell the "
        "organising committee's technical desk."
    ),
}


def wants_json() -> bool:
    """JSON for the API, for requests that sent JSON, and for clients that ask for it."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or (
            request.accept_mimetypes.best_match(["application/json", "text/html"])
            == "application/json"
        )
    )


def error_response(code: int, message: str | None = None, **extra: Any):
    """A page or a JSON body for an HTTP error, in the visitor's language."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    generic = 400 if code < 500 else 500
    explanation = str(message or EXPLANATIONS.get(code, EXPLANATIONS[generic]))
    if code == 413 and message is None:
        explanation = str(EXPLANATIONS[413]) % {"limit": limit // (1024 * 1024)}
    title = str(TITLES.get(code, TITLES[generic]))
    if request_ctx.url_adapter is None:
        # A Host outside TRUSTED_HOSTS: no link can be built, so no page drawn; a plain answer.
        response = make_response(f"{title}: {explanation}\n")
        response.mimetype = "text/plain"
    elif wants_json():
        response = jsonify({"error": title, "message": explanation, "status": code, **extra})
    else:
        response = make_response(
            render_template("errors/error.html", code=code, title=title, explanation=explanation)
        )
    response.status_code = code
    return response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(
            400,
            str(
                _l(
                    "The form could not be accepted because its security token was missing or "
                    "had expired. Go back, reload the page and send it again."
                )
            ),
            csrf=True,  # a script (the scanner page) fetches a fresh token and sends again
        )

    @app.errorhandler(NoPublicAddress)
    def no_public_address(error: NoPublicAddress):
        db.session.rollback()  # the change that would have sent the mail is not kept
        return error_response(503, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        description = None
        # Our own aborts carry a specific reason; Werkzeug's defaults are English-only.
        if getattr(error, "eventhub_message", None):
            description = error.eventhub_message
        response = error_response(error.code, description)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(error: sa.exc.DBAPIError):
        """A database that cannot be reached (a restart: the pool drops its connections and
        reconnects on the next request; PostgreSQL down; SQLite busy past its timeout) is a
        503 to retry, not a bug. Other database errors are bugs (500, logged in full). The
        pool is not pinged before each use: that was a round trip on every scan."""
        db.session.rollback()
        unreachable = (
            error.connection_invalidated
            # psycopg's OperationalError is about the connection; SQLite's also covers
            # mistakes such as a missing table, so only "locked" counts there.
            or (
                isinstance(error, sa.exc.OperationalError)
                and type(error.orig).__module__.startswith("psycopg")
            )
            or "database is locked" in str(error.orig)
        )
        if not unreachable:
            return unexpected_error(error)
        app.logger.warning("Database unavailable on %s: %s", request.path, error.orig)
        response = error_response(503)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        return error_response(500)


def abort_with(code: int, message: Any) -> None:
    """Abort with a specific, translatable reason shown on the error page or in the JSON."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code]()
    exc.eventhub_message = str(message)  # type: ignore[attr-defined]
    raise exc
