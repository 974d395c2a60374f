"""Response headers that every page carries."""

from __future__ import annotations

import logging

from flask import Flask, Response, session

from eventhub import redaction

# Every asset is served from this site (venues have no reliable internet, and nothing should
# load from elsewhere anyway): the policy can be strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register(app: Flask) -> None:
    # Secret links (/me/<key>, reset tokens, agenda feeds) masked in the app's logs, the
    # servers' access logs and whatever the root logger's handlers write.
    redaction.install(app.logger, logging.getLogger())

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        # Pages behind a login must not stay in a shared computer's cache (a hotel lobby PC).
        # The session says who is logged in: asking Flask-Login would load the user on every
        # API call too (a scan a millisecond matters at the gates).
        if session.get("_user_id"):
            headers.setdefault("Cache-Control", "no-store")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
