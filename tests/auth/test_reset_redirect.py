"""A password-reset link leaves its token at the door: the mailed link is checked, kept in
the session, and the browser continues on a URL without it, so the token is not in the
history, in Referer headers or in the access log of the pages after (issue 17, item 6)."""

from __future__ import annotations

import re

from ..factories import PASSWORD

NEW = "mekong river 2025"


def _mailed_link(client, outbox, email: str) -> str:
    client.post("/auth/reset", data={"email": email})
    return re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[-1].get_content()).group(1)


def test_the_mailed_link_sets_a_password_with_the_token_out_of_the_address_bar(
    app, client, make, outbox
):
    user = make.user("reset.me@example.org")
    link = _mailed_link(client, outbox, user.email)
    token = link.rsplit("/", 1)[1]

    arrived = client.get(link)
    assert arrived.status_code == 303
    assert token not in arrived.headers["Location"]
    page = client.get(arrived.headers["Location"])
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    assert token not in page.request.url
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert token not in page.get_data(as_text=True)  # the form posts where it stands

    done = client.post(
        arrived.headers["Location"],
        data={"new_password": NEW, "confirm": NEW},
        follow_redirects=True,
    )
    assert "Your new password is set." in done.get_data(as_text=True)
    client.post("/auth/logout", data={})
    assert (
        client.post("/auth/login", data={"email": user.email, "password": NEW}).status_code == 302
    )
    old = app.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 200  # the form again, refused
    # Spent: neither the link nor the page it led to sets a password again.
    assert "already been used" in client.get(link).get_data(as_text=True)
    again = client.get(arrived.headers["Location"])
    assert again.status_code == 400 and "Ask for a new link" in again.get_data(as_text=True)


def test_an_altered_link_gets_the_clear_page_at_once(client, make, outbox):
    user = make.user("forger.target@example.org")
    link = _mailed_link(client, outbox, user.email)
    forged = client.get(link[:-3] + "xyz")
    assert forged.status_code == 400
    page = forged.get_data(as_text=True)
    assert "not valid" in page and "Ask for a new link" in page


def test_the_new_password_page_without_a_link_says_to_open_the_mail(client):
    response = client.get("/auth/new-password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "link in your email" in page and "Ask for a new link" in page
