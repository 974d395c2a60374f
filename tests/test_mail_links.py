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
    assert "https://eventhub.test/auth/reset/" in mails_text(outbox)
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


def test_a_trusted_host_on_another_port_makes_no_link(client, make, app, outbox):
    """Flask checks the host name only; a link must not send people to another port."""
    make.user("victim@example.org")
    with configured(app, PUBLIC_URL=None, TRUSTED_HOSTS=["eventhub.example.org"], SERVER_NAME=None):
        response = client.post(
            "/auth/reset",
            data={"email": "victim@example.org"},
            headers={"Host": "eventhub.example.org:6666"},
        )
    assert response.status_code == 503
    assert outbox == []


def test_a_trusted_host_link_is_https_on_the_listed_port(client, make, app, outbox):
    make.user("victim@example.org")
    hosts = ["eventhub.example.org", "intranet.example.org:8443"]
    with configured(app, PUBLIC_URL=None, TRUSTED_HOSTS=hosts, SERVER_NAME=None):
        for host in (
            "eventhub.example.org",
            "eventhub.example.org:443",
            "intranet.example.org:8443",
        ):
            client.post("/auth/reset", data={"email": "victim@example.org"}, headers={"Host": host})
    text = mails_text(outbox)
    assert len(outbox) == 3
    assert text.count("https://eventhub.example.org/auth/reset/") == 2
    assert "https://intranet.example.org:8443/auth/reset/" in text
    assert "http://" not in text


def test_the_scheme_of_a_link_can_be_configured(client, make, app, outbox):
    """A site served over plain HTTP on an intranet says so; the request never decides."""
    make.user("victim@example.org")
    with configured(
        app,
        PUBLIC_URL=None,
        TRUSTED_HOSTS=["intranet.example.org"],
        SERVER_NAME=None,
        PUBLIC_SCHEME="http",
    ):
        client.post(
            "/auth/reset",
            data={"email": "victim@example.org"},
            headers={"Host": "intranet.example.org"},
        )
    assert "http://intranet.example.org/auth/reset/" in mails_text(outbox)
