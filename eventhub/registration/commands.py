"""`flask delegations ...`: the organisers' delegation pages on the command line (the rules
are in delegation_admin; each command commits once, or says why it was refused)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from eventhub.errors import DomainError
from eventhub.events import services as event_services
from eventhub.extensions import db
from eventhub.registration import delegation_admin
from eventhub.registration.models import Participant


def event_or_fail(slug: str):
    event = event_services.get_event_by_slug(slug)
    if event is None:
        raise click.ClickException(f"No event with slug {slug!r}.")
    return event


def delegation_or_fail(event, ref: str):
    found = delegation_admin.find(event, ref)
    if found is None:
        raise click.ClickException(f"No delegation {ref!r} in {event.slug}.")
    return found


@click.group("delegations")
def delegations():
    """Delegations of an event: list, create, edit, head, protocol order, move people."""


def _attempt(action):
    """Run a service call, commit; a refusal is the command's error, with the reasons."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        reasons = getattr(error, "errors", {})
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in reasons.items())
        raise click.ClickException(f"{error} {detail}".strip()) from error
    db.session.commit()
    return result


@delegations.command("list")
@with_appcontext
@click.argument("slug")
def delegations_list(slug):
    """The delegations of event SLUG in protocol order."""
    event = event_or_fail(slug)
    counts = delegation_admin.member_counts(event)
    for d in delegation_admin.in_order(event):
        head = d.head.latin_name if d.head else "-"
        click.echo(
            f"{d.protocol_order}\t#{d.id}\t{d.name_en}\t{d.country_code}\t"
            f"{counts.get(d.id, 0)} members\thead: {head}"
        )


@delegations.command("create")
@with_appcontext
@click.argument("slug")
@click.argument("name_en")
@click.option("--country", required=True, help="ISO code, e.g. LA.")
@click.option("--name-zh", default="", help="Name in Chinese.")
@click.option("--organisation", default="", help="For an organisation's delegation.")
def delegations_create(slug, name_en, country, name_zh, organisation):
    """Create delegation NAME_EN in event SLUG (last in the protocol order)."""
    event = event_or_fail(slug)
    raw = {"name_en": name_en, "name_zh": name_zh, "country": country, "organisation": organisation}
    created = _attempt(lambda: delegation_admin.create(event, raw, actor=None))
    click.echo(f"Delegation #{created.id} {created.name_en} created.")


@delegations.command("edit")
@with_appcontext
@click.argument("slug")
@click.argument("delegation")
@click.option("--name", "name_en", help="New name in English.")
@click.option("--name-zh", help="New name in Chinese.")
@click.option("--country", help="ISO code.")
@click.option("--organisation", help="Organisation ('' for none).")
def delegations_edit(slug, delegation, name_en, name_zh, country, organisation):
    """Change DELEGATION (its number or English name); what is not given is kept."""
    event = event_or_fail(slug)
    found = delegation_or_fail(event, delegation)
    raw = {
        "name_en": found.name_en if name_en is None else name_en,
        "name_zh": found.name_zh if name_zh is None else name_zh,
        "country": country or found.country_code,
        "organisation": (found.organisation.name_en if found.organisation else "")
        if organisation is None
        else organisation,
    }
    changes = _attempt(lambda: delegation_admin.update(found, raw, actor=None))
    click.echo(f"{found.name_en}: {', '.join(changes) or 'nothing changed'}.")


@delegations.command("set-head")
@with_appcontext
@click.argument("slug")
@click.argument("delegation")
@click.argument("participant_id", type=int, required=False)
def delegations_set_head(slug, delegation, participant_id):
    """Make member PARTICIPANT_ID the head of DELEGATION (none given: no head)."""
    event = event_or_fail(slug)
    found = delegation_or_fail(event, delegation)
    head = None
    if participant_id is not None:
        head = db.session.get(Participant, participant_id)
        if head is None or head.event_id != event.id:
            raise click.ClickException(f"No participant {participant_id} in {slug}.")
    # The operator at the server's command line vouches for the address: an existing
    # account with it is linked at once, without its owner's confirmation by mail.
    done = _attempt(
        lambda: delegation_admin.set_head(found, head, actor=None, confirm_existing=False)
    )
    invited = done.invited
    click.echo(f"{found.name_en}: head {head.latin_name if head else 'none'}.")
    if invited is not None:
        click.echo(f"Account {invited.email} made; send it a password reset to log in.")


@delegations.command("order")
@with_appcontext
@click.argument("slug")
@click.argument("delegation")
@click.argument("position", type=click.IntRange(min=1))
def delegations_order(slug, delegation, position):
    """Put DELEGATION at POSITION (1 first) of the protocol order."""
    event = event_or_fail(slug)
    found = delegation_or_fail(event, delegation)
    _attempt(lambda: delegation_admin.place_at(found, position, actor=None))
    click.echo(f"{found.name_en} is number {found.protocol_order}.")


@delegations.command("move")
@with_appcontext
@click.argument("slug")
@click.argument("delegation")
@click.argument("participant_ids", type=int, nargs=-1, required=True)
def delegations_move(slug, delegation, participant_ids):
    """Move participants into DELEGATION ('none': out of any)."""
    event = event_or_fail(slug)
    target = None if delegation == "none" else delegation_or_fail(event, delegation)
    people = list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.id.in_(participant_ids)
            )
        )
    )
    if missing := set(participant_ids) - {p.id for p in people}:
        raise click.ClickException(f"No participant {sorted(missing)} in {slug}.")
    moved = _attempt(lambda: delegation_admin.move_people(people, target, actor=None))
    click.echo(f"{moved} moved to {target.name_en if target else 'no delegation'}.")


@delegations.command("delete")
@with_appcontext
@click.argument("slug")
@click.argument("delegation")
def delegations_delete(slug, delegation):
    """Delete DELEGATION; refused while it has members."""
    event = event_or_fail(slug)
    found = delegation_or_fail(event, delegation)
    name = found.name_en
    _attempt(lambda: delegation_admin.delete(found, actor=None))
    click.echo(f"{name} deleted.")
