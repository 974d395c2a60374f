"""Command-line tasks: accounts, API tokens, reference data, the demo week."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from eventhub import jobs, mail, pdf
from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, Role
from eventhub.badges import printing
from eventhub.badges.models import BadgeBatch, BatchState
from eventhub.badges.runs import run_batch
from eventhub.checkin.checkpoint_setup import checkpoint_by_ref
from eventhub.db import utcnow
from eventhub.demo.builder import build_demo, build_demo_if_empty
from eventhub.demo.event import demo_logins
from eventhub.directory import services as directory_services
from eventhub.errors import DomainError
from eventhub.events import archive
from eventhub.extensions import db
from eventhub.privacy import archives as privacy_archives
from eventhub.privacy import retention
from eventhub.registration import commands as delegation_commands
from eventhub.registration.commands import delegation_or_fail, event_or_fail
from eventhub.registration.models import Category
from eventhub.registration.personal_fields import BY_KIND

ROLE_CHOICE = click.Choice([role.value for role in Role])


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
    event = event_or_fail(slug) if slug else None
    user = auth_services.get_user_by_email(email)
    try:
        if user is None:
            if password is None:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            user = auth_services.create_user(email, password, display_name=name)
            click.echo(f"Created account {user.email}.")
        else:
            if password is not None:
                auth_services.set_password(user, password)
            click.echo(f"Account {user.email} exists; updated.")
        if admin:
            auth_services.make_admin(user)  # only here: no web page makes administrators
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
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    help="A checkpoint (id or short name) it may scan at; repeat for several.",
)
@click.option(
    "--all-checkpoints", is_flag=True, help="It may scan at every checkpoint of the event."
)
@click.option("--read-only", is_flag=True, help="It reads (rosters, programme), never writes.")
def create_token(role, slug, label, checkpoints, all_checkpoints, read_only):
    """Print a new bearer token for the JSON API (shown once; stored hashed)."""
    if checkpoints and all_checkpoints:
        raise click.UsageError("Give either --checkpoint or --all-checkpoints, not both.")
    if Role(role) == Role.STAFF and not (checkpoints or all_checkpoints):
        # As on the web page: a lost phone's token should open as few gates as it needs.
        raise click.UsageError(
            "A staff token needs its checkpoints: --checkpoint NAME (repeat for several), "
            "or --all-checkpoints."
        )
    event = event_or_fail(slug)
    scope = None
    if checkpoints:
        found = [checkpoint_by_ref(event, ref) for ref in checkpoints]
        if None in found:
            raise click.ClickException(f"No such checkpoint in {event.slug}: {checkpoints}")
        scope = [checkpoint.id for checkpoint in found]
    token, plaintext = auth_services.issue_api_token(
        event, Role(role), label=label, may_write=not read_only, checkpoint_ids=scope
    )
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
    event = event_or_fail(slug)
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
    added = directory_services.seed_countries()
    db.session.commit()
    click.echo(f"{added} countries added.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database holds no event yet.")
def demo(if_empty):
    """Build (or complete) the demo week caecw-2025; safe to run again."""
    if if_empty:
        report = build_demo_if_empty()
        if report is None:
            click.echo("The database already holds events; demo not loaded.")
            return
    else:
        report = build_demo()
        db.session.commit()
    for line in report:
        click.echo(line)
    # `make run PORT=5090` serves elsewhere and says so in EVENTHUB_PUBLIC_URL: the address
    # printed is the one that answers.
    base = (current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")
    click.echo(f"\nDemo logins ({base}/auth/login):")
    for role, email, password in demo_logins():
        click.echo(f"  {role:<20} {email:<36} {password}")


@click.command("badges")
@with_appcontext
@click.argument("slug")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--layout",
    type=click.Choice(["cr80", "a6", "a4"]),
    default="a4",
    show_default=True,
    help="CR80 card printer, A6 lanyard badges, or nine cards per A4 sheet with crop marks.",
)
@click.option("--delegation", help="Only this delegation (its id or English name).")
@click.option(
    "--category",
    type=click.Choice([category.value for category in Category]),
    help="Only this participant category.",
)
@click.option("--changed", is_flag=True, help="Only badges new or changed since the last print.")
@click.option("--workers", type=int, default=None, help="Processes drawing at once.")
@click.option("--back", is_flag=True, help="Print each badge's back too (duplex).")
def badges(slug, out_path, layout, delegation, category, changed, workers, back):
    """Print the approved participants' badges of event SLUG into one PDF."""
    event = event_or_fail(slug)
    filters = printing.BatchFilters(changed_only=changed)
    if delegation:
        filters.delegation = delegation_or_fail(event, delegation).id
    if category:
        filters.category = category
    people = list(db.session.scalars(printing.batch_query(event, filters)))
    if not people:
        raise click.ClickException("No approved participant matches: nothing to print.")
    started, drawn, when = time.perf_counter(), [], utcnow()
    with open(out_path, "wb") as out:
        count = printing.write_badges(
            event,
            people,
            out,
            layout=layout,
            workers=workers or printing.WORKERS,
            progress=lambda done: click.echo(f"  {done}/{len(people)}", err=True),
            release=db.session.commit,
            back=back,
            drawn=drawn,
        )
    printing.mark_printed(drawn, when)
    db.session.commit()
    click.echo(f"{count} badges written to {out_path} in {time.perf_counter() - started:.1f} s.")


@click.command("badges-run")
@with_appcontext
@click.argument("batch_id", type=int)
def badges_run(batch_id):
    """Draw a print run queued from the web (a job worker does; this, by hand): badges, or
    certificates to print or to email."""
    batch = db.session.get(BadgeBatch, batch_id)
    if batch is None:
        raise click.ClickException(f"No print run {batch_id}.")
    if batch.state == BatchState.FAILED:
        batch.state = BatchState.QUEUED  # by hand, a failed run may be tried again
        db.session.flush()
    # Taken like a worker takes it: never drawn by two at once, nor a finished one again.
    if not jobs.claim_run(BadgeBatch, batch_id):
        raise click.ClickException(f"Print run {batch_id} is being drawn or is done.")
    jobs.commit()
    run_batch(db.session.get(BadgeBatch, batch_id))  # by its kind: certificates register theirs
    jobs.commit()  # and the mail it queued leaves


# One name per script of the region, the hardest letters of each.
SCRIPT_SAMPLES = {
    "Latin (Malay, Indonesian, Filipino)": "Nur Aisyah binti Abdullah",
    "Vietnamese": "Nguyễn Thị Hương",
    "Chinese": "杨明 龘",
    "Thai": "น้ำฝน ปั้นทอง",
    "Lao": "ສົມພອນ ແກ້ວມະນີ",
    "Khmer": "ហេង ស្រីពៅ",
    "Myanmar": "အောင်ဆန်းစုကြည်",
    "Tamil (Singapore, Malaysia)": "முத்து குமாரசாமி",
    "Jawi (Malay in Arabic script)": "محمد بن عبدالله",
    "Chinese beyond the BMP (Extension B)": "𠮷田",
}


@click.command("export-event")
@with_appcontext
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Archive to write (default: SLUG-<date and time>.eventhub.zip here).",
)
def export_event(slug, output):
    """Write everything an event holds to one archive, for backup or a move."""
    event = event_or_fail(slug)
    output = output or f"{slug}-{datetime.now(UTC):%Y%m%d-%H%M}.eventhub.zip"
    try:
        retention = privacy_archives.retention_section(event)
        erased = privacy_archives.erased_section(event)  # who must stay erased on a restore
        rows = archive.export_event(
            event, Path(output), sections={"retention": retention, "erased_people": erased}
        )
    except DomainError as error:  # refused before anything is written
        raise click.ClickException(str(error)) from error
    db.session.commit()  # the audit entry of the export
    click.echo(f"{output}: {sum(rows.values())} rows ({rows.get('participant', 0)} participants).")
    click.echo(
        "It holds personal data, encrypted as in the database: keep it like the database, "
        "and keep the installation's secret key and data keys with it (a restore needs them)."
    )
    due = [kind for kind, entry in retention["kinds"].items() if entry.get("due")]
    if due:
        click.echo(
            f"Past their retention date at this event: {', '.join(due)}. Whatever of them was "
            "not erased yet is in the archive; import-event refuses it unless told otherwise."
        )


class ExpiredDataRefused(click.ClickException):
    exit_code = 3  # told apart from other refusals (1) by scripts


EXPIRY_HELP = "Restore data past its retention date (recorded in the audit log)."


@click.command("import-event")
@with_appcontext
@click.argument("archive_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--slug", help="Restore under this address instead of the archived one.")
@click.option("--restore-expired", is_flag=True, help=EXPIRY_HELP)
@click.option("--erase-expired", is_flag=True, help="Restore, and erase what is past its date.")
def import_event(archive_file, slug, restore_expired, erase_expired):
    """Restore an event from an archive of export-event (into an installation without it).
    Personal data already past its retention date is refused unless a flag says otherwise."""
    if restore_expired and erase_expired:
        raise click.UsageError("Choose --restore-expired or --erase-expired, not both.")
    expiry = privacy_archives.Expiry.REFUSE
    if restore_expired or erase_expired:
        expiry = privacy_archives.Expiry.ERASE if erase_expired else privacy_archives.Expiry.RESTORE
    try:
        restored, verdict = privacy_archives.restore(
            Path(archive_file), slug=slug, columns=BY_KIND, expiry=expiry
        )
    except privacy_archives.ExpiredData as refusal:
        db.session.rollback()
        raise ExpiredDataRefused(privacy_archives.describe(refusal.verdict)) from refusal
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if expiry is privacy_archives.Expiry.ERASE or verdict.erased_again:
        retention.reclaim()  # no copy of what was erased left in the database's files
    if verdict.erased_again:
        click.echo(privacy_archives.describe_erased_again(verdict))
    if verdict.expired:
        click.echo(privacy_archives.describe(verdict, expiry))
    elif not verdict.from_archive:
        click.echo(privacy_archives.DEFAULTS_USED)
    click.echo(
        f"Event {restored.slug} restored: {sum(restored.rows.values())} rows "
        f"({restored.rows.get('participant', 0)} participants); accounts: "
        f"{restored.accounts_added} added, {restored.accounts_matched} matched by email."
    )


@click.command("doctor")
@with_appcontext
def doctor():
    """Check that every script of the region can be printed: fonts found, shaping on."""
    problems = 0
    dirs = current_app.config.get("FONT_DIRS") or pdf.DEFAULT_FONT_DIRS
    click.echo(f"Font folders: {', '.join(dirs)}")
    for name, (filename, _index) in pdf.FONTS.items():
        path = pdf.find_font(filename)
        click.echo(f"  {'ok ' if path else 'MISSING'} {name:<18} {path or filename}")
        problems += path is None
    try:
        import uharfbuzz  # noqa: F401 -- late: a probe, its absence is the answer

        click.echo("Shaping (HarfBuzz via uharfbuzz): on")
    except ImportError:
        click.echo(
            "Shaping (HarfBuzz via uharfbuzz): MISSING, Thai/Lao/Khmer/Myanmar/Tamil/Jawi misprint"
        )
        problems += 1
    if not problems:
        for script, sample in SCRIPT_SAMPLES.items():
            try:
                pdf.check_printable(sample)
            except DomainError as error:
                click.echo(f"  MISSING {script}: {error}")
                problems += 1
            else:
                click.echo(f"  ok      {script}: {sample}")
    click.echo(f"Jobs: {jobs.describe()}")
    backend = mail.backend_name()
    click.echo(f"Mail: {backend}")
    if backend == "console":
        click.echo(
            "  WARNING: no mail server set (EVENTHUB_MAIL_SERVER): messages, with their "
            "personal links, are written to the job worker's output, not sent."
        )
    if problems:
        raise click.ClickException(
            f"{problems} problem(s): install fonts-noto-core and fonts-wqy-zenhei."
        )
    click.echo("Every script of the region prints.")


@click.command("jobs")
@with_appcontext
@click.option("--workers", "-w", default=2, show_default=True, help="Jobs run at once.")
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Leave the periodic jobs (sweeps, clean-up) to another job worker.",
)
def jobs_worker(workers, no_periodic):
    """The job worker: print runs, mail, scheduler runs and periodic clean-up. Run one or more
    beside the web server (each host may run its own against one Redis)."""
    app = current_app._get_current_object()
    click.echo(f"Jobs from {jobs.describe()}; {workers} at once.")
    jobs.run_worker(app, workers=workers, periodic=not no_periodic)


def register(app: Flask) -> None:
    for command in (
        create_user,
        create_token,
        revoke_token,
        list_tokens,
        seed_countries,
        demo,
        badges,
        badges_run,
        jobs_worker,
        doctor,
        export_event,
        import_event,
        delegation_commands.delegations,
    ):
        app.cli.add_command(command)
