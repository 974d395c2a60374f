"""Secret links stay out of logs and the console (issue 17, item 6): the console mail back end
prints a masked copy, the servers' access logs and the app's log mask them; the email itself
keeps the working link."""

from __future__ import annotations

import logging
import re
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from eventhub.mail import ConsoleBackend
from eventhub.redaction import redact

FEED_KEY = "FeedKey_9sQ2xLmN0pRt"
PAGE_KEY = "PageKey_4hJk8VbN2cXz"
RESET_TOKEN = "eyJ1IjoxfQ.aBcDeF.SiGnAtUrE-123"


@pytest.fixture
def console_mail(app):
    saved = app.config["MAIL_BACKEND"]
    app.config["MAIL_BACKEND"] = "console"
    yield
    app.config["MAIL_BACKEND"] = saved


def test_the_console_mail_back_end_prints_a_reset_mail_without_its_token(
    client, make, app, console_mail, capsys, monkeypatch
):
    sent = []
    original = ConsoleBackend.send_messages

    def keep(backend, messages):  # the messages as they leave, before printing
        sent.extend(message.body for message in messages)
        return original(backend, messages)

    monkeypatch.setattr(ConsoleBackend, "send_messages", keep)
    make.user("forgetful@example.org")
    client.post("/auth/reset", data={"email": "forgetful@example.org"})
    printed = capsys.readouterr()
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", sent[0]).group(1)
    token = link.rsplit("/", 1)[1]
    shown = printed.out + printed.err
    assert "forgetful@example.org" in shown  # the message was printed
    assert "/auth/reset/***" in shown
    assert token not in shown
    # The email itself still carries the working link.
    assert "new password" in client.get(link, follow_redirects=True).get_data(as_text=True).lower()


def test_the_access_log_masks_personal_pages_feeds_and_reset_links(app, caplog):
    """Through Werkzeug's own request handler (the development server's access log); the
    filter is installed on its logger when the app is built."""

    def hello(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server("127.0.0.1", 0, hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    paths = [
        f"/events/week/me/{PAGE_KEY}",
        f"/events/week/me/{PAGE_KEY}/badge.pdf",
        f"/events/week/agenda/{FEED_KEY}.ics",
        f"/auth/reset/{RESET_TOKEN}",
        f"/api/v1/thing?token={RESET_TOKEN}&page=2",
    ]
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in paths:
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}").read()
    finally:
        server.shutdown()
    logged = caplog.text
    assert "/events/week/me/***" in logged  # the requests were logged, masked
    assert "/events/week/agenda/***.ics" in logged
    for secret in (PAGE_KEY, FEED_KEY, RESET_TOKEN):
        assert secret not in logged


def test_the_app_log_masks_secret_links(app, caplog):
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        app.logger.error("Unhandled error on %s %s", "GET", f"/events/week/me/{PAGE_KEY}")
        app.logger.warning("Sent http://eventhub.test/auth/reset/%s", RESET_TOKEN)
    assert PAGE_KEY not in caplog.text
    assert RESET_TOKEN not in caplog.text
    assert "/events/week/me/***" in caplog.text


def test_redaction_leaves_ordinary_addresses_alone():
    for text in ("/events/week/agenda", "/events/week/programme?track=ai", "/auth/reset"):
        assert redact(text) == text
