"""Who may open a page: the event-scoped role check every event view goes through."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.events import services as event_services
from eventhub.extensions import login_manager


def event_view(*roles: Role) -> Callable:
    """Resolve the `slug` in the URL to the event, and require one of `roles` in it.

    The view receives the event as its first argument. With no roles the page is public.
    `g.event` (used for the time zone) and `g.event_roles` are set for templates.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(slug: str, **kwargs: Any):
            event = event_services.get_event_by_slug(slug)
            if event is None:
                abort_with(404, _l("There is no event at this address."))
            g.event = event
            g.event_roles = auth_services.roles_for(current_user, event)
            if roles:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not g.event_roles.intersection(roles):
                    abort_with(
                        403, _l("Your account has no role in this event that allows this page.")
                    )
            return view(event, **kwargs)

        return wrapped

    return decorator


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort_with(403, _l("Only installation administrators may do this."))
        return view(*args, **kwargs)

    return wrapped
