""" "Dear ..." in the reader's language (review finding 5): a Chinese email names the person
as the formatter does for a Chinese reader, an English one as before."""

from __future__ import annotations

from eventhub import personnames
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.registration.own_link import send_confirmation


def _send(app, person_id: int) -> None:
    with app.test_request_context("/"):
        send_confirmation(db.session.get(Participant, person_id), "k3y")


def test_a_chinese_email_says_the_chinese_name(app, event, make, outbox):
    person = make.participant(
        event,
        family_name="YANG",
        given_name="Ming",
        honorific="Prof.",
        name_zh="杨明",
        country_code="CN",
        name_order="",
        locale="zh_Hans",
    )
    _send(app, person.id)
    text = outbox[-1].get_content()
    said = personnames.display(person, "salutation", "zh_Hans")
    assert said == "杨明"
    assert "尊敬的 杨明" in text and "Prof. Yang" not in text


def test_an_english_email_keeps_dear_prof_yang(app, event, make, outbox):
    person = make.participant(
        event,
        family_name="YANG",
        given_name="Ming",
        honorific="Prof.",
        name_zh="杨明",
        country_code="CN",
        name_order="",
        locale="en",
    )
    _send(app, person.id)
    assert "Dear Prof. Yang," in outbox[-1].get_content()
