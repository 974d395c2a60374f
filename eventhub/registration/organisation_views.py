"""The organisers' review of new organisations: accept (renamed if need be), merge, reject."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.directory import review
from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.registration import bp, organisations
from eventhub.web import attempt, commit, id_arg, paginate

PER_PAGE = 25


def _named_or_404(event, organisation_id: int) -> Organisation:
    """One the event names; whether it still waits is the review's rule (a second organiser
    deciding the same one is told it is done, not shown an error page)."""
    found = organisations.named_in_or_none(event, organisation_id)
    if found is None:
        abort_with(404, _("No organisation of this event has this number."))
    return found


def _back(event):
    return redirect(url_for("registration.new_organisations", slug=event.slug))


@bp.get("/organisations/new")
@event_view(Role.ORGANISER)
def new_organisations(event):
    return _review_page(event)


def _review_page(event, typed: dict | None = None, status: int = 200):
    """The review list; `typed`: a refused rename ({id, name_en, name_zh, error}), shown
    again in its boxes with the reason beside them."""
    page = paginate(organisations.pending_query(event), per_page=PER_PAGE)
    items = list(page.items)
    return render_template(
        "registration/new_organisations.html",
        event=event,
        page=page,
        items=items,
        people=organisations.people_naming(event, [o.id for o in items]),
        references={o.id: review.reference_count(o) for o in items},
        targets=organisations.merge_targets({o.country_code for o in items}),
        typed=typed or {},
    ), status


@bp.post("/organisations/<int:organisation_id>/accept")
@event_view(Role.ORGANISER)
def accept_organisation(event, organisation_id: int):
    organisation = _named_or_404(event, organisation_id)
    name_en = request.form.get("name_en", organisation.name_en)
    name_zh = request.form.get("name_zh", organisation.name_zh)
    try:
        accepted = review.accept(
            organisation, name_en, name_zh, actor=current_user, event_id=event.id
        )
    except DomainError as refused:
        db.session.rollback()
        if getattr(refused, "field", None) is None:  # e.g. decided meanwhile: no box to mark
            flash(str(refused), "danger")
            return _back(event)
        typed = {"id": organisation_id, "name_en": name_en, "name_zh": name_zh}
        return _review_page(event, typed | {"error": str(refused)}, 422)
    commit()
    flash(_("%(name)s accepted.", name=accepted.name_en), "success")
    return _back(event)


@bp.post("/organisations/<int:organisation_id>/merge")
@event_view(Role.ORGANISER)
def merge_organisation(event, organisation_id: int):
    organisation = _named_or_404(event, organisation_id)
    into = db.session.get(Organisation, id_arg(request.form, "into") or 0)
    if into is None or into.status != OrganisationStatus.ACCEPTED:
        flash(_("Choose an accepted organisation to merge into."), "danger")
        return _back(event)
    name, target = organisation.name_en, into.name_en
    ok, _moved = attempt(
        lambda: review.merge(organisation, into, actor=current_user, event_id=event.id)
    )
    if ok:
        flash(_("%(name)s merged into %(target)s.", name=name, target=target), "success")
    return _back(event)


@bp.post("/organisations/<int:organisation_id>/reject")
@event_view(Role.ORGANISER)
def reject_organisation(event, organisation_id: int):
    organisation = _named_or_404(event, organisation_id)
    name = organisation.name_en
    ok, _detached = attempt(
        lambda: review.reject(organisation, actor=current_user, event_id=event.id)
    )
    if ok:
        flash(_("%(name)s rejected.", name=name), "success")
    return _back(event)
