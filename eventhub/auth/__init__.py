"""Accounts: login, logout, passwords, language preference."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from eventhub.auth import session_views, twofactor_views, views  # noqa: E402,F401  (routes register on import)
