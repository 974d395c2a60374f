"""The organisers' page for a guest's rooming preference (the participant page's panel
posts here; a refused entry is shown here with what was typed)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from eventhub.accommodation import bp, preferences
from eventhub.accommodation.forms import CLASS_LABELS
from eventhub.accommodation.models import RoomClass
from eventhub.accommodation.panels import preference_form
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.registration.access import participant_or_404
from eventhub.registration.delegations import delegation_members, may_manage_delegation
from eventhub.registration.models import Delegation
from eventhub.web import as_id, attempt, in_event_or_404


@bp.route("/participants/<int:participant_id>/rooming", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def rooming_preference(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    if participant.erased_at is not None:
        abort_with(409, _("This person's data has been erased: it can no longer be edited."))
    form = preference_form(participant)
    if form.validate_on_submit():
        wish = preferences.Wish(
            share_with_id=as_id(form.share_with.data),
            accessible=bool(form.accessible.data),
            hotel_id=as_id(form.hotel.data),
            room_class=RoomClass(form.room_class.data) if form.room_class.data else None,
            note=form.note.data or "",
        )
        ok, changed = attempt(
            lambda: preferences.save_preference(participant, wish, actor=current_user), form
        )
        if ok:
            flash(
                _("Rooming preference saved.") if changed else _("Nothing was changed."),
                "success",
            )
            return redirect(
                url_for(
                    "registration.participant_detail",
                    slug=event.slug,
                    participant_id=participant.id,
                )
            )
    return render_template(
        "accommodation/preference.html",
        event=event,
        participant=participant,
        room=preferences.room_of(participant),
        preference=preferences.preference_of(participant),
        wished_by=preferences.wished_by(participant),
        form=form,
        class_labels=CLASS_LABELS,
    )


@bp.post("/delegations/<int:delegation_id>/rooming")
@event_view(Role.ORGANISER, Role.HEAD_OF_DELEGATION)
def delegation_shares(event, delegation_id: int):
    """Room-mates inside a delegation, from its page's panel (the head or the organisers)."""
    delegation = in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )
    if not may_manage_delegation(current_user, g.event_roles, delegation):
        abort_with(403, _("Only the head of this delegation and the organisers may do this."))
    if not FlaskForm().validate_on_submit():
        abort_with(400, _("The form has expired; reload the page and try again."))
    members = delegation_members(delegation)
    wanted = {
        m.id: as_id(request.form.get(f"share-{m.id}"))
        for m in members
        if f"share-{m.id}" in request.form
    }
    ok, changed = attempt(lambda: preferences.set_shares(members, wanted, actor=current_user))
    if ok:
        flash(
            _("Room-mates saved.") if changed else _("Nothing was changed."),
            "success",
        )
    return redirect(
        url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
    )
