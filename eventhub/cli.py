"""Command-line tasks: accounts, API tokens, reference data, the demo week."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, Role
from eventhub.errors import DomainError
from eventhub.events import services as event_services
from eventhub.extensions import db

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _event_or_fail(slug: str):
    event = event_services.get_event_by_slug(slug)
    if event is None:
        raise click.ClickException(f"No event with slug {slug!r}.")
    return event


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, help="Role to grant in --event.")
@click.option("--event", "slug", help="Event slug the role applies to.")
@click.option("--password", help="Password; prompted for when omitted.")
@click.option("--name", default="", help="Display name.")
@click.option("--admin", is_flag=True, help="Installation administrator (all events).")
def create_user(email, role, slug, password, name, admin):
    """Create an account (or reuse it) and grant it a role in an event."""
    if bool(role) != bool(slug):
        raise click.UsageError("--role and --event go together.")
    event = _event_or_fail(slug) if slug else None
    user = auth_services.get_user_by_email(email)
    try:
        if user is None:
            if password is None:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            user = auth_services.create_user(email, password, display_name=name, is_admin=admin)
            click.echo(f"Created account {user.email}.")
        else:
            if password is not None:
                auth_services.set_password(user, password)
            if admin:
                user.is_admin = True
            click.echo(f"Account {user.email} exists; updated.")
        if event is not None:
            granted = auth_services.grant_role(user, event, Role(role))
            click.echo(f"{'Granted' if granted else 'Already had'} {role} in {event.slug}.")
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()


@click.command("create-token")
@with_appcontext
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("--label", default="", help="What the token is for, e.g. 'Gate B phone 3'.")
def create_token(role, slug, label):
    """Print a new bearer token for the JSON API (shown once; stored hashed)."""
    event = _event_or_fail(slug)
    token, plaintext = auth_services.issue_api_token(event, Role(role), label=label)
    db.session.commit()
    click.echo(plaintext)
    click.echo(
        f"(token #{token.id}, {role} in {event.slug}; revoke with "
        f"`flask --app eventhub revoke-token {token.id}`)",
        err=True,
    )


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke an API token by its number."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token #{token_id}.")
    auth_services.revoke_api_token(token)
    db.session.commit()
    click.echo(f"Token #{token_id} ({token.prefix}…) revoked.")


@click.command("list-tokens")
@with_appcontext
@click.option("--event", "slug", required=True)
def list_tokens(slug):
    """List an event's API tokens (never their secrets)."""
    event = _event_or_fail(slug)
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.event_id == event.id).order_by(ApiToken.id)
    )
    for token in tokens:
        state = "revoked" if token.revoked_at else "live"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        click.echo(
            f"#{token.id}\t{token.prefix}…\t{token.role.value}\t{state}\t"
            f"last used {used}\t{token.label}"
        )


@click.command("seed-countries")
@with_appcontext
def seed_countries():
    """Load the ISO 3166 country list with English and Chinese names."""
    from eventhub.directory.services import seed_countries as seed

    added = seed()
    db.session.commit()
    click.echo(f"{added} countries added.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database holds no event yet.")
def demo(if_empty):
    """Build (or complete) the demo week caecw-2025; safe to run again."""
    from eventhub.demo.builder import build_demo, demo_logins
    from eventhub.events.models import Event

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        click.echo("The database already holds events; demo not loaded.")
        return
    report = build_demo()
    db.session.commit()
    for line in report:
        click.echo(line)
    click.echo("\nDemo logins (http://127.0.0.1:5000/auth/login):")
    for role, email, password in demo_logins():
        click.echo(f"  {role:<20} {email:<36} {password}")


def register(app: Flask) -> None:
    for command in (create_user, create_token, revoke_token, list_tokens, seed_countries, demo):
        app.cli.add_command(command)
