"""Links in emails point at the site's configured address, never at the Host a request
claims (issue 17, item 2)."""

from __future__ import annotations

from contextlib import contextmanager

from eventhub.web import external_url


@contextmanager
def configured(app, **values):
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


def mails_text(outbox) -> str:
    return "\n".join(message.get_content() for message in outbox)


def test_a_forged_host_gets_no_reset_link_in_the_default_configuration(
    client, make, app, outbox, caplog
):
    make.user("victim@example.org")
    with configured(app, PUBLIC_URL=None, TRUSTED_HOSTS=None, SERVER_NAME=None):
        known = client.post(
            "/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "evil.example"}
        )
        unknown = client.post(
            "/auth/reset", data={"email": "nobody@example.org"}, headers={"Host": "evil.example"}
        )
    assert "evil.example" not in mails_text(outbox)
    assert outbox == []
    # Refused with a reason, and the same answer whether the account exists or not.
    assert known.status_code == unknown.status_code == 503
    assert known.get_data() == unknown.get_data()
    assert "EVENTHUB_PUBLIC_URL" in caplog.text  # the administrator is told what to set


def test_without_a_public_url_only_a_trusted_host_makes_links(client, make, app, outbox):
    make.user("victim@example.org")
    with configured(app, PUBLIC_URL=None, TRUSTED_HOSTS=["eventhub.test"], SERVER_NAME=None):
        forged = client.post(
            "/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "evil.example"}
        )
        assert forged.status_code == 400
        assert outbox == []
        client.post(
            "/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "eventhub.test"}
        )
    assert "http://eventhub.test/auth/reset/" in mails_text(outbox)
    assert "evil.example" not in mails_text(outbox)


def test_the_public_url_wins_over_the_host_header(client, make, app, outbox):
    make.user("victim@example.org")
    with configured(app, PUBLIC_URL="https://eventhub.example.org/week"):
        client.post(
            "/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "evil.example"}
        )
    assert "https://eventhub.example.org/week/auth/reset/" in mails_text(outbox)
    assert "evil.example" not in mails_text(outbox)


def test_jobs_build_links_on_the_public_url_without_a_request(app):
    with (
        configured(app, PUBLIC_URL="https://eventhub.example.org", SERVER_NAME=None),
        app.app_context(),
    ):
        link = external_url("events.home", slug="week")
    assert link == "https://eventhub.example.org/events/week/"


def test_a_mailing_job_links_to_the_public_url_not_the_requests_host(
    client, as_role, app, event, make, outbox
):
    """Certificate emails go out from a job, after the organiser's request: the address that
    request used (here a forged one) is not where the links point."""
    make.participant(event, given_name="Delegate", email="d@example.la")
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    session = client.get_cookie("session", domain="eventhub.test")
    client.set_cookie("session", session.value, domain="evil.example")
    client.post(
        f"/events/{event.slug}/certificates/run",
        data={"kind": "participation", "action": "email"},
        headers={"Host": "evil.example"},
    )
    assert [m["To"] for m in outbox] == ["d@example.la"]
    assert "http://eventhub.test/events/" in mails_text(outbox)
    assert "evil.example" not in mails_text(outbox)
