"""Who may do what: every route of the app, for every kind of visitor, on the demo week.

The table below is the specification, written by hand: for each endpoint, who may use it.
The test walks the app's URL map, so a new route without a line here fails until someone
says who may use it. Each role gets a fresh demo week (its writes are rolled back), reads
everything first and writes last, and a refusal must be a refusal (the login page for the
anonymous, 401 from the API, 403 or 404 for the others), never a 500.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub.extensions import db

from .factories import PASSWORD

ROLES = (
    "anonymous",
    "delegate",  # a Lao delegate, looking at a Thai participant's things
    "head_of_another_delegation",  # the head of the Lao delegation, at the Thai delegation
    "staff",  # gate staff assigned to the main entrance
    "visa_officer",
    "organiser_of_another_event",
    "organiser",
)
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ORGANISER = {"organiser"}
OFFICE = {"organiser", "visa_officer"}  # the participant lists and exports
VISA = {"visa_officer"}  # letters carry passport numbers: visa officers only
SCANNERS = {"organiser", "staff"}
ATTENDEES = {"organiser", "delegate", "head_of_another_delegation"}  # programme and agenda
REGISTERED = {"delegate", "head_of_another_delegation"}  # their own agenda over JSON
NOBODY: set[str] = set()  # installation administrators only, or an API token

# endpoint -> who may use it
ALLOWED: dict[str, set[str]] = {
    "static": EVERYONE,
    "events.index": EVERYONE,
    "events.home": EVERYONE,
    "events.create": NOBODY,  # administrators
    "events.settings": ORGANISER,
    "events.translations": ORGANISER,
    "events.next_edition": ORGANISER,
    "events.team": ORGANISER,
    "events.remove_member": ORGANISER,
    "events.audit_log": ORGANISER,
    "events.audit_export": ORGANISER,
    # The whole installation's log (logins and failed logins of everyone, their addresses).
    "events.installation_audit": NOBODY,
    "events.installation_audit_export": NOBODY,
    "outbox.delivery_log": ORGANISER,
    "events.tokens": ORGANISER,
    "events.revoke_token": ORGANISER,
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,  # nobody logged in: back to the home page
    "auth.change_password": SIGNED_IN,
    # Without a password just accepted in this browser, back to the login form (which, for
    # anonymous visitors, reads as the refusal).
    "auth.login_code": SIGNED_IN,
    "auth.two_step": SIGNED_IN,
    "auth.two_step_setup": SIGNED_IN,
    "auth.two_step_disable": SIGNED_IN,
    "auth.two_step_new_codes": SIGNED_IN,  # without two-step login on: back to its page
    "auth.sessions": SIGNED_IN,
    # One's own sessions only: the world's session is the gate staff's (another phone).
    "auth.revoke_session": {"staff"},
    "auth.revoke_other_sessions": SIGNED_IN,
    "auth.request_reset": EVERYONE,
    "auth.reset_password": EVERYONE,  # the link's token decides; a bad one gets a clear page
    "auth.new_password": EVERYONE,  # the token the link left in the session decides
    "auth.set_language": EVERYONE,
    "registration.register": EVERYONE,
    "registration.own_page": EVERYONE,  # the secret link is the key (tested apart below)
    "registration.own_consents": EVERYONE,  # the secret link is the key, even when locked
    "registration.own_photo": EVERYONE,
    "registration.own_data": EVERYONE,
    "registration.participant_list": OFFICE,
    "registration.participant_detail": OFFICE,
    "registration.participant_detail POST": ORGANISER,  # visa officers read, not edit
    "registration.participant_photo": OFFICE,
    # One person's whole file (passport included) and its erasure: organisers only.
    "registration.personal_data_json": ORGANISER,
    "registration.personal_data_pdf": ORGANISER,
    "registration.erase_person": ORGANISER,
    "registration.erase_person POST": ORGANISER,
    "registration.participant_photo_original": OFFICE,  # for the crop tool
    "registration.participant_photo_crop": ORGANISER,
    "registration.participant_rank": ORGANISER,
    "registration.bulk_action": ORGANISER,
    "registration.ladder": ORGANISER,
    "registration.places": ORGANISER,
    "privacy.notices_page": ORGANISER,
    "privacy.retention_page": ORGANISER,
    "privacy.retention_erase": ORGANISER,
    "registration.waiting_list": OFFICE,
    "registration.import_upload": ORGANISER,
    "registration.import_preview": ORGANISER,
    "registration.exports": OFFICE,
    "registration.export": OFFICE,
    "registration.duplicates_list": ORGANISER,
    "registration.duplicates_decide": ORGANISER,
    "registration.merge": ORGANISER,
    "registration.new_organisations": ORGANISER,
    "registration.accept_organisation": ORGANISER,
    "registration.merge_organisation": ORGANISER,
    "registration.reject_organisation": ORGANISER,
    "account.my_registration": SIGNED_IN,  # their own registrations, or none
    "account.my_visa_letter": NOBODY,  # only the person's own (a Thai participant's here)
    "account.confirm_link": EVERYONE,  # the mailed token decides; a bad one gets a clear page
    "account.link_confirmation": EVERYONE,  # the token the link left in the session decides
    "registration.anonymise": ORGANISER,
    "registration.visa_letter": VISA,
    "registration.delegation_visa_letters": VISA,
    "registration.delegations_list": ORGANISER,
    "registration.new_delegation": ORGANISER,
    "registration.edit_delegation": ORGANISER,
    "registration.delegation_head": ORGANISER,
    "registration.delegation_order": ORGANISER,
    "registration.delete_delegation": ORGANISER,  # refused while it has members
    "registration.participant_delegation": ORGANISER,
    "visas.visa_case": OFFICE,  # the visa desk and the organisers record the steps
    "visas.visa_list": OFFICE,
    "visas.visa_export": OFFICE,
    "accommodation.rooms": ORGANISER,  # the rooms board and its hand edits
    "accommodation.rooms_propose": ORGANISER,
    "accommodation.rooms_place": ORGANISER,
    "accommodation.room": ORGANISER,
    "accommodation.room_remove": ORGANISER,
    "matchmaking.sessions": ORGANISER,
    "matchmaking.session_remove": ORGANISER,
    "matchmaking.propose": ORGANISER,
    "transport.vehicles": ORGANISER,
    "transport.vehicle_form": ORGANISER,
    "transport.vehicle_shift_add": ORGANISER,
    "transport.vehicle_shift_remove": ORGANISER,
    "transport.escorts": ORGANISER,
    "transport.escort_form": ORGANISER,
    "transport.planning": ORGANISER,
    "transport.plan": ORGANISER,
    "transport.send_pickups": ORGANISER,
    # Matchmaking (issue 23): the directory and one's own organisations' requests and
    # meetings for attendees; the Thai college's profile edit, request and meeting are the
    # organisers' and the Thai side's only (matchmaking/access.py); the Lao delegate and
    # head act for the Lao university, so they may ask the Thai college for a meeting.
    "matchmaking.overview": ATTENDEES,
    "matchmaking.profile_new": ATTENDEES,
    "matchmaking.profile": ATTENDEES,
    "matchmaking.profile_edit": ORGANISER,
    "matchmaking.request_meeting": ATTENDEES,
    "matchmaking.request_withdraw": ORGANISER,
    "matchmaking.request_back": ORGANISER,
    "matchmaking.mine": ATTENDEES,
    "matchmaking.meetings_list": ORGANISER,
    "matchmaking.meeting": ORGANISER,
    "matchmaking.meeting_accept": ORGANISER,
    "matchmaking.meeting_decline": ORGANISER,
    "matchmaking.meeting_cancel": ORGANISER,
    "matchmaking.meeting_agreement": ORGANISER,
    "accommodation.rooming_lists": ORGANISER,  # the hotels' lists: organisers only
    "accommodation.rooming_list_download": ORGANISER,
    "accommodation.rooming_list_sent": ORGANISER,
    "accommodation.hotel_desk": SCANNERS,  # the hotel desk: organisers and on-site staff
    "accommodation.desk_check_in": SCANNERS,
    "accommodation.desk_room_number": SCANNERS,
    # The Thai delegation: its head and the organisers, not the head of another one.
    "registration.delegation": ORGANISER,
    "registration.add_member": ORGANISER,
    "registration.edit_member": ORGANISER,
    "registration.withdraw_member": ORGANISER,
    "registration.restore_member": ORGANISER,
    "registration.member_login": ORGANISER,
    "badges.delegation_badges": ORGANISER,
    # Requests about a member's data: the head of the member's delegation alone (here the
    # Thai head, not a role of this table: tests/privacy/test_requests.py); organisers decide
    # in their queue below.
    "registration.member_data": NOBODY,
    "registration.own_erasure": EVERYONE,  # the secret link is the key; organisers decide
    "registration.ask_member_data": NOBODY,
    "registration.member_data_json": NOBODY,
    "registration.member_data_pdf": NOBODY,
    "privacy.data_requests": ORGANISER,
    "privacy.approve_request": ORGANISER,  # without "confirmed", the page asks first
    "privacy.refuse_request": ORGANISER,  # without a reason, refused (400)
    "badges.overview": ORGANISER,
    "badges.run": ORGANISER,
    "badges.run_progress": ORGANISER,
    "badges.run_pdf": ORGANISER,
    "badges.styles": ORGANISER,
    "badges.participant_badge": ORGANISER,
    "badges.reprint": ORGANISER,
    "badges.own_badge": EVERYONE,
    "badges.own_badge_qr": EVERYONE,
    "certificates.own_certificate": EVERYONE,
    "certificates.overview": ORGANISER,
    "certificates.issue": ORGANISER,
    "certificates.run": ORGANISER,
    "certificates.certificate_pdf": ORGANISER,
    "certificates.revoke": ORGANISER,
    "verify.verify_form": EVERYONE,
    "verify.certificate": EVERYONE,
    "scheduling.programme": EVERYONE,
    "scheduling.programme_pdf": EVERYONE,
    "scheduling.event_calendar": EVERYONE,
    "scheduling.room_calendar": EVERYONE,
    "scheduling.track_calendar": EVERYONE,
    "scheduling.agenda_calendar": EVERYONE,  # the feed's secret address is the key
    "scheduling.agenda_page": ATTENDEES,
    "scheduling.agenda_pdf": ATTENDEES,
    # The demo's organiser has no registration of their own: nothing to enrol.
    "scheduling.enrol": REGISTERED,
    "scheduling.cancel": REGISTERED,
    "scheduling.renew_feed": ATTENDEES,
    "scheduling.venues": ORGANISER,
    "scheduling.timetable": ORGANISER,
    "scheduling.grid": ORGANISER,
    "scheduling.health": ORGANISER,
    "scheduling.edit_activity": ORGANISER,
    "scheduling.invite": ORGANISER,
    "scheduling.activity_people": ORGANISER,
    "scheduling.auto_schedule": ORGANISER,
    "scheduling.move": ORGANISER,
    "scheduling.resize": ORGANISER,
    "scheduling.travel": ORGANISER,
    "scheduling.edit_venue": ORGANISER,
    "scheduling.edit_room": ORGANISER,
    "scheduling.delete_venue_view": ORGANISER,  # asks again: the form names no activities
    "scheduling.delete_room_view": ORGANISER,
    "scheduling.run_status": ORGANISER,
    "scheduling.cancel_run": ORGANISER,
    "ceremonies.agreements": ORGANISER,
    "ceremonies.new_agreement": ORGANISER,
    "ceremonies.edit_agreement": ORGANISER,
    "ceremonies.agreement": ORGANISER,
    "ceremonies.signatory": ORGANISER,
    "ceremonies.witness": ORGANISER,
    "ceremonies.amend": ORGANISER,
    "ceremonies.upload_scan": ORGANISER,
    "ceremonies.remove_scan": ORGANISER,
    "ceremonies.download_scan": ORGANISER,
    "ceremonies.status": ORGANISER,
    "ceremonies.ceremony": ORGANISER,
    "ceremonies.stage": ORGANISER,
    "ceremonies.stage_settings": ORGANISER,
    "ceremonies.materials": ORGANISER,
    "ceremonies.ceremony_settings": ORGANISER,
    "ceremonies.ceremony_order": ORGANISER,
    "ceremonies.export": ORGANISER,
    "ceremonies.signing_register": ORGANISER,
    "ceremonies.cover_sheets": ORGANISER,
    "ceremonies.ceremony_programme": ORGANISER,
    "ceremonies.press_list": ORGANISER,
    "ceremonies.press_sheet": ORGANISER,
    "ceremonies.name_cards": ORGANISER,
    "ceremonies.mc_script": ORGANISER,
    "checkin.checkpoints": SCANNERS,
    "checkin.scanner": SCANNERS,
    "checkin.scan": SCANNERS,
    "checkin.undo": SCANNERS,
    "checkin.search": SCANNERS,
    "checkin.admit": SCANNERS,
    "checkin.roster": SCANNERS,
    "checkin.batch": SCANNERS,
    "checkin.manifest": SCANNERS,
    "checkin.photo": SCANNERS,
    "checkin.service_worker": EVERYONE,  # a script; it holds nothing
    "checkin.edit_checkpoint": ORGANISER,
    "checkin.dashboard": ORGANISER,
    "checkin.dashboard_figures": ORGANISER,
    "checkin.dashboard_stream": ORGANISER,
    "checkin.conflicts_to_review": ORGANISER,
    "checkin.review_conflict": ORGANISER,
    "checkin.attendance_csv": ORGANISER,
    "checkin.scanner_devices": ORGANISER,
    "checkin.revoke_device": ORGANISER,
    "checkin.alerts": ORGANISER,
    "checkin.acknowledge_alert": ORGANISER,
    "checkin.needs_attention": ORGANISER,
    "checkin.enrol_device": ORGANISER,
    "checkin.revoke_gate_device": ORGANISER,
    "checkin.fresh_csrf": SCANNERS,
    "transport.trips_board": ORGANISER,
    "transport.trip_detail": ORGANISER,
    "transport.add_trip_passenger": ORGANISER,
    "transport.remove_trip_passenger": ORGANISER,
    "transport.delete_trip": ORGANISER,
    "transport.new_trip": ORGANISER,
    "transport.new_shuttles": ORGANISER,
    "transport.driver_sheet": ORGANISER,
    "transport.day_sheets": ORGANISER,
    # The airport desk: gate staff meet the flights too.
    "transport.airport_desk": SCANNERS,
    "transport.flight_landed": SCANNERS,
    "transport.picked_up": SCANNERS,
    # Seating plans: the organisers'.
    "seating.plans": ORGANISER,
    "seating.plan_create": ORGANISER,
    "seating.plan": ORGANISER,
    "seating.plan_propose": ORGANISER,
    "seating.plan_move": ORGANISER,
    "seating.plan_publish": ORGANISER,
    "seating.plan_unpublish": ORGANISER,
    "seating.plan_settings": ORGANISER,
    "seating.tables": ORGANISER,
    "seating.table": ORGANISER,
    "seating.table_remove": ORGANISER,
    "seating.table_position": ORGANISER,
    # A gate device's pages: no login; its token (kept on the device) reaches the API.
    "checkin.device_home": EVERYONE,
    "checkin.device_scanner": EVERYONE,
    "checkin.device_manifest": EVERYONE,
    # The JSON API answers bearer tokens, not browser sessions (it takes no CSRF token).
    "api.openapi": EVERYONE,
    "api.token_info": NOBODY,
    "api.event_detail": NOBODY,
    "api.activities": NOBODY,
    "api.create_registration": NOBODY,
    "api.scan": NOBODY,
    "api.scan_batch": NOBODY,
    "api.roster": NOBODY,
    "api.checkpoints": NOBODY,
    "api.participants": NOBODY,
    "api.scans_since": NOBODY,
    "api.undo_scan": NOBODY,
    "api.admit_participant": NOBODY,
    "api.participant_photo": NOBODY,
    "api.participant_agenda": NOBODY,
    "api.participant_enrolment": NOBODY,
    "api.device_checkpoints": NOBODY,
    # ... except the agenda of the person logged in, for the programme page's script (with
    # a token too: tests/api/test_agenda_tokens.py).
    "api.agenda": REGISTERED,
    "api.enrolment": REGISTERED,
    # Accommodation set-up and guests' rooming preferences (issue 22, helper "hotels").
    "accommodation.hotel_list": ORGANISER,
    "accommodation.hotel_detail": ORGANISER,
    "accommodation.hotel_form": ORGANISER,
    "accommodation.hotel_delete": ORGANISER,
    "accommodation.room_type_form": ORGANISER,
    "accommodation.room_type_delete": ORGANISER,
    "accommodation.blocks": ORGANISER,
    "accommodation.blocks_import_upload": ORGANISER,
    "accommodation.blocks_template": ORGANISER,
    "accommodation.accommodation_settings": ORGANISER,
    "accommodation.rooming_preference": ORGANISER,
    "accommodation.delegation_shares": ORGANISER,  # and the head of that delegation
    # Seating print (issue 23, helper "seatprint"): cards and plans, organisers only.
    "seating.cards": ORGANISER,
    "seating.print_all_cards": ORGANISER,
    "seating.print_changed_cards": ORGANISER,
    "seating.card_collected": ORGANISER,
    "seating.table_cards": ORGANISER,
    "seating.entrance_plan": ORGANISER,
    # Headsets lent at the door (issue 23, helper "headsets"): the desk is the gate staff's.
    "interpretation.headset_inventory": ORGANISER,
    "interpretation.headset_state": ORGANISER,
    "interpretation.headset_history": ORGANISER,
    "interpretation.headset_desk": SCANNERS,
    "interpretation.headset_scan": SCANNERS,
    "interpretation.headsets_not_returned": SCANNERS,
    "interpretation.headsets_not_returned_export": ORGANISER,  # phones: an audited export
    # Interpretation: set-up, interpreters and their rota (issue 23, helper "interp").
    "interpretation.overview": ORGANISER,
    "interpretation.setup": ORGANISER,
    "interpretation.assign": ORGANISER,
    "interpretation.unassign": ORGANISER,
    "interpretation.assign_automatically": ORGANISER,
    "interpretation.interpreters": ORGANISER,
    "interpretation.interpreter_form": ORGANISER,
    "interpretation.interpreter_delete": ORGANISER,
}

LOGINS = {  # the demo week's accounts
    "delegate": ("delegate.la@caecw.example", "demo-delegate-2025"),
    "head_of_another_delegation": ("head.la@caecw.example", "demo-head-2025"),
    "staff": ("gate@caecw.example", "demo-staff-2025"),
    "organiser": ("organiser@caecw.example", "demo-organiser-2025"),
}


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 180, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def _first(entity, *where):
    """The first `entity` (by id) that matches `where`."""
    return db.session.scalar(sa.select(entity).where(*where).order_by(entity.id))


def _world(app, make) -> dict:
    """The demo week, and the ids of a Thai participant's things in it."""
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import EventMembership, Role, UserSession
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.badges.printing import BatchFilters
    from eventhub.badges.runs import queue_batch
    from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementScan
    from eventhub.certificates import services as certificate_services
    from eventhub.certificates.models import Certificate, CertificateKind
    from eventhub.checkin import recording, rules
    from eventhub.checkin.models import AttentionAlert, Checkpoint
    from eventhub.db import utcnow
    from eventhub.directory.models import Organisation, OrganisationStatus
    from eventhub.events.models import Event
    from eventhub.privacy.models import DataRequest, RequestKind
    from eventhub.registration.models import (
        Delegation,
        ImportBatch,
        Participant,
        ParticipantPhoto,
        Status,
    )
    from eventhub.registration.own_link import new_access_key
    from eventhub.scheduling import calendars
    from eventhub.scheduling.models import Access, Activity, ActivityState, Room, SolverRun
    from eventhub.seating.models import SeatingPlan, SeatingTable
    from eventhub.transport.models import (
        DriverShift,
        Escort,
        Trip,
        TripKind,
        TripPassenger,
        Vehicle,
    )

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
    other = make.event()
    host = make.user(roles={other: "organiser"}, email="organiser@other.example")
    with app.app_context():  # read back: the app of test_archive expires what it commits
        other, host = db.session.merge(other), db.session.merge(host)
    # Their week's visa officer too, registered there, with a gate of the same name as this
    # week's: what refuses this week's ids at their week's address is the records' lookup.
    make.participant(other, user_id=host.id, email=host.email)
    make.checkpoint(other, slug="main-entrance", name_en="Main entrance")
    make.user(roles={event: "visa_officer"}, email="visa.officer@caecw.example")
    with app.app_context():
        event = db.session.merge(event)
        other_slug = db.session.merge(other).slug
        auth_services.grant_role(db.session.merge(host), db.session.merge(other), Role.VISA_OFFICER)
        thai = _first(Delegation, Delegation.event_id == event.id, Delegation.country_code == "TH")
        member = _first(
            Participant,
            Participant.delegation_id == thai.id,
            Participant.status == Status.APPROVED,
            Participant.id != thai.head_id,
        )
        agreement = _first(
            Agreement, Agreement.event_id == event.id, Agreement.ceremony_id.is_not(None)
        )
        ceremony = db.session.get(Activity, agreement.ceremony_id)
        open_to_all = _first(
            Activity,
            Activity.event_id == event.id,
            Activity.state == ActivityState.PUBLISHED,
            Activity.access != Access.INVITATION,
        ).id
        tracked = _first(Activity, Activity.event_id == event.id, Activity.track != "")
        gate = _first(
            Checkpoint, Checkpoint.event_id == event.id, Checkpoint.slug == "main-entrance"
        )
        badge = badges_for([member])[member.id]
        scan = recording.record_scan(
            rules.Gate.of(event, gate),
            code_of(badge),
            "matrix-scan",
            device="matrix",
        )
        # The demo's past week has issued its certificates; a week without them gets one.
        certificate = db.session.scalar(
            sa.select(Certificate).where(
                Certificate.participant_id == member.id,
                Certificate.kind == CertificateKind.PARTICIPATION,
            )
        ) or Certificate(
            event_id=event.id,
            participant_id=member.id,
            kind=CertificateKind.PARTICIPATION,
            serial=certificate_services.new_serial(),
        )
        run = queue_batch(event, BatchFilters(delegation=thai.id), "a4", actor=None)
        upload = ImportBatch(
            event_id=event.id,
            filename="list.csv",
            content=b"family_name,given_name,email\nSUK,Somchai,somchai@example.ac.th\n",
        )
        # An organisation a Thai participant typed on the public form, waiting for review.
        pending = Organisation(
            name_en="Pending Review College", country_code="TH", status=OrganisationStatus.PENDING
        )
        db.session.add(pending)
        db.session.flush()
        _first(
            Participant,
            Participant.event_id == event.id,
            Participant.country_code == "TH",
            Participant.id.not_in([member.id, thai.head_id]),
        ).organisation_id = pending.id
        party = db.session.scalar(
            sa.select(AgreementParty.id).where(AgreementParty.agreement_id == agreement.id)
        )
        db.session.add_all(
            [
                certificate,
                upload,
                ParticipantPhoto(participant_id=member.id, content=_jpeg(), width=60, height=80),
                AgreementScan(
                    agreement_id=agreement.id,
                    content=b"%PDF-1.4 signed",
                    filename="signed.pdf",
                    size=15,
                    pages=1,
                ),
            ]
        )
        staff = auth_services.get_user_by_email("gate@caecw.example")
        membership = db.session.scalar(
            sa.select(EventMembership.id).where(
                EventMembership.event_id == event.id, EventMembership.user_id == staff.id
            )
        )
        token, _plaintext = auth_services.issue_api_token(event, Role.STAFF, label="matrix")
        phone = UserSession(key_hash="0" * 64, user_id=staff.id, user_agent="Android")
        db.session.add(phone)
        db.session.flush()
        alert = AttentionAlert(
            event_id=event.id,
            participant_id=member.id,
            checkpoint_id=gate.id,
            scan_id=scan.scan_id,
            scanned_at=utcnow(),
        )
        db.session.add(alert)
        db.session.flush()
        key = new_access_key(member)
        feed = calendars.feed_link(member).rsplit("/", 1)[1].removesuffix(".ics")
        solver_run = SolverRun(event_id=event.id, state="done", result={"placements": []})
        db.session.add(solver_run)
        data_request = DataRequest(
            event_id=event.id, participant_id=member.id, kind=RequestKind.EXPORT
        )
        db.session.add(data_request)
        from eventhub.interpretation.models import (
            InterpretationSetup,
            Interpreter,
            InterpreterAssignment,
        )

        interpreter = Interpreter(
            event_id=event.id, name="Authorization Interpreter", languages="vi,zh"
        )
        if db.session.get(InterpretationSetup, ceremony.id) is None:
            db.session.add(
                InterpretationSetup(
                    activity_id=ceremony.id, event_id=event.id, floor_languages="zh", channels="vi"
                )
            )
        on_channel = InterpreterAssignment(
            event_id=event.id, activity_id=ceremony.id, interpreter=interpreter, channel="vi"
        )
        db.session.add_all([interpreter, on_channel])
        van = Vehicle(event_id=event.id, label="Authorization test van", seats=7)
        ride = Trip(event_id=event.id, kind=TripKind.PICKUP, departs_at=utcnow(), vehicle=van)
        ride.passengers = [TripPassenger(participant_id=member.id)]
        db.session.add(ride)
        # A hotel and a room type of the week (the demo's first, else made here), with a
        # room booked: their delete routes then refuse, and the routes after them find them.
        from eventhub.accommodation.models import Hotel, HotelRoom, RoomType

        room_type = db.session.scalar(
            sa.select(RoomType).join(Hotel).where(Hotel.event_id == event.id).limit(1)
        )
        if room_type is None:
            hotel = Hotel(event_id=event.id, name_en="Matrix Hotel")
            room_type = RoomType(hotel=hotel, name_en="Matrix twin", beds=2)
            db.session.add_all([hotel, room_type])
        db.session.flush()
        night = event.starts_on
        booked = HotelRoom(
            event_id=event.id, room_type_id=room_type.id, first_night=night, last_night=night
        )
        db.session.add(booked)
        escort = Escort(event_id=event.id, name="Matrix Escort")
        db.session.add(escort)
        db.session.flush()
        shift = DriverShift(
            vehicle_id=van.id, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=8)
        )
        db.session.add(shift)
        seating = SeatingPlan(event_id=event.id, activity_id=ceremony.id)
        seating.tables = [SeatingTable(number=1, seats=8)]
        db.session.add(seating)
        matchmaking = _matchmaking(event, member)
        db.session.commit()
        return {
            "hotel_id": room_type.hotel_id,
            "room_type_id": room_type.id,
            "slug": event.slug,
            "other_slug": other_slug,
            "participant_id": member.id,
            "delegation_id": thai.id,
            "activity_id": ceremony.id,
            "open_activity_id": open_to_all,  # for enrolling
            "agreement_id": agreement.id,
            "room_id": ceremony.room_id,
            "venue_id": db.session.get(Room, ceremony.room_id).venue_id,
            "run_id": solver_run.id,
            "hotel_room_id": booked.id,
            "request_id": data_request.id,
            "track": tracked.track,
            "ref": gate.slug,
            "checkpoint_id": gate.id,
            "scan_id": scan.scan_id,
            "certificate_id": certificate.id,
            "serial": certificate.serial,
            "batch_id": {"badges": run.id, "registration": upload.id},
            "membership_id": membership,
            "organisation_id": pending.id,
            "token_id": token.id,
            "session_id": phone.id,
            "alert_id": alert.id,
            "vehicle_id": van.id,
            "interpreter_id": interpreter.id,
            "trip_id": ride.id,
            "escort_id": escort.id,
            "shift_id": shift.id,
            "plan_id": seating.id,
            "table_id": seating.tables[0].id,
            **{name: row.id for name, row in matchmaking.items()},
            "key": key,
            "feed": feed,
            # What the writes send: the ids their forms name, so that a permitted write
            # reaches its rules (a missing id would be a 404 of its own).
            "form": {
                "participant_id": member.id,
                "party_id": party,
                "agreement_id": agreement.id,
                "action": "up",
                "role": "speaker",
                "interpreter_id": interpreter.id,
                "assignment_id": on_channel.id,
                "channel": "vi",
            },
        }


def _matchmaking(event, member) -> dict:
    """A Thai college (the member's) and a Chinese one in matchmaking, the Thai one's request
    and their meeting; the Lao delegate's university and the Lao head's ministry have
    profiles too."""
    from eventhub.directory.models import Organisation
    from eventhub.matchmaking.models import (
        MatchmakingSession,
        MatchProfile,
        Meeting,
        MeetingRequest,
    )
    from eventhub.registration.models import Participant

    def organisation_of(person, name: str, country: str) -> int:
        if person is not None and person.organisation_id:
            return person.organisation_id
        found = Organisation(name_en=name, country_code=country)
        db.session.add(found)
        db.session.flush()
        if person is not None:
            person.organisation_id = found.id
        return found.id

    lao = _first(
        Participant,
        Participant.event_id == event.id,
        Participant.email == LOGINS["delegate"][0],
    )
    head = _first(
        Participant,
        Participant.event_id == event.id,
        Participant.email == LOGINS["head_of_another_delegation"][0],
    )

    def profile(organisation_id: int, representative_id: int | None = None) -> MatchProfile:
        """The organisation's profile (the demo may have made it), else a new one."""
        found = _first(
            MatchProfile,
            MatchProfile.event_id == event.id,
            MatchProfile.organisation_id == organisation_id,
        ) or MatchProfile(event_id=event.id, organisation_id=organisation_id, topics="rail")
        if representative_id is not None:
            found.representative_id = representative_id
        db.session.add(found)
        return found

    thai = profile(organisation_of(member, "Matrix Thai College", "TH"), member.id)
    china = profile(organisation_of(None, "Matrix Rail College", "CN"))
    profile(organisation_of(lao, "Matrix Lao University", "LA"))
    profile(organisation_of(head, "Matrix Lao Ministry", "LA"))
    db.session.flush()
    session = MatchmakingSession(
        event_id=event.id,
        starts_at=datetime(2025, 7, 25, 6, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 9, tzinfo=UTC),
    )
    asked = MeetingRequest(  # the Chinese college is new: no request between them yet
        event_id=event.id, from_profile_id=thai.id, to_profile_id=china.id, topics="rail"
    )
    db.session.add_all([session, asked])
    db.session.flush()
    meeting = Meeting(
        event_id=event.id,
        session_id=session.id,
        first_profile_id=thai.id,
        second_profile_id=china.id,
        starts_at=session.starts_at,
        ends_at=session.starts_at + timedelta(minutes=30),
        table=1,
        topics="rail",
    )
    db.session.add(meeting)
    db.session.flush()
    return {"profile_id": thai, "match_request_id": asked, "meeting_id": meeting}


def _url(rule, world: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name == "batch_id":
            values[name] = world["batch_id"][rule.endpoint.split(".")[0]]
        elif name == "key":
            values[name] = (
                world["feed"] if rule.endpoint.startswith("scheduling.") else world["key"]
            )
        elif name == "activity_id" and rule.endpoint in ENROLLING:
            values[name] = world["open_activity_id"]
        elif name == "filename":
            values[name] = "css/eventhub.css"
        elif name == "fmt":
            values[name] = "csv"
        elif name == "kind":
            values[name] = "participants"
        elif name == "code":
            values[name] = "en"
        elif name == "token":
            values[name] = "not-a-real-reset-link"
        else:
            values[name] = world[name]
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    return path


def _log_in(client, role: str) -> None:
    if role == "anonymous":
        return
    email, password = LOGINS.get(role, (None, PASSWORD))
    if email is None:
        email = {
            "visa_officer": "visa.officer@caecw.example",
            "organiser_of_another_event": "organiser@other.example",
        }[role]
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, (role, response.get_data(as_text=True)[:300])


def _refused(role: str, response) -> bool:
    if role == "anonymous" and response.status_code == 302:
        return response.headers["Location"].startswith("/auth/login")
    return response.status_code in (401, 403, 404)


ENROLLING = ("scheduling.enrol", "scheduling.cancel", "api.enrolment")

# Writes that take away what the others work on go last, in this order.
LAST = (
    "scheduling.cancel",  # after enrol
    "registration.withdraw_member",
    "registration.restore_member",
    "registration.participant_delegation",  # takes the member out of the delegation
    "registration.delegation_head",
    "registration.bulk_action",
    "registration.anonymise",
    "registration.erase_person",  # one person erased: their link, photo, badge gone
    "registration.reject_organisation",  # after accept and merge
    "badges.reprint",
    "certificates.revoke",
    "events.revoke_token",
    "events.remove_member",
    "interpretation.interpreter_delete",
    "matchmaking.request_withdraw",  # after asking back
    # A proposal replaces the proposed meetings, and removing a session takes its meetings:
    # both after the meeting's own writes.
    "matchmaking.propose",
    "matchmaking.session_remove",
    "auth.logout",
)


# The hotel room's own writes go first: removing its guest leaves no room for the others.
FIRST = ("accommodation.room", "accommodation.room_remove")


def _requests(app, world: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route: reads first, then writes, logging out last."""
    reads, writes = [], []
    for rule in app.url_map.iter_rules():
        url = _url(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}, key="GET PUT POST DELETE".find):
            (reads if method == "GET" else writes).append((rule.endpoint, method, url))
    writes.sort(
        key=lambda item: (
            LAST.index(item[0]) if item[0] in LAST else (-2 if item[0] in FIRST else -1)
        )
    )
    return reads + writes


@pytest.mark.parametrize("role", ROLES)
def test_every_route_lets_in_exactly_who_it_should(app, client, make, role):
    world = _world(app, make)
    unlisted = {rule.endpoint for rule in app.url_map.iter_rules()} - set(ALLOWED)
    assert not unlisted, f"say who may use: {sorted(unlisted)}"
    _log_in(client, role)
    page = client.get(f"/events/{world['slug']}/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    headers = {"X-CSRFToken": found.group(1)} if found else {}
    wrong = []
    for endpoint, method, url in _requests(app, world):
        data = world["form"] if method == "POST" else None
        response = client.open(url, method=method, headers=headers, data=data)
        allowed = role in ALLOWED.get(f"{endpoint} {method}", ALLOWED[endpoint])
        if response.status_code >= 500 or allowed == _refused(role, response):
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


@pytest.mark.parametrize("role", ["delegate", "organiser_of_another_event", "organiser"])
def test_a_link_or_id_of_another_person_or_event_opens_nothing(app, client, make, role):
    """Object-level checks: a wrong secret link is no page for anyone, and another event's
    address does not reach this event's people, delegations or documents."""
    world = _world(app, make)
    _log_in(client, role)
    slug, other = world["slug"], world["other_slug"]
    guessed = uuid.uuid4().hex
    for path in (
        f"/events/{slug}/me/{guessed}",
        f"/events/{slug}/me/{guessed}/badge.pdf",
        f"/events/{slug}/me/{guessed}/data.json",
        f"/events/{slug}/me/{world['key']}/certificates/AAAABBBBCCCCDDDDEEEE.pdf",
        f"/events/{slug}/agenda/{guessed}.ics",
        f"/events/{other}/me/{world['key']}",  # the right link at another event
        f"/events/{other}/agenda/{world['feed']}.ics",
    ):
        assert client.get(path).status_code == 404, path
    if role == "delegate":
        return
    # Every route that names a record by its id, at the other event's address with this
    # event's ids: for the other event's organiser, nothing is found (a 404, never this
    # event's record); this event's organiser is not let into the other event at all.
    page = client.get(f"/events/{other}/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    headers = {"X-CSRFToken": found.group(1)} if found else {}
    routes = _record_routes(app, world, other)
    assert {"scheduling.room_calendar", "checkin.undo", "api.enrolment"} <= {
        endpoint for endpoint, _method, _url in routes
    }
    wrong = []
    for endpoint, method, url in routes:
        if ALLOWED[endpoint] is NOBODY and endpoint.startswith("api."):
            continue  # no session opens them (401); tokens of another event: tests/api
        data = world["form"] if method == "POST" else None
        response = client.open(url, method=method, headers=headers, data=data)
        expected = (403, 404) if role == "organiser" else (404,)
        if response.status_code not in expected:
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_an_id_of_another_event_in_a_form_finds_nothing(app, client, make, login, event):
    """The ids a form, a JSON body or a query string names are looked up in the page's event
    too: an organiser of one week sending another week's participant, party, venue, room or
    scheduler run to their own week's pages finds nothing, and nothing changes there."""
    from datetime import UTC, datetime

    mine = make.event()
    login(make.user(roles={mine: "organiser"}).email)
    theirs = {
        "participant": make.participant(event),
        "party": make.agreement(event).parties[0],
        "venue": make.venue(event),
    }
    theirs["room"] = make.room(theirs["venue"])
    venue = make.venue(mine)
    activity = make.activity(
        mine,
        room_id=make.room(venue).id,
        starts_at=datetime(2025, 7, 25, 1, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, tzinfo=UTC),
    )
    agreement = make.agreement(mine)
    base = f"/events/{mine.slug}"
    for url, kwargs, message in [
        (
            f"{base}/schedule/activities/{activity.id}/invite",
            {"data": {"participant_id": theirs["participant"].id}},
            "There is no such participant in this event.",
        ),
        (
            f"{base}/agreements/{agreement.id}/witnesses",
            {"data": {"participant_id": theirs["participant"].id}},
            "There is no such participant in this event.",
        ),
        (
            f"{base}/agreements/{agreement.id}/signatory",
            {"data": {"party_id": theirs["party"].id}},
            "There is no such party in this agreement.",
        ),
        (
            f"{base}/schedule/venues",
            {
                "data": {
                    "room-venue_id": theirs["venue"].id,
                    "room-name_en": "Annexe",
                    "room-capacity": "20",
                    "room-layout": "theatre",
                    "room-submit": "Add room",
                }
            },
            "There is no such venue in this event.",
        ),
        (
            f"{base}/schedule/activities/{activity.id}/move",
            {
                "json": {
                    "day": "2025-07-25",
                    "start": "10:00",
                    "room_id": theirs["room"].id,
                    "version": 1,
                }
            },
            "There is no such room in this event.",
        ),
    ]:
        response = client.post(url, **kwargs)
        assert response.status_code == 404, (url, response.status_code)
        assert message in response.get_data(as_text=True), url
    # A scheduler run is named in the query string.
    with app.app_context():
        from eventhub.scheduling.models import SolverRun

        run = SolverRun(event_id=event.id)
        db.session.add(run)
        db.session.commit()
    response = client.get(f"{base}/schedule/auto?run={run.id}")
    assert response.status_code == 404
    assert "There is no such scheduler run." in response.get_data(as_text=True)
    # Nothing of the other week was touched, nor anything added here.
    page = client.get(f"{base}/schedule/venues").get_data(as_text=True)
    assert "Annexe" not in page
    people = client.get(f"{base}/schedule/activities/{activity.id}").get_data(as_text=True)
    assert "KEOMANY" not in people


def test_services_given_ids_find_only_their_events_records(app, make, event):
    """Below the forms (whose lists offer only the event's own), the services that take ids
    look them up in the event they are given."""
    from eventhub.checkin import checkpoint_setup
    from eventhub.errors import DomainError
    from eventhub.registration import merging
    from eventhub.scheduling.timetable import ActivityInvalid, save_activity

    first, second = make.participant(event), make.participant(event)
    activity = make.activity(event)
    room = make.room(make.venue(event))
    mine = make.event()
    with app.app_context():
        here = db.session.merge(mine)
        with pytest.raises(DomainError, match="not a pair in this event"):
            merging.merge(here, first.id, second.id, {}, actor=None)
        with pytest.raises(DomainError, match="Choose an activity of this event"):
            checkpoint_setup.save_checkpoint(
                here, None, {"name_en": "Door", "activity_id": str(activity.id)}, [], actor=None
            )
        with pytest.raises(ActivityInvalid) as refused:
            save_activity(here, {"title_en": "Forum", "room_id": room.id}, actor=None)
        assert refused.value.errors == {"room_id": ["There is no such room in this event."]}


def _record_routes(app, world: dict, slug: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route at an event's address that names a record by
    its id, filled in with `world`'s ids at the event `slug`."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "slug" in rule.arguments and any(name.endswith("_id") for name in rule.arguments):
            url = _url(rule, {**world, "slug": slug})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    return routes


def test_every_state_change_needs_the_pages_csrf_token(app, client, make, csrf):
    """Every route that changes something, posted from another site (no CSRF token) by a
    logged-in organiser, is refused with an explanation and changes nothing. Only the
    bearer-token API takes no token (no cookie opens it, as the matrix shows)."""
    world = _world(app, make)
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    email, password = LOGINS["organiser"]
    client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})

    def rows() -> dict[str, int]:
        with app.app_context():
            return {
                table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables
            }

    before = rows()
    unguarded = []
    for endpoint, method, url in _requests(app, world):
        if method == "GET" or ALLOWED[endpoint] is NOBODY and endpoint.startswith("api."):
            continue
        response = client.open(url, method=method, data=world["form"])
        text = response.get_data(as_text=True)
        if response.status_code != 400 or not re.search("security token|CSRF token", text):
            unguarded.append(f"{method} {url}: {response.status_code}")
    assert not unguarded
    assert rows() == before
    assert client.get(f"/events/{world['slug']}/audit").status_code == 200  # still logged in
