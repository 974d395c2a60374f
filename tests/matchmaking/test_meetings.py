"""Meetings: each side accepts (both: confirmed, shown on the representative's own pages),
a decline is mailed to the other side, organisers cancel and draft one agreement per
meeting; another organisation's meeting is out of reach."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementStatus
from eventhub.extensions import db
from eventhub.matchmaking.models import Meeting, MeetingState

from .world import asked, meeting, side


def _state(app, meeting_id: int) -> MeetingState:
    with app.app_context():
        return db.session.get(Meeting, meeting_id).state


def _post(client, event, meeting_id: int, action: str, **data):
    return client.post(
        f"/events/{event.slug}/matchmaking/meetings/{meeting_id}/{action}",
        data=data,
        follow_redirects=True,
    )


def test_each_side_accepts_and_the_meeting_is_confirmed_and_shown_on_the_account_page(
    app, client, make, event, login
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    meeting_id = meeting(app, event, thai, china)
    login(thai.email)
    page = client.get(f"/events/{event.slug}/matchmaking/meetings/{meeting_id}")
    text = page.get_data(as_text=True)
    assert "Guizhou Rail College" in text and "14:00" in text  # 06:00 UTC on Guiyang's clock
    assert "table 3" in text
    text = _post(client, event, meeting_id, "accept").get_data(as_text=True)
    assert "waiting for the other side" in text
    assert _state(app, meeting_id) == MeetingState.PROPOSED
    assert "Your matchmaking meetings" not in client.get("/my-registration").get_data(as_text=True)
    client.post("/auth/logout")
    login(china.email)
    text = _post(client, event, meeting_id, "accept").get_data(as_text=True)
    assert "it is confirmed" in text
    assert _state(app, meeting_id) == MeetingState.CONFIRMED
    account = client.get("/my-registration").get_data(as_text=True)
    assert "Your matchmaking meetings" in account
    assert "Chiang Mai Rail College" in account and "14:00" in account


def test_a_lao_delegate_neither_sees_nor_answers_a_thai_meeting(app, client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University")
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    meeting_id = meeting(app, event, thai, china)
    login(lao.email)
    base = f"/events/{event.slug}/matchmaking/meetings"
    assert client.get(f"{base}/{meeting_id}").status_code == 404
    for action in ("accept", "decline"):
        for side_name in ("", "first", "second"):
            response = client.post(f"{base}/{meeting_id}/{action}", data={"side": side_name})
            assert response.status_code == 404, (action, side_name)
    for action in ("cancel", "agreement"):
        assert client.post(f"{base}/{meeting_id}/{action}").status_code == 403
    assert client.get(base).status_code == 403  # the organisers' list
    mine = client.get(f"/events/{event.slug}/matchmaking/mine").get_data(as_text=True)
    assert "Chiang Mai Rail College" not in mine
    with app.app_context():
        row = db.session.get(Meeting, meeting_id)
        assert row.first_accepted_at is None and row.second_accepted_at is None
        assert row.state == MeetingState.PROPOSED


def test_the_head_of_a_delegation_answers_for_its_members_organisations(
    app, client, make, event, login
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    meeting_id = meeting(app, event, thai, china)
    head_user = make.user(roles={event: "head_of_delegation"})
    head = make.participant(event, country_code="TH", user_id=head_user.id)
    delegation = make.delegation(event, country_code="TH", head_id=head.id)
    with app.app_context():
        from eventhub.registration.models import Participant

        db.session.get(Participant, thai.participant_id).delegation_id = delegation.id
        db.session.get(Participant, head.id).delegation_id = delegation.id
        db.session.commit()
    login(head_user.email)
    _post(client, event, meeting_id, "accept")
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).first_accepted_at is not None


def test_a_decline_is_mailed_to_the_other_side_in_its_language(
    app, client, make, event, login, outbox
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College", locale="en")
    meeting_id = meeting(app, event, thai, china)
    login(thai.email)
    text = _post(client, event, meeting_id, "decline").get_data(as_text=True)
    assert "the other side has been told" in text
    assert _state(app, meeting_id) == MeetingState.DECLINED
    (mail,) = list(outbox)
    with app.app_context():
        from eventhub.registration.models import Participant

        assert mail["To"] == db.session.get(Participant, china.participant_id).email
    assert "Meeting declined" in mail["Subject"]
    body = mail.get_content()
    assert "Chiang Mai Rail College has declined the meeting" in body and "table 3" in body
    assert "14:00" in body
    text = _post(client, event, meeting_id, "accept").get_data(as_text=True)
    assert "no longer waiting for an answer" in text
    assert _state(app, meeting_id) == MeetingState.DECLINED


def test_a_draft_agreement_is_made_once_with_the_chinese_side_as_host(
    app, client, make, event, login, as_role
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    asked(app, event, thai, china)  # the Thai college asked: still the Chinese one hosts
    meeting_id = meeting(app, event, thai, china, state=MeetingState.CONFIRMED)
    login(thai.email)
    assert (
        client.post(f"/events/{event.slug}/matchmaking/meetings/{meeting_id}/agreement").status_code
        == 403
    )
    client.post("/auth/logout")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/matchmaking/meetings/{meeting_id}")
    assert "Draft an agreement" in page.get_data(as_text=True)
    response = _post(client, event, meeting_id, "agreement")
    text = response.get_data(as_text=True)
    assert "Draft agreement created." in text
    assert "Chiang Mai Rail College" in text and "Guizhou Rail College" in text
    with app.app_context():
        (agreement,) = db.session.scalars(sa.select(Agreement)).all()
        assert agreement.status == AgreementStatus.PROPOSED
        assert [p.organisation_id for p in agreement.parties] == [
            china.organisation_id,
            thai.organisation_id,
        ]
        assert "Rail" in agreement.title_en and agreement.field == "Rail"
        assert db.session.get(Meeting, meeting_id).agreement_id == agreement.id
    text = _post(client, event, meeting_id, "agreement").get_data(as_text=True)
    assert "already has its draft agreement" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1
    page = client.get(f"/events/{event.slug}/matchmaking/meetings/{meeting_id}")
    assert f"/agreements/{agreement.id}" in page.get_data(as_text=True)


def test_without_a_chinese_side_the_one_that_asked_is_the_host(app, make, event):
    from eventhub.matchmaking import meetings as service

    lao = side(make, event, "LA", "Souphanouvong University")
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    asked(app, event, thai, lao)
    meeting_id = meeting(app, event, lao, thai)
    with app.app_context():
        row = db.session.get(Meeting, meeting_id)
        assert [p.organisation_id for p in service.host_first(row)] == [
            thai.organisation_id,
            lao.organisation_id,
        ]


def test_organisers_see_all_meetings_and_cancel_one(app, client, make, event, as_role):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    lao = side(make, event, "LA", "Souphanouvong University")
    first = meeting(app, event, thai, china)
    meeting(app, event, lao, china, state=MeetingState.CONFIRMED)
    as_role("organiser")
    base = f"/events/{event.slug}/matchmaking/meetings"
    page = client.get(base).get_data(as_text=True)
    assert "Chiang Mai Rail College" in page and "Souphanouvong University" in page
    page = client.get(base, query_string={"state": "confirmed"}).get_data(as_text=True)
    assert "Souphanouvong University" in page and "Chiang Mai Rail College" not in page
    text = _post(client, event, first, "cancel").get_data(as_text=True)
    assert "Meeting cancelled; both sides have been told." in text
    assert _state(app, first) == MeetingState.CANCELLED


def test_bad_ids_are_not_found(client, event, as_role):
    as_role("organiser")
    base = f"/events/{event.slug}/matchmaking"
    for url in (
        f"{base}/meetings/0",
        f"{base}/meetings/99999999999",
        f"{base}/profiles/424242",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/meetings/424242/accept", f"{base}/requests/424242/withdraw"):
        assert client.post(url).status_code == 404, url
    assert (
        client.get(f"{base}/meetings", query_string={"state": "bogus", "page": "-1"}).status_code
        == 200
    )


def test_an_organisers_own_page_is_the_list_of_all_meetings(client, event, as_role):
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/matchmaking/mine", follow_redirects=True)
    assert response.status_code == 200
    assert "No meetings yet" in response.get_data(as_text=True)


def test_a_chinese_representative_reads_the_decline_on_a_chinese_calendar(
    app, client, make, event, login, outbox
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College", locale="zh_Hans")
    meeting_id = meeting(app, event, thai, china)
    login(thai.email)
    _post(client, event, meeting_id, "decline")
    (mail,) = list(outbox)
    assert "2025年7月25日" in mail.get_content()  # the date as the reader's language writes it


def test_the_event_home_page_leads_into_matchmaking_and_counts_what_waits(
    app, client, make, event, login
):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    meeting(app, event, thai, china)
    login(thai.email)
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f"/events/{event.slug}/matchmaking/mine" in page
    assert "1 meeting waits for your answer." in page
    client.post("/auth/logout")
    assert "/matchmaking" not in client.get(f"/events/{event.slug}/").get_data(as_text=True)


def test_a_cancelled_meeting_is_mailed_to_both_sides_each_in_its_language(
    app, client, make, event, as_role, outbox
):
    thai = side(make, event, "TH", "Chiang Mai Rail College", locale="en")
    china = side(make, event, "CN", "Guizhou Rail College", locale="zh_Hans")
    meeting_id = meeting(app, event, thai, china, state=MeetingState.CONFIRMED)
    as_role("organiser")
    text = _post(client, event, meeting_id, "cancel").get_data(as_text=True)
    assert "Meeting cancelled" in text and "both sides have been told" in text
    with app.app_context():
        from eventhub.registration.models import Participant

        address = {db.session.get(Participant, s.participant_id).email: s for s in (thai, china)}
    mails = {address[mail["To"]].organisation_id: mail for mail in outbox}
    assert set(mails) == {thai.organisation_id, china.organisation_id}
    english = mails[thai.organisation_id]
    assert "Meeting cancelled" in english["Subject"]
    body = english.get_content()
    assert "Guizhou Rail College" in body and "table 3" in body and "14:00" in body
    assert "2025年7月25日" in mails[china.organisation_id].get_content()
    assert "Chiang Mai Rail College" in mails[china.organisation_id].get_content()
