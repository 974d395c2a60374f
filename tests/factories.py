"""Test data builders. Each opens its own app context and commits (a savepoint release)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from flask import Flask

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Participant, Status

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def event(self, **overrides: Any) -> Event:
        n = next(_sequence)
        values = {
            "slug": f"week-{n}",
            "name_en": f"Exchange Week {n}",
            "name_zh": f"交流周{n}",
            "city_en": "Guiyang",
            "city_zh": "贵阳",
            "venue_address": "Eco-Conference Center",
            "starts_on": date(2025, 7, 24),
            "ends_on": date(2025, 7, 27),
            "timezone": "Asia/Shanghai",
        }
        values.update(overrides)
        with self.app.app_context():
            event = Event(**values)
            db.session.add(event)
            db.session.commit()
            return event

    def user(
        self,
        email: str | None = None,
        *,
        password: str | None = PASSWORD,
        roles: dict[Event, str | Role] | None = None,
        is_admin: bool = False,
        display_name: str = "",
        locale: str | None = None,
    ) -> User:
        email = email or f"person{next(_sequence)}@example.org"
        with self.app.app_context():
            user = auth_services.create_user(
                email, password, display_name=display_name, is_admin=is_admin
            )
            user.locale = locale
            for event, role in (roles or {}).items():
                auth_services.grant_role(user, db.session.merge(event), Role(role))
            db.session.commit()
            return user

    def participant(self, event: Event, **overrides: Any) -> Participant:
        values = {
            "event_id": event.id,
            "family_name": "KEOMANY",
            "given_name": "Somphone",
            "native_name": "ສົມພອນ ແກ້ວມະນີ",
            "country_code": "LA",
            "category": Category.DELEGATE,
            "status": Status.APPROVED,
            "email": f"p{next(_sequence)}@example.la",
        }
        values.update(overrides)
        with self.app.app_context():
            participant = Participant(**values)
            db.session.add(participant)
            db.session.commit()
            return participant

    def delegation(self, event: Event, **overrides: Any) -> Delegation:
        values = {
            "event_id": event.id,
            "name_en": f"Delegation {next(_sequence)}",
            "name_zh": "代表团",
            "country_code": "LA",
        }
        values.update(overrides)
        with self.app.app_context():
            delegation = Delegation(**values)
            db.session.add(delegation)
            db.session.commit()
            return delegation
