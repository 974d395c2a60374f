"""The Chinese body of a certificate names the holder as a Chinese reader reads the name
(review finding 4): the Chinese rendering typed for a foreign name, not the name in its own
script."""

from __future__ import annotations

from eventhub.extensions import db


def test_the_chinese_body_says_the_chinese_rendering_of_a_foreign_name(app, event, make):
    from eventhub.certificates import documents, services

    make.participant(
        event,
        family_name="PHOMMACHANH",
        given_name="Bounthavy",
        native_name="ບຸນທະວີ ພົມມະຈັນ",
        name_zh="奔塔维·蓬马占",
        country_code="LA",
    )
    with app.app_context():
        stored = db.session.merge(event)
        settings = services.certificate_settings(stored)
        settings.body_zh = "兹证明{name}参加了{event}。"
        kind = services.CertificateKind.PARTICIPATION
        assert services.issue_certificates(stored, kind, actor=None) == 1
        issued = list(db.session.scalars(services.certificates_query(stored, kind)))
        (data,) = documents.certificate_data(stored, issued)
        person = db.session.get(services.Participant, issued[0].participant_id)
        expected = person.name("certificate", "zh")
        db.session.rollback()
    assert expected == "奔塔维·蓬马占"
    assert data.body_zh.startswith("兹证明奔塔维·蓬马占参加了")
    assert "ບຸນທະວີ" not in data.body_zh


def test_the_name_line_carries_the_style_and_honorific_as_the_sentence_does(app, event, make):
    """'Tan Sri Dr. Nurul Huda binti Abdullah' on the certificate's large name line, as in
    its sentence; the trial found the line without the style and the honorific."""
    from eventhub.certificates import documents, services

    make.participant(
        event,
        family_name="",
        given_name="Nurul Huda",
        patronymic="binti Abdullah",
        style="Tan Sri",
        honorific="Dr.",
        country_code="MY",
        name_order="",
    )
    with app.app_context():
        stored = db.session.merge(event)
        settings = services.certificate_settings(stored)
        settings.body_en = "This certifies that {name} took part in {event}."
        kind = services.CertificateKind.PARTICIPATION
        assert services.issue_certificates(stored, kind, actor=None) == 1
        issued = list(db.session.scalars(services.certificates_query(stored, kind)))
        (data,) = documents.certificate_data(stored, issued)
        db.session.rollback()
    assert data.latin_name == "Tan Sri Dr. Nurul Huda binti Abdullah"
    assert data.latin_name in data.body_en


def test_the_chinese_sentence_of_a_name_without_chinese_has_no_english_title(app, event, make):
    """Without a Chinese rendering the Chinese sentence gives the Latin name alone, not
    "兹证明Dr. Somchai JAIDEE参加了…"."""
    from eventhub.certificates import documents, services

    make.participant(
        event,
        family_name="JAIDEE",
        given_name="Somchai",
        native_name="สมชาย ใจดี",
        honorific="Dr.",
        country_code="TH",
        name_order="",
    )
    with app.app_context():
        stored = db.session.merge(event)
        settings = services.certificate_settings(stored)
        settings.body_zh = "兹证明{name}参加了{event}。"
        kind = services.CertificateKind.PARTICIPATION
        assert services.issue_certificates(stored, kind, actor=None) == 1
        issued = list(db.session.scalars(services.certificates_query(stored, kind)))
        (data,) = documents.certificate_data(stored, issued)
        db.session.rollback()
    assert data.body_zh.startswith("兹证明Somchai JAIDEE参加了")
