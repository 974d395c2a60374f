"""Encryption of personal data at rest (passport number, date of birth), blind indexes, and
the keys that sign codes (a badge's QR).

Keys come from configuration (EVENTHUB_DATA_KEYS or instance/keys/data_key, the secret key),
never from the database, so a copy of the database alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    keys = current_app.config["DATA_KEYS"]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    """The plain text, or None when there is none or no configured key opens it."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        current_app.logger.error("Encrypted field could not be decrypted: wrong data key?")
        return None


def blind_index(value: str, purpose: str) -> str:
    """A keyed digest of `value` to find equal values without decrypting every row."""
    key = current_app.config["DATA_KEYS"][0]
    raw = base64.urlsafe_b64decode(key.encode() if isinstance(key, str) else key)
    derived = hmac.new(raw, purpose.encode(), hashlib.sha256).digest()
    return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


def derive_key(secret: str | bytes, purpose: str) -> bytes:
    """A key for signing codes of one `purpose` alone, derived from a secret: a code signed
    for one purpose is worth nothing for another."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, f"eventhub {purpose} codes v1".encode(), hashlib.sha256).digest()


def signing_key(purpose: str) -> bytes:
    """The key codes of `purpose` ("badge") are signed with: from the app's secret key, or
    from a key of their own (BADGE_KEY for "badge") when the configuration sets one."""
    config = current_app.config
    return derive_key(config.get(f"{purpose.upper()}_KEY") or config["SECRET_KEY"], purpose)


def mask(value: str | None, visible: int = 2) -> str:
    """'E1234567' -> '••••••67'."""
    if not value:
        return ""
    return "•" * max(len(value) - visible, 3) + value[-visible:]
