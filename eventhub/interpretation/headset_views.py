"""Headsets: the organisers' inventory, the desk (phones and hardware scanners; JSON for its
script, the same form without it) and the end of day's "not returned" list."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError, abort_with, wants_json
from eventhub.extensions import db
from eventhub.i18n import localized_pair
from eventhub.interpretation import bp, headsets
from eventhub.interpretation.models import Headset, HeadsetState
from eventhub.registration.exports import Sheet, to_csv, to_xlsx
from eventhub.scheduling.models import Activity
from eventhub.web import (
    attempt,
    commit,
    content_disposition,
    id_arg,
    in_event,
    in_event_or_404,
    record_download,
)

DESK = (Role.ORGANISER, Role.STAFF)


@bp.route("/interpretation/headsets", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def headset_inventory(event):
    """The inventory, and the form adding a range ("H001" to "H250") or a count."""
    form = {k: request.form.get(k, "").strip()[:20] for k in ("first", "last", "prefix", "count")}
    if request.method == "POST":
        ok, added = attempt(lambda: _add(event, form))
        if ok:
            new, there = added
            flash(
                _("%(new)d headsets added, %(there)d already there.", new=new, there=there)
                if there
                else _("%(new)d headsets added.", new=new),
                "success",
            )
            return redirect(url_for("interpretation.headset_inventory", slug=event.slug))
    rows = headsets.inventory(event)
    return render_template(
        "interpretation/headsets.html",
        event=event,
        form=form,
        rows=rows,
        out=sum(1 for _h, loan in rows if loan),
        labels=headsets.STATE_LABELS,
        states=list(HeadsetState),
    ), (400 if request.method == "POST" else 200)


def _add(event, form: dict) -> tuple[int, int]:
    if form["first"] or form["last"]:
        numbers = headsets.numbers_between(form["first"], form["last"] or form["first"])
    else:
        count = form["count"]
        if not (count.isascii() and count.isdigit()):
            raise DomainError(_("Give the first and last number, or a prefix and a count."))
        numbers = headsets.numbers_counted(form["prefix"], int(count))
    return headsets.add_headsets(event, numbers, actor=current_user)


@bp.post("/interpretation/headsets/state")
@event_view(Role.ORGANISER)
def headset_state(event):
    if id_arg(request.form, "headset_id") is None:
        abort_with(400, _("Choose a headset."))
    headset = in_event_or_404(
        Headset, id_arg(request.form, "headset_id"), event, _("There is no such headset.")
    )
    try:
        state = HeadsetState(request.form.get("state", ""))
    except ValueError:
        abort_with(400, _("Choose available, lost or broken."))
    ok, loan = attempt(lambda: headsets.set_state(headset, state, actor=current_user))
    if ok:
        flash(
            _(
                "%(number)s marked %(state)s.",
                number=headset.number,
                state=headsets.STATE_LABELS[state],
            ),
            "success",
        )
    return redirect(
        url_for("interpretation.headset_inventory", slug=event.slug) + f"#headset-{headset.id}"
    )


@bp.get("/interpretation/headsets/history")
@event_view(Role.ORGANISER)
def headset_history(event):
    headset = in_event(Headset, id_arg(request.args, "headset"), event)
    if headset is None:
        return redirect(url_for("interpretation.headset_inventory", slug=event.slug))
    return render_template(
        "interpretation/headset_history.html",
        event=event,
        headset=headset,
        loans=headsets.history(headset),
        out=headsets.open_loan(headset),
        labels=headsets.STATE_LABELS,
    )


def _today(event) -> tuple[datetime, datetime]:
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(utcnow().astimezone(zone).date(), time(), zone)
    return start, start + timedelta(days=1)


def _desk_choices(event) -> dict:
    """The desk's room (from the query or form), the day's activities, and the one under way
    in that room now (the default for the loan)."""
    room_id = id_arg(request.values, "room")
    rooms = headsets.rooms_of(event)
    room = next((r for r in rooms if r.id == room_id), None)
    running = headsets.running_in(event, room.id if room else None, utcnow())
    return {
        "rooms": rooms,
        "room": room,
        "activities": headsets.activities_of_day(event, *_today(event)),
        "running": running,
    }


@bp.get("/interpretation/headsets/desk")
@event_view(*DESK)
def headset_desk(event):
    return _desk_page(event, None, {})


def _desk_page(event, verdict, typed: dict, status: int = 200):
    choices = _desk_choices(event)
    return render_template(
        "interpretation/headset_desk.html",
        event=event,
        verdict=verdict and _verdict_json(verdict),
        typed=typed,
        out_count=headsets.out_count(event),
        **choices,
    ), status


def _verdict_json(verdict: headsets.Verdict) -> dict:
    holder = verdict.holder
    delegation = ""
    if holder is not None:
        group = getattr(holder, "delegation", None)
        delegation = (
            localized_pair(group.name_en, group.name_zh or "")
            if hasattr(group, "name_en")
            else localized_pair(group or "", getattr(holder, "delegation_zh", ""))
        )
    titles = {
        "guest": _("Guest: scan a headset"),
        "issued": _("Issued %(number)s", number=verdict.headset),
        "returned": _("Returned %(number)s", number=verdict.headset),
        "swapped": _("Swapped: now holds %(number)s", number=verdict.headset),
        "holds": _("Already holds %(numbers)s", numbers=", ".join(verdict.held)),
        "refused": _("Badge refused"),
        "unknown": _("Unknown headset %(number)s", number=verdict.code),
        "lost": _("Not to lend: %(number)s", number=verdict.code),
        "none": _("Nothing done"),
    }
    return {
        "result": verdict.result,
        "ok": verdict.ok,
        "code": verdict.code,
        "title": titles[verdict.result],
        "reason": verdict.reason,
        "latin_name": holder.latin_name if holder else "",
        "native_name": holder.native_name if holder else "",
        "delegation": delegation,
        "headset": verdict.headset,
        "held": verdict.held,
        "guest_code": verdict.guest_code,
    }


@bp.post("/interpretation/headsets/desk")
@event_view(*DESK)
def headset_scan(event):
    """One scan: JSON for the desk's script, the desk page again for the plain form."""
    form = request.form
    typed = {k: form.get(k, "")[:60] for k in ("code", "guest", "activity", "channel", "room")}
    activity_id = id_arg(form, "activity")
    if form.get("activity") and in_event(Activity, activity_id, event) is None:
        abort_with(404, _("There is no such activity in this event."))
    try:
        verdict = headsets.scan(
            event,
            form.get("code", "")[:60],
            guest_code=form.get("guest", "")[:60],
            activity_id=activity_id,
            channel=form.get("channel", ""),
            swap=form.get("swap") == "1",
            actor=current_user,
        )
        commit()
    except IntegrityError:  # another desk lent the same headset a moment before
        db.session.rollback()
        code = headsets.clean_number(form.get("code"))
        verdict = headsets.Verdict(
            "none", code, reason=_("Another desk has just lent this headset: scan it again.")
        )
    status = 200 if verdict.ok or verdict.result == "holds" else 422
    if wants_json():
        return jsonify({**_verdict_json(verdict), "out_count": headsets.out_count(event)}), status
    typed["guest"] = verdict.guest_code
    typed["code"] = ""
    return _desk_page(event, verdict, typed, status)


@bp.get("/interpretation/headsets/not-returned")
@event_view(*DESK)
def headsets_not_returned(event):
    """Who holds what. Phone numbers only for organisers (the export is theirs too): the
    desk's staff find a guest through their delegation."""
    return render_template(
        "interpretation/headsets_not_returned.html",
        event=event,
        loans=headsets.open_loans(event),
        show_phone=Role.ORGANISER in g.event_roles,
    )


@bp.get("/interpretation/headsets/not-returned.<fmt>")
@event_view(Role.ORGANISER)
def headsets_not_returned_export(event, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort_with(404, _("There is no such list."))
    zone = ZoneInfo(event.timezone)
    sheet = Sheet(
        _("Not returned"),
        [
            _("Headset"),
            _("Name"),
            _("Name in own script"),
            _("Delegation"),
            _("Phone"),
            _("Out since"),
        ],
        [
            [
                loan.headset.number,
                loan.participant.latin_name,
                loan.participant.native_name,
                loan.participant.delegation.name_en if loan.participant.delegation else "",
                loan.participant.phone,
                loan.issued_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            ]
            for loan in headsets.open_loans(event)
        ],
    )
    filename = f"headsets-not-returned-{event.slug}.{fmt}"
    record_download(event, filename)
    if fmt == "csv":
        body, mimetype = to_csv(sheet), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    return response
