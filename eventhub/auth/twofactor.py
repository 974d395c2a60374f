"""Two-step login: a time-based code from an authenticator app (TOTP, RFC 6238) after the
password, with one-time recovery codes for a lost phone.

Plain functions over the session: they add and flush, the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy as sa

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import RecoveryCode, User
from eventhub.db import utcnow
from eventhub.extensions import db

ISSUER = "EventHub"
RECOVERY_CODES = 10
# Codes of the step before and after the current one are accepted: phones' clocks drift.
CLOCK_DRIFT_STEPS = 1


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret_encrypted)


def _secret(user: User) -> str | None:
    return crypto.decrypt(user.totp_secret_encrypted)


def start_enrolment(user: User) -> str:
    """A new secret, kept (encrypted) until confirmed with a code; the same one while the
    person has not confirmed yet, so reloading the page does not change the QR code."""
    if not is_enabled(user):
        secret = _secret(user)
        if secret:
            return secret
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    return secret


def pending_secret(user: User) -> str | None:
    """The secret being enrolled, or None when there is none (or it is already in force)."""
    return None if is_enabled(user) else _secret(user)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """`text` as a QR code in an SVG data URI, for an <img> (the page's CSP allows data:
    images, and nothing is fetched from elsewhere)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - CLOCK_DRIFT_STEPS, current + CLOCK_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()


def check_totp(user: User, code: str, secret: str | None = None) -> bool:
    """Whether `code` is the current code of `user`'s app; each code works once."""
    secret = secret or _secret(user)
    code = _clean(code)
    if not secret or not code.isdigit() or len(code) != 6:
        return False
    step = _matching_step(secret, code, utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of `user`'s recovery codes; False when it is unknown or already used."""
    if len(_clean(code)) != 12:
        return False
    row = db.session.scalar(
        sa.select(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def verify(user: User, code: str) -> str | None:
    """ "totp" or "recovery" for an accepted code (audited when a recovery code), else None
    (the caller records the failure: it knows where it came from)."""
    if check_totp(user, code):
        db.session.flush()
        return "totp"
    if use_recovery_code(user, code):
        audit.record("auth.2fa_recovery", user, actor=user)
        db.session.flush()
        return "recovery"
    return None


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    codes = []
    for _n in range(RECOVERY_CODES):
        code = "".join(secrets.choice(alphabet) for _i in range(12))
        codes.append(f"{code[:4]}-{code[4:8]}-{code[8:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(code)))
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def renew_recovery_codes(user: User) -> list[str]:
    """A new set of recovery codes, the old ones void (used up, or perhaps seen by someone);
    to show once. The caller has checked the password and a code."""
    codes = _new_recovery_codes(user)
    audit.record("auth.2fa_new_codes", user, actor=user)
    db.session.flush()
    return codes


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-step login on when `code` matches the pending secret; the recovery codes
    to show once, or None when the code is wrong."""
    secret = pending_secret(user)
    if not secret or not check_totp(user, code, secret):
        return None
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record("auth.2fa_enabled", user, actor=user)
    db.session.flush()
    return codes


def disable(user: User, *, actor: User | None = None) -> None:
    """Two-step login off: the secret and the recovery codes are deleted. The caller has
    checked the password and a code."""
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("auth.2fa_disabled", user, actor=actor or user)
    db.session.flush()
