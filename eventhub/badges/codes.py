"""The code in a badge's QR: badge id and version, signed. Short and in QR alphanumeric
characters only (capitals and digits), so the symbol stays small and a hardware scanner
types it back unchanged.

Layout: "EH1" then base32 of 4 bytes badge id, 2 bytes version and the first 10 bytes of
HMAC-SHA256 over those 6 bytes. Nobody without the key can make or alter a valid code, and
80 bits of signature cannot be guessed.

The badge id is what binds a code to one person: ids are never reissued (PostgreSQL's
sequences; on SQLite every table is AUTOINCREMENT, see eventhub.db, and migration 0024_ids
set each counter above every id still present or named in the audit log), so a deleted
badge's code finds no badge and is refused, whoever registers next. A random nonce in the
code would add nothing then, and would end every badge already printed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from eventhub import crypto

PREFIX = "EH1"
MAC_BYTES = 10
LENGTH = len(PREFIX) + 26  # 16 bytes in base32, padding dropped


def badge_key(secret_key: str | bytes) -> bytes:
    """A key for badge codes alone, derived from a secret key: crypto.signing_key("badge")
    is this, from the app's."""
    return crypto.derive_key(secret_key, "badge")


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]


def make_code(key: bytes, badge_id: int, version: int) -> str:
    body = badge_id.to_bytes(4, "big") + version.to_bytes(2, "big")
    return PREFIX + base64.b32encode(body + _mac(key, body)).decode().rstrip("=")


def read_code(key: bytes, code: str) -> tuple[int, int] | None:
    """(badge id, version) of a genuine code; None for anything forged, altered or garbled.
    Scanners may add spaces or send lower case: both are forgiven."""
    text = "".join(code.split()).upper()
    if len(text) != LENGTH or not text.startswith(PREFIX):
        return None
    try:
        raw = base64.b32decode(text[len(PREFIX) :] + "======")
    except (binascii.Error, ValueError):
        return None
    body, mac = raw[:6], raw[6:]
    if not hmac.compare_digest(mac, _mac(key, body)):
        return None
    badge_id, version = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:], "big")
    # base32's last letter has two spare bits: only the one spelling we print is a badge.
    if make_code(key, badge_id, version) != text:
        return None
    return badge_id, version
