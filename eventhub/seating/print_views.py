"""A plan's printing: the reprint page (which cards are current, which must be issued), place
cards (all, or only the changed ones, then marked printed), table cards, the entrance plan.
Organisers only. 600 place cards draw in about a second: printed inline, no job."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.extensions import db
from eventhub.i18n import localized, zoned_datetime
from eventhub.seating import bp, cards, cards_pdf, plan_pdf
from eventhub.seating.models import SeatingPlan, WithdrawnCard
from eventhub.web import as_id, commit, in_event_or_404, pdf_response

NO_PLAN = _l("There is no such seating plan in this event.")


def _plan(event, plan_id: int) -> SeatingPlan:
    return in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)


def _both(english: str, chinese: str) -> str:
    return f"{english} {chinese}" if chinese and chinese != english else english


def _title(plan: SeatingPlan) -> str:
    return _both(plan.activity.title_en, plan.activity.title_zh or "")


def _table_label(card: cards.PlaceCard) -> str:
    # Both languages on the card whoever prints it: the staff laying tables read either.
    return f"Table {card.table} · seat {card.seat} · {card.table}号桌 {card.seat}号座"


@bp.get("/seating/<int:plan_id>/cards", endpoint="cards")
@event_view(Role.ORGANISER)
def cards_page(event, plan_id: int):
    plan = _plan(event, plan_id)
    places = cards.places_of(plan)
    with_cards = cards.with_cards(places)
    to_issue = cards.to_issue(places)
    return render_template(
        "seating/print_cards.html",
        event=event,
        plan=plan,
        title=_title(plan),
        total=len(with_cards),
        current=len(with_cards) - len(to_issue),
        to_issue=to_issue,
        moved=[(place, cards.why(place)) for place in to_issue if place.card_printed_at],
        new=[place for place in to_issue if not place.card_printed_at],
        behind=len(places) - len(with_cards),
        withdrawn=cards.to_collect(plan),
        chinese=cards.chinese_name,
        when=lambda moment: zoned_datetime(moment, event.timezone) if moment else "",
    )


def _print(event, plan: SeatingPlan, chosen, filename: str):
    body = cards_pdf.place_cards(
        [cards.place_card(place) for place in chosen],
        title=_("%(title)s — place cards", title=localized(plan.activity, "title")),
        table_label=_table_label,
    )
    cards.mark_printed(plan, chosen, actor=current_user._get_current_object())
    commit()
    return pdf_response(body, filename)


@bp.post("/seating/<int:plan_id>/cards/all.pdf")
@event_view(Role.ORGANISER)
def print_all_cards(event, plan_id: int):
    plan = _plan(event, plan_id)
    chosen = cards.with_cards(cards.places_of(plan))
    if not chosen:
        flash(_("Nobody is seated in this plan yet: there is no card to print."), "info")
        return redirect(url_for("seating.cards", slug=event.slug, plan_id=plan.id))
    return _print(event, plan, chosen, f"place-cards-{plan.id}.pdf")


@bp.post("/seating/<int:plan_id>/cards/changed.pdf")
@event_view(Role.ORGANISER)
def print_changed_cards(event, plan_id: int):
    plan = _plan(event, plan_id)
    chosen = cards.to_issue(cards.places_of(plan))
    if not chosen:
        flash(_("Every place card is current: none has changed since it was printed."), "info")
        return redirect(url_for("seating.cards", slug=event.slug, plan_id=plan.id))
    return _print(event, plan, chosen, f"place-cards-{plan.id}-changed.pdf")


@bp.get("/seating/<int:plan_id>/cards/tables.pdf")
@event_view(Role.ORGANISER)
def table_cards(event, plan_id: int):
    plan = _plan(event, plan_id)
    if not plan.tables:
        flash(_("This plan has no tables yet: there is no table card to print."), "info")
        return redirect(url_for("seating.cards", slug=event.slug, plan_id=plan.id))
    body = cards_pdf.table_cards(
        cards.table_cards(plan),
        title=_("%(title)s — table cards", title=localized(plan.activity, "title")),
        caption=_title(plan),
    )
    return pdf_response(body, f"table-cards-{plan.id}.pdf")


@bp.get("/seating/<int:plan_id>/cards/entrance.pdf")
@event_view(Role.ORGANISER)
def entrance_plan(event, plan_id: int):
    plan = _plan(event, plan_id)
    body = plan_pdf.entrance_plan(
        cards.layout(plan),
        cards.guest_lines(cards.places_of(plan)),
        heading=f"{_title(plan)} — Table plan 席位图",
        version_line=f"Version {plan.version} 第{plan.version}版",
        stage="Stage · head table 主台",
        list_heading="Guests A–Z · your table 来宾名单 · 桌号",
        title=_("%(title)s — table plan", title=localized(plan.activity, "title")),
    )
    return pdf_response(body, f"table-plan-{plan.id}-v{plan.version}.pdf")


@bp.post("/seating/<int:plan_id>/cards/collected")
@event_view(Role.ORGANISER)
def card_collected(event, plan_id: int):
    """A withdrawn card taken off its table: it leaves the list."""
    plan = _plan(event, plan_id)
    card = db.session.scalar(
        sa.select(WithdrawnCard).where(
            WithdrawnCard.id == as_id(request.form.get("card_id")),
            WithdrawnCard.plan_id == plan.id,
        )
    )
    back = redirect(url_for("seating.cards", slug=event.slug, plan_id=plan.id))
    if card is None:
        flash(_("There is no such card to collect in this plan."), "warning")
        return back
    if card.collected_at is None:
        cards.collect(plan, card, actor=current_user._get_current_object())
        commit()
    flash(
        _(
            "The card of table %(table)s, seat %(seat)s is collected.",
            table=card.table_number,
            seat=card.seat,
        ),
        "success",
    )
    return back
