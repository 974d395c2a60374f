"""The organisers' pages for places: the event's capacity and quotas, and the waiting list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.extensions import db
from eventhub.registration import bp, labels, quotas
from eventhub.registration.access import ORGANISERS
from eventhub.registration.forms import PlacesForm
from eventhub.registration.lists import country_codes_in_event
from eventhub.registration.models import Category, Delegation, LimitKind, RegistrationLimit
from eventhub.web import commit


@dataclass
class PlacesRow:
    """One limit on the settings page: its field, name, places taken and waiting."""

    field: str
    key: quotas.Key
    name: str
    usage: quotas.Usage


def _field(key: quotas.Key) -> str:
    return f"places-{key[0].value}-{key[1]}" if key[1] else f"places-{key[0].value}"


def _keys(event) -> list[quotas.Key]:
    """Every limit an organiser may set: the event, each delegation, each country someone
    registered from (or that has a quota), each category."""
    stored = set(quotas.limits_of(event.id))
    delegations = db.session.scalars(
        sa.select(Delegation.id).where(Delegation.event_id == event.id)
    ).all()
    countries = set(country_codes_in_event(event)) | {
        v for k, v in stored if k == LimitKind.COUNTRY
    }
    return [
        (LimitKind.EVENT, ""),
        *((LimitKind.DELEGATION, str(d)) for d in delegations),
        *((LimitKind.COUNTRY, c) for c in sorted(countries)),
        *((LimitKind.CATEGORY, c.value) for c in Category),
    ]


def _rows(event) -> dict[LimitKind, list[PlacesRow]]:
    keys = _keys(event)
    names = quotas.limit_names(keys)
    usage = quotas.usage(event, keys)
    rows: dict[LimitKind, list[PlacesRow]] = {kind: [] for kind in LimitKind}
    for key in keys:
        rows[key[0]].append(PlacesRow(_field(key), key, names[key], usage[key]))
    rows[LimitKind.DELEGATION].sort(key=lambda r: r.name.casefold())
    return rows


@bp.route("/registration/places", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def places(event):
    """Capacity and quotas: a number of places each, empty for no limit."""
    form = PlacesForm()
    rows = _rows(event)
    fields = {row.field: row.key for kind_rows in rows.values() for row in kind_rows}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        wanted, typed, errors = PlacesForm.places_from(request.form, list(fields))
        if not errors:
            promoted = quotas.save_limits(
                event, {fields[name]: value for name, value in wanted.items()}, actor=current_user
            )
            commit()
            flash(_("Places and quotas saved."), "success")
            if promoted:
                flash(
                    ngettext(
                        "%(num)d person moved up from the waiting list and was told by email.",
                        "%(num)d people moved up from the waiting list and were told by email.",
                        len(promoted),
                    ),
                    "info",
                )
            return redirect(url_for("registration.places", slug=event.slug))
    else:
        limits = quotas.limits_of(event.id)
        typed = {name: str(limits.get(key, "")) for name, key in fields.items()}
    return render_template(
        "registration/places.html",
        event=event,
        form=form,
        rows=rows,
        typed=typed,
        errors=errors,
        kinds=LimitKind,
        waiting=len(quotas.waiting_list(event.id)),
    )


@bp.get("/waiting-list")
@event_view(*ORGANISERS)
def waiting_list(event):
    """Who waits for a place, in the order they move up, and what is full for them."""
    waiting = quotas.waiting_list(event.id)
    limits = quotas.limits_of(event.id)
    taken = quotas.places_taken(event.id)
    full_for = {
        participant.id: [
            k for k in quotas.keys_of(participant) if k in limits and taken[k] >= limits[k]
        ]
        for _place, participant in waiting
    }
    names = quotas.limit_names({key for keys in full_for.values() for key in keys})
    return render_template(
        "registration/waiting_list.html",
        event=event,
        waiting=waiting,
        full_for=full_for,
        names=names,
        by_hand=quotas.waiting_by_hand(event.id),
        status_labels=labels.STATUS_LABELS,
        category_labels=labels.CATEGORY_LABELS,
        has_limits=db.session.scalar(
            sa.select(sa.func.count()).where(RegistrationLimit.event_id == event.id)
        ),
    )
