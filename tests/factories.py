"""Test data builders. Each opens its own app context and commits (a savepoint release)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Flask

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.checkin.models import Checkpoint
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Participant, Status
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityRole,
    Enrolment,
    EnrolmentStatus,
    Room,
    Venue,
)

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
            # As customary in the person's country (Lao: given name first) unless a test
            # passes name_order: a name written "FAMILY Given" needs a fitting country.
            "name_order": "",
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

    def organisation(self, **overrides: Any) -> Organisation:
        values = {"name_en": f"University {next(_sequence)}", "country_code": "LA"}
        values.update(overrides)
        with self.app.app_context():
            organisation = Organisation(**values)
            db.session.add(organisation)
            db.session.commit()
            return organisation

    def venue(self, event: Event, **overrides: Any) -> Venue:
        values = {"event_id": event.id, "name_en": f"Venue {next(_sequence)}"}
        values.update(overrides)
        with self.app.app_context():
            venue = Venue(**values)
            db.session.add(venue)
            db.session.commit()
            return venue

    def room(self, venue: Venue, **overrides: Any) -> Room:
        values = {"venue_id": venue.id, "name_en": f"Room {next(_sequence)}", "capacity": 100}
        values.update(overrides)
        with self.app.app_context():
            room = Room(**values)
            db.session.add(room)
            db.session.commit()
            return room

    def activity(
        self,
        event: Event,
        *,
        speakers: Sequence[Participant] = (),
        enrolled: Sequence[Participant] = (),
        **overrides: Any,
    ) -> Activity:
        """An activity (a draft forum with no time unless told), with its `speakers` and
        the participants `enrolled` in it."""
        values = {"event_id": event.id, "title_en": f"Forum {next(_sequence)}"}
        values.update(overrides)
        with self.app.app_context():
            activity = Activity(**values)
            db.session.add(activity)
            db.session.flush()
            db.session.add_all(
                ActivityPerson(
                    activity_id=activity.id, participant_id=p.id, role=ActivityRole.SPEAKER
                )
                for p in speakers
            )
            db.session.add_all(
                Enrolment(
                    activity_id=activity.id, participant_id=p.id, status=EnrolmentStatus.ENROLLED
                )
                for p in enrolled
            )
            db.session.commit()
            return activity

    def checkpoint(self, event: Event, **overrides: Any) -> Checkpoint:
        """A gate open to every category for the whole event, unless told otherwise."""
        n = next(_sequence)
        values = {"event_id": event.id, "slug": f"gate-{n}", "name_en": f"Gate {n}"}
        values.update(overrides)
        with self.app.app_context():
            checkpoint = Checkpoint(**values)
            db.session.add(checkpoint)
            db.session.commit()
            return checkpoint

    def agreement(
        self,
        event: Event,
        parties: Sequence[Organisation] = (),
        *,
        signatories: Sequence[Participant | None] = (),
        witnesses: Sequence[Participant] = (),
        **overrides: Any,
    ) -> Agreement:
        """An agreement between `parties` (two new universities when none are given), in
        that order (the first is the host side); `signatories` sign for the parties in the
        same order."""
        values = {"event_id": event.id, "title_en": f"Agreement {next(_sequence)}"}
        values.update(overrides)
        parties = list(parties) or [self.organisation(), self.organisation()]
        signatories = list(signatories) + [None] * (len(parties) - len(signatories))
        with self.app.app_context():
            agreement = Agreement(**values)
            agreement.parties = [
                AgreementParty(
                    organisation_id=organisation.id,
                    position=position,
                    signatory_id=signatory.id if signatory else None,
                )
                for position, (organisation, signatory) in enumerate(
                    zip(parties, signatories, strict=True), start=1
                )
            ]
            agreement.witnesses = [AgreementWitness(participant_id=p.id) for p in witnesses]
            db.session.add(agreement)
            db.session.commit()
            return agreement
