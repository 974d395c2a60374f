"""Command-line tasks: accounts, the demo week."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, EventMembership, Role, User
from eventhub.directory.models import Country
from eventhub.extensions import db
from eventhub.models import AuditEntry, Delegation, Event, Organisation, Participant
from eventhub.scheduling.models import Activity


def test_create_user_with_role_then_log_in(app, client, event):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "Chen.Jing@Example.cn",
            "--role",
            "organiser",
            "--event",
            event.slug,
            "--password",
            "guiyang summer 2025",
            "--name",
            "陈静",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Granted organiser" in result.output
    again = runner.invoke(
        args=["create-user", "chen.jing@example.cn", "--role", "organiser", "--event", event.slug]
    )
    assert again.exit_code == 0 and "Already had organiser" in again.output
    response = client.post(
        "/auth/login", data={"email": "chen.jing@example.cn", "password": "guiyang summer 2025"}
    )
    assert response.status_code == 302
    assert client.get(f"/events/{event.slug}/settings").status_code == 200


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "prompted@example.org"], input="long enough pw\nlong enough pw\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert auth_services.authenticate("prompted@example.org", "long enough pw") is not None


def test_create_user_refuses_bad_input_clearly(app, event):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-user", "weak@example.org", "--password", "short"])
    assert weak.exit_code != 0 and "Use at least 10 characters." in weak.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "x@example.org",
            "--role",
            "staff",
            "--event",
            "no-such-week",
            "--password",
            "long enough pw",
        ]
    )
    assert unknown.exit_code != 0 and "No event with slug 'no-such-week'" in unknown.output
    half = runner.invoke(args=["create-user", "x@example.org", "--role", "staff"])
    assert half.exit_code != 0 and "--role and --event go together" in half.output
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(User)
                .where(User.email.in_(["weak@example.org", "x@example.org"]))
            )
            == 0
        )


def _snapshot() -> dict:
    counts = {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (
            Country,
            Event,
            Organisation,
            Delegation,
            Participant,
            User,
            EventMembership,
            AuditEntry,
        )
    }
    participants = db.session.execute(
        sa.select(
            Participant.email,
            Participant.native_name,
            Participant.status,
            Participant.delegation_id,
            Participant.user_id,
        ).order_by(Participant.email)
    ).all()
    heads = db.session.execute(sa.select(Delegation.name_en, Delegation.head_id)).all()
    return {"counts": counts, "participants": participants, "heads": sorted(heads)}


def test_demo_builds_a_realistic_week_and_a_second_run_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "organiser@caecw.example" in first.output and "demo-organiser-2025" in first.output
    with app.app_context():
        before = _snapshot()
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        assert event.name_en == "China-ASEAN Education Cooperation Week 2025"
        assert (event.starts_on.isoformat(), event.ends_on.isoformat()) == (
            "2025-07-24",
            "2025-07-27",
        )
        assert event.timezone == "Asia/Shanghai" and event.city_zh == "贵阳"
        assert "贵阳国际生态会议中心" in event.venue_address_zh
        tracked = db.session.scalars(sa.select(Activity).where(Activity.track != "")).all()
        assert tracked and all(a.track_zh for a in tracked)
        # Bilateral meetings are for the two delegations: out of the public programme.
        kinds = {(a.type.value, a.is_private) for a in db.session.scalars(sa.select(Activity))}
        assert ("bilateral_meeting", True) in kinds and ("bilateral_meeting", False) not in kinds
        assert ("forum", False) in kinds and ("forum", True) not in kinds
        from eventhub.scheduling.models import ActivityType, Enrolment

        invited = sa.select(sa.func.count(Enrolment.id)).join(
            Activity, Activity.id == Enrolment.activity_id
        )
        invited = invited.where(Activity.type == ActivityType.BILATERAL_MEETING, Enrolment.invited)
        assert db.session.scalar(invited) >= 6  # each meeting's delegation heads
        assert all(not o.is_pending for o in db.session.scalars(sa.select(Organisation)))

        people = sa.select(sa.func.count()).where(Participant.event_id == event.id)
        assert db.session.scalar(people) >= 4000
        assert db.session.scalar(people.where(Participant.country_code != "CN")) >= 1000
        countries = set(db.session.scalars(sa.select(Organisation.country_code).distinct()))
        assert {"CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"} <= countries

        names = set(db.session.scalars(sa.select(Participant.native_name)))
        scripts = {
            "Chinese": "\u4e00",
            "Thai": "\u0e00",
            "Lao": "\u0e80",
            "Khmer": "\u1780",
            "Myanmar": "\u1000",
        }
        for script, start in scripts.items():
            block = range(ord(start), ord(start) + 0x80)
            assert any(any(ord(ch) in block for ch in n) for n in names), script
        assert any("ễ" in n or "ặ" in n or "ữ" in n for n in names)  # Vietnamese stacking
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    Participant.event_id == event.id, Participant.family_name == ""
                )
            )
            > 50
        )
        # Sorted by name among the others, single names included (bulk-inserted rows too).
        unsorted = sa.select(sa.func.count()).where(
            Participant.event_id == event.id, Participant.sort_name == ""
        )
        assert db.session.scalar(unsorted) == 0
        assert (
            db.session.scalar(
                sa.select(
                    sa.func.max(
                        sa.func.length(
                            Participant.given_name
                            + Participant.patronymic  # a Brunei name's long part
                            + Participant.family_name
                        )
                    )
                )
            )
            > 60
        )

        positions = set(
            db.session.scalars(
                sa.select(Participant.position).where(Participant.protocol_rank <= 3)
            )
        )
        assert any("Minister" in p for p in positions)
        assert any("Vice-Chair of the National Assembly" in p for p in positions)
        assert any("Ambassador" in p for p in positions)
        headless = db.session.scalar(
            sa.select(sa.func.count()).where(
                Delegation.event_id == event.id, Delegation.head_id.is_(None)
            )
        )
        assert headless == 0
        orders = list(
            db.session.scalars(
                sa.select(Delegation.protocol_order).where(Delegation.event_id == event.id)
            )
        )
        assert sorted(orders) == list(range(1, len(orders) + 1))  # a protocol order, no ties

        from eventhub.visas.models import VisaCase

        steps = Counter(db.session.scalars(sa.select(VisaCase.state)))
        assert {"requested", "issued", "sent", "granted"} <= set(steps) and steps["refused"] == 1

        # A delegation's quota, full, with two people waiting in turn.
        from eventhub.registration import quotas
        from eventhub.registration.models import LimitKind

        quota = [u for u in quotas.usage(event).values() if u.kind == LimitKind.DELEGATION]
        assert len(quota) == 1 and quota[0].full and quota[0].waiting == 2
        waiting = [p.given_name for _place, p in quotas.waiting_list(event.id)]
        assert waiting == ["Vilayvanh", "Khamphet"]

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "Participants: 0 added" in second.output
    with app.app_context():
        assert _snapshot() == before


def test_demo_if_empty_leaves_an_existing_installation_alone(app, event):
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "demo not loaded" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0


def test_demo_logins_work_with_their_roles(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        head = auth_services.get_user_by_email("head.la@caecw.example")
        assert auth_services.roles_for(head, event) == {Role.HEAD_OF_DELEGATION}
    client.post(
        "/auth/login", data={"email": "head.la@caecw.example", "password": "demo-head-2025"}
    )
    page = client.get("/events/caecw-2025/").get_data(as_text=True)
    assert "Lao PDR national delegation" in page and "ບຸນມີ ພົມມະຈັນ" in page


def test_doctor_says_where_jobs_and_mail_go_and_warns_of_unsent_mail(app):
    runner = app.test_cli_runner()
    quiet = runner.invoke(args=["doctor"]).output
    assert "Jobs: immediate" in quiet and "Mail: memory" in quiet and "WARNING" not in quiet
    app.config["MAIL_BACKEND"] = "console"
    try:
        loud = runner.invoke(args=["doctor"]).output
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    assert "Mail: console" in loud and "WARNING: no mail server set" in loud


def test_administrators_are_made_on_the_command_line_and_audited(app, make):
    person = make.user()
    result = app.test_cli_runner().invoke(args=["create-user", person.email, "--admin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, person.id).is_admin
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "user.admin")
        ).one()
        assert entry.actor == "cli" and entry.object_id == str(person.id)


def test_a_staff_token_names_its_checkpoints_or_says_all(app, event):
    """As on the web page: a gate phone's token is never for every checkpoint by default."""
    runner = app.test_cli_runner()
    args = ["create-token", "--role", "staff", "--event", event.slug, "--label", "Gate B"]
    bare = runner.invoke(args=args)
    assert bare.exit_code != 0
    assert "--checkpoint" in bare.output and "--all-checkpoints" in bare.output
    both = runner.invoke(args=[*args, "--all-checkpoints", "--checkpoint", "main-entrance"])
    assert both.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    everywhere = runner.invoke(args=[*args, "--all-checkpoints"])
    assert everywhere.exit_code == 0, everywhere.output
    # Other roles do not scan at gates: nothing to choose.
    assert (
        runner.invoke(args=["create-token", "--role", "partner", "--event", event.slug]).exit_code
        == 0
    )


def test_demo_logins_name_the_address_the_server_answers_on(app, monkeypatch):
    """`make run PORT=5090` exports EVENTHUB_PUBLIC_URL=http://127.0.0.1:5090: the printed
    login address is that one, not port 5000."""
    import eventhub.cli as cli

    monkeypatch.setattr(cli, "build_demo", lambda: [])
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://127.0.0.1:5090")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5090/auth/login" in result.output
    assert ":5000" not in result.output
