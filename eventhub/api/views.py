"""API v1 endpoints."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.openapi import openapi_document
from eventhub.api.schemas import ACTIVITIES_QUERY
from eventhub.api.validation import body_errors, query_args
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.errors import DomainError, error_response
from eventhub.events import services as event_services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import ConsentSource
from eventhub.registration import consent_fields, submissions
from eventhub.registration.models import Participant, Source
from eventhub.registration.own_link import participants_of_user, send_confirmation
from eventhub.registration.quotas import position_of
from eventhub.registration.registering import RegistrationInvalid, register
from eventhub.registration.validation import REGISTRATION_FIELDS, check_registration
from eventhub.scheduling import calendars, enrolments, visibility
from eventhub.scheduling.activities import enrolled_counts, on_day
from eventhub.scheduling.models import Activity, Enrolment
from eventhub.web import MAX_ID, commit, in_event_or_404, public_base, site_url


def event_json(event) -> dict:
    return {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_zh": event.name_zh,
        "city_en": event.city_en,
        "city_zh": event.city_zh,
        "venue_address": event.venue_address,
        "venue_address_zh": event.venue_address_zh,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "timezone": event.timezone,
        "url": site_url("events.home", slug=event.slug),
    }


@bp.get("/token")
@token_required()
def token_info():
    """What the presented token is: its event and role (lets a device check its setup)."""
    token = g.api_token
    return jsonify(
        {
            "event": db.session.get(Event, token.event_id).slug,
            "role": token.role.value,
            "label": token.label,
            "created_at": token.created_at.isoformat(),
        }
    )


@bp.get("/events/<slug>")
@token_required()
def event_detail(event):
    return jsonify(event_json(event))


@bp.post("/events/<slug>/registrations")
@token_required(Role.ORGANISER, Role.PARTNER)
def create_registration(event):
    """Register one participant, with the form's rules; 201 with its id, or 422 per field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _("Send one participant as a JSON object."))
    errors = body_errors("Registration", body)
    if errors:
        # Every refused field at once; the form's own message where both refuse one.
        known = {name: value for name, value in body.items() if name in REGISTRATION_FIELDS}
        errors |= check_registration(event, known).errors
        return error_response(422, _("Please correct the fields marked below."), errors=errors)
    public_base()  # 503 with the reason before saving: never a registration without its link
    idempotency = request.headers.get("Idempotency-Key")
    claimed = None
    if idempotency is not None:
        if not 0 < len(idempotency) <= submissions.MAX_KEY or not idempotency.isprintable():
            return error_response(
                400, _("The Idempotency-Key header takes 1 to 255 printable characters.")
            )
        scope = submissions.api_scope(g.api_token.id)
        if sent_before := submissions.earlier(event, scope, idempotency):
            return _replayed(sent_before)
        claimed = submissions.claim(event, scope, idempotency)
        if claimed is None:  # the same call, sent at the same instant, went first
            db.session.rollback()
            return _replayed(submissions.earlier(event, scope, idempotency))
    body = dict(body)
    given = body.pop("consents")  # the schema checked it: registration true, known purposes
    answers = consent_fields.Answers(
        {purpose: given.get(purpose.value) is True for purpose in Purpose},
        ConsentSource.API,
        language="",  # the partner's system showed its own words, in its own language
        with_notice=False,
    )
    try:
        participant, key = register(event, body, source=Source.API, consents=answers)
    except RegistrationInvalid as invalid:
        db.session.rollback()  # the key too: the corrected call may use it again
        return error_response(
            422, _("Please correct the fields marked below."), errors=invalid.errors
        )
    if claimed is not None:
        claimed.participant_id = participant.id
    commit()
    position = position_of(participant)
    sent = send_confirmation(participant, key, position)
    return _registration_json(participant, position, sent), 201


def _registration_json(participant, position: int | None, sent: bool):
    return jsonify(
        {
            "id": participant.id,
            "status": participant.status.value,
            "waiting_list_position": position,
            "confirmation_sent": sent,
        }
    )


def _replayed(submission):
    """The answer to a call repeated with its Idempotency-Key: the participant the first
    registered, as it is now; nothing registered or mailed again."""
    participant = submissions.participant_of(submission)
    if participant is None:
        return error_response(
            409, _("This Idempotency-Key was used for a registration since removed.")
        )
    response = _registration_json(participant, position_of(participant), False)
    response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/events/<slug>/activities")
@token_required()
def activities(event):
    """Published activities, optionally of one day (YYYY-MM-DD, local) or one room. A token
    is a device, not a person: only an organiser's lists the private ones."""
    query, status, errors = query_args(ACTIVITIES_QUERY, request.args)
    if status:
        return error_response(status, next(iter(errors.values()))[0], errors=errors)
    items = calendars.published(event)
    if g.api_token.role != Role.ORGANISER:
        items = visibility.public_only(items)
    if "day" in query:
        try:
            day = date.fromisoformat(query["day"])
        except ValueError:
            return error_response(
                422,
                _("Give the day as YYYY-MM-DD."),
                errors={"day": [_("Give the day as YYYY-MM-DD.")]},
            )
        items = on_day(event, items, day)
    if "room" in query:
        items = [a for a in items if a.room_id == query["room"]]
    counts = enrolled_counts([a.id for a in items])
    zone = ZoneInfo(event.timezone)
    return jsonify(
        [
            {
                "id": a.id,
                "title_en": a.title_en,
                "title_zh": a.title_zh,
                "type": a.type.value,
                "track": a.track,
                "track_zh": a.track_zh,
                "starts_at": a.starts_at.astimezone(zone).isoformat(),
                "ends_at": a.ends_at.astimezone(zone).isoformat(),
                "room": {"id": a.room.id, "name": a.room.name_en} if a.room else None,
                "access": a.access.value,
                "visibility": a.visibility.value,
                "capacity": a.seats,
                "enrolled": counts.get(a.id, 0),
            }
            for a in items
        ]
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _session_participant(event):
    """The logged-in person's registration in `event` for the agenda endpoints, or an error
    response. These use the browser session, so a state change needs the CSRF token in an
    X-CSRFToken header (the page's csrf_token())."""
    from flask_wtf.csrf import ValidationError, validate_csrf

    if not current_user.is_authenticated:
        return None, error_response(401, _("Log in to manage your agenda."))
    if request.method != "GET":
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError:
            return None, error_response(
                400, _("Send the page's CSRF token in the X-CSRFToken header.")
            )

    roles = auth_services.roles_for(current_user, event)
    mine = participants_of_user(event, current_user)
    if not mine or not roles & {Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER}:
        return None, error_response(403, _("Your account has no registration in this event."))
    return mine[0], None


def _event_or_404(slug):
    event = event_services.get_event_by_slug(slug)
    if event is None:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    g.event = event
    return event


def _agenda_json(event, participant):
    zone = ZoneInfo(event.timezone)
    return jsonify(
        [
            {
                "activity": activity.id,
                "title_en": activity.title_en,
                "status": enrolment.status.value,
                "starts_at": activity.starts_at.astimezone(zone).isoformat()
                if activity.starts_at
                else None,
            }
            for enrolment, activity in enrolments.agenda(participant)
        ]
    )


def _change_enrolment(event, participant, activity_id: int, viewer, roles):
    """PUT enrols `participant` in the activity, DELETE takes them off it; `viewer` and
    `roles` decide whether a private activity is visible at all."""
    activity = in_event_or_404(
        Activity, activity_id, event, _("There is no such activity in this event.")
    )
    if not visibility.may_see(event, viewer, roles, activity):
        return error_response(404, _("There is no such activity in this event."))
    try:
        if request.method == "PUT":
            record = enrolments.enrol(activity, participant)
            commit()
            return jsonify({"status": record.status.value})
        record = db.session.scalar(
            db.select(Enrolment).where(
                Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
            )
        )
        if record is None:
            return error_response(404, _("You are not enrolled in this activity."))
        promoted = enrolments.cancel_enrolment(record)
        commit()
        for moved_up in promoted:
            calendars.notify_promoted(moved_up)
        return jsonify({"status": record.status.value})
    except DomainError as error:
        db.session.rollback()
        return error_response(409, str(error))


# Tokens for a person's agenda: an organiser's token manages anyone's in its event; a token
# issued to a person's own account with one of these roles manages that person's own.
OWN_AGENDA_ROLES = frozenset({Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER})


def _token_participant(event, participant_id: int | None):
    """(participant, viewer, roles, None) for the token of this request, or an error as
    the last item. Without `participant_id`: the token's own registration."""
    token = g.api_token
    owner = db.session.get(User, token.user_id) if token.user_id else None
    mine = participants_of_user(event, owner) if owner else []
    if participant_id is None:
        if not mine or token.role not in OWN_AGENDA_ROLES:
            return (
                None,
                None,
                None,
                error_response(
                    403,
                    _(
                        "This token is not issued to a registered person's account: name the "
                        "participant (/participants/{id}/agenda) with an organiser's token."
                    ),
                ),
            )
        return mine[0], owner, {token.role}, None
    person = db.session.get(Participant, participant_id) if participant_id <= MAX_ID else None
    if person is None or person.event_id != event.id:
        return (
            None,
            None,
            None,
            error_response(404, _("There is no such participant in this event.")),
        )
    if token.role == Role.ORGANISER:
        return person, owner, {Role.ORGANISER}, None
    if token.role in OWN_AGENDA_ROLES and person in mine:
        return person, owner, {token.role}, None
    return (
        None,
        None,
        None,
        error_response(403, _("This token may manage only its own person's agenda.")),
    )


@token_required()
def _token_agenda(event, participant_id: int | None = None):
    person, _viewer, _roles, problem = _token_participant(event, participant_id)
    return problem or _agenda_json(event, person)


@token_required()
def _token_enrolment(event, activity_id: int, participant_id: int | None = None):
    person, viewer, roles, problem = _token_participant(event, participant_id)
    return problem or _change_enrolment(event, person, activity_id, viewer, roles)


def _bearer() -> bool:
    return bool(request.headers.get("Authorization"))


@bp.get("/events/<slug>/agenda")
def agenda(slug):
    """The agenda of the logged-in person, or of the token's own person."""
    if _bearer():
        return _token_agenda(slug=slug)
    event = _event_or_404(slug)
    participant, problem = _session_participant(event)
    if problem:
        return problem
    return _agenda_json(event, participant)


@bp.route("/events/<slug>/activities/<int:activity_id>/enrolment", methods=["PUT", "DELETE"])
def enrolment(slug, activity_id):
    if _bearer():
        return _token_enrolment(slug=slug, activity_id=activity_id)
    event = _event_or_404(slug)
    participant, problem = _session_participant(event)
    if problem:
        return problem
    return _change_enrolment(
        event, participant, activity_id, current_user, auth_services.roles_for(current_user, event)
    )


@bp.get("/events/<slug>/participants/<int:participant_id>/agenda")
def participant_agenda(slug, participant_id):
    """A participant's agenda, with an organiser's token or the person's own."""
    return _token_agenda(slug=slug, participant_id=participant_id)


@bp.route(
    "/events/<slug>/participants/<int:participant_id>/activities/<int:activity_id>/enrolment",
    methods=["PUT", "DELETE"],
)
def participant_enrolment(slug, participant_id, activity_id):
    return _token_enrolment(slug=slug, participant_id=participant_id, activity_id=activity_id)
