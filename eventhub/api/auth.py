"""Bearer-token checks for API views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import g, make_response, request
from flask_babel import lazy_gettext as _l

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.auth.services import TokenGrant
from eventhub.errors import error_response
from eventhub.events import services as event_services
from eventhub.extensions import db


def token_required(
    *roles: Role,
    autocommit: bool = False,
    lookup: Callable[[str], TokenGrant | None] = auth_services.find_api_token,
    after_end: bool = False,
) -> Callable:
    """Require `Authorization: Bearer <token>` with one of `roles`.

    With a `slug` in the URL the token must belong to that event, which the view receives.
    `autocommit`: every statement commits on its own, which saves PostgreSQL the round
    trips of BEGIN and COMMIT and holds SQLite's write lock only while writing; only for
    views whose writes are single statements (or make their own transaction, as a scan's
    two inserts on SQLite do).
    `lookup`: finds the token by its text (a view may read what it needs with it).
    `after_end`: a token revoked or expired less than a day ago still reaches the view
    (for a view without a slug), with g.token_ended_at set; the view answers 401 with
    wipe itself, and what it wrote stays (a device's scans from before its revocation).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            # (A session already in a transaction, or bound to one as in the tests, keeps it.)
            bind = db.session.get_bind()
            committing = (
                autocommit and isinstance(bind, sa.Engine) and not db.session().in_transaction()
            )
            if committing:
                db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            scheme, _, plaintext = request.headers.get("Authorization", "").partition(" ")
            token = None
            if scheme.lower() == "bearer" and plaintext.strip():
                token = lookup(plaintext.strip())
            # A gate device's token ends with its event: then it is as good as revoked.
            expired = token is not None and token.expired()
            if (token is None or expired) and after_end and plaintext.strip():
                ended = auth_services.ended_api_token(plaintext.strip())
                grant = ended[0] if ended else None
                if grant and grant.may_write and (not roles or grant.role in roles):
                    g.api_token, g.token_ended_at = ended
                    response = make_response(view(*args, **kwargs))
                    if not committing:
                        db.session.commit()
                    response.headers["WWW-Authenticate"] = 'Bearer realm="eventhub"'
                    return response
            if token is None or expired:
                # A revoked token's device (lost, stolen) is told to erase what it keeps.
                revoked = expired or (
                    bool(plaintext.strip()) and auth_services.is_revoked(plaintext.strip())
                )
                response = error_response(
                    401,
                    str(_l("A valid API token is required: send 'Authorization: Bearer <token>'.")),
                    wipe=revoked,
                )
                response.headers["WWW-Authenticate"] = 'Bearer realm="eventhub"'
                return response
            if roles and token.role not in roles:
                return error_response(403, str(_l("This token's role may not do this.")))
            if not token.may_write and request.method not in ("GET", "HEAD", "OPTIONS"):
                return error_response(403, str(_l("This token may only read, not change.")))
            g.api_token = token
            if "slug" in kwargs:
                event = event_services.get_event_by_slug(kwargs.pop("slug"))
                if event is None:
                    return error_response(404, str(_l("There is no event at this address.")))
                if event.id != token.event_id:
                    return error_response(403, str(_l("This token belongs to another event.")))
                g.event = event
                kwargs["event"] = event
            response = make_response(view(*args, **kwargs))
            if committing:
                pass  # every statement is committed already
            elif response.status_code < 400:
                db.session.commit()  # keeps the token's last-used time
            else:
                db.session.rollback()
            return response

        return wrapped

    return decorator
