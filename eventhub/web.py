"""Small helpers for views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: no open redirects."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return fallback


def without(mapping: dict, *keys: str) -> dict:
    """A copy of `mapping` without `keys` (for links that change one query parameter)."""
    return {key: value for key, value in mapping.items() if key not in keys}


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails. From PUBLIC_URL when set, never from the request's Host
    header alone: a forged Host must not turn a reset link into the attacker's."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
