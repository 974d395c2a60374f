"""Signing tables: who is at two tables at once, flags per table, n-party layouts, the host
side convention, order within a protocol rank, and counterparts of very different rank."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.ceremonies import preparation, run_of_show, running_order, seating
from eventhub.ceremonies.models import Agreement, CeremonySettings
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity, ActivityType


def _ceremony(make, event, *, tables: int = 1, app=None) -> int:
    """A signing ceremony at 16:00 Beijing time on 25 July 2025 with `tables` signing at once."""
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony II",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC) + timedelta(minutes=120),
    )
    if tables > 1:
        with app.app_context():
            db.session.add(CeremonySettings(ceremony_id=ceremony.id, tables=tables))
            db.session.commit()
    return ceremony.id


def _person(make, event, family: str, country: str = "LA", **values) -> Participant:
    """Someone found by the family name: written "FAMILY A" whatever the country."""
    values.setdefault("name_order", "family")
    return make.participant(
        event, family_name=family, given_name="A", country_code=country, **values
    )


def _assist(app, agreement_id: int, *assistants: Participant) -> None:
    """Name each party's signing assistant, in the parties' order."""
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        for party, person in zip(agreement.parties, assistants, strict=True):
            party.assistant_id = person.id
        db.session.commit()


def test_one_person_signing_at_one_table_and_witnessing_at_another_at_once_is_flagged(
    client, as_role, event, app, make
):
    ceremony_id = _ceremony(make, event, tables=2, app=app)
    dean = _person(make, event, "SOUKSAVATH")
    make.agreement(
        event, signatories=[_person(make, event, "HOST1", "CN"), dean],
        title_en="MoU on Rail", ceremony_id=ceremony_id, running_order=1,
    )  # fmt: skip
    make.agreement(
        event, signatories=[_person(make, event, "HOST2", "CN")], witnesses=[dean],
        title_en="MoU on Water", ceremony_id=ceremony_id, running_order=2,
    )  # fmt: skip
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}").get_data(as_text=True)
    assert "SOUKSAVATH A" in page
    flagged = [
        line for line in page.splitlines() if "SOUKSAVATH A" in line and "at the same time" in line
    ]
    assert len(flagged) == 1
    assert "MoU on Rail" in flagged[0] and "MoU on Water" in flagged[0]

    # At one table after the other, he can do both: no flag.
    with app.app_context():
        db.session.get(CeremonySettings, ceremony_id).tables = 1
        db.session.commit()
        _cues, problems = run_of_show.run_of_show(db.session.get(Activity, ceremony_id))
    assert not [p for p in problems if "SOUKSAVATH" in p]


def test_three_tables_signing_at_once_need_three_flags_of_china_and_pens_at_each_table(
    event, app, make
):
    ceremony_id = _ceremony(make, event, tables=3, app=app)
    for n in range(3):
        make.agreement(
            event,
            [
                make.organisation(name_en=f"Chinese University {n}", country_code="CN"),
                make.organisation(name_en=f"Lao College {n}", country_code="LA"),
            ],
            signatories=[_person(make, event, f"CN{n}", "CN"), _person(make, event, f"LA{n}")],
            ceremony_id=ceremony_id,
            running_order=n + 1,
        )
    with app.app_context():
        lines = {
            line.key: line for line in preparation.materials(db.session.get(Activity, ceremony_id))
        }
    assert lines["flag:CN"].quantity == 3
    assert lines["flag:LA"].quantity == 3
    assert lines["pens"].quantity >= 6  # a pen at each of the six places signing at once
    assert "3" in lines["flag:CN"].detail  # says it is one per table


def test_a_three_party_agreement_seats_every_signatory_with_their_own_assistant(
    client, as_role, event, app, make
):
    host = make.organisation(name_en="Guangxi University", country_code="CN")
    lao = make.organisation(name_en="National University of Laos", country_code="LA")
    thai = make.organisation(name_en="Chulalongkorn University", country_code="TH")
    signers = [
        _person(make, event, "WANG", "CN", organisation_id=host.id),
        _person(make, event, "PHOMMAXAY", "LA", organisation_id=lao.id),
        _person(make, event, "CHAIYAPORN", "TH", organisation_id=thai.id),
    ]
    aides = [_person(make, event, f"AIDE{code}", code) for code in ("CN", "LA", "TH")]
    # The Lao ambassador (rank 3) witnesses; two Thai ministers (rank 2) witness too.
    ambassador = _person(make, event, "INTHAVONG", "LA", protocol_rank=3)
    ministers = [_person(make, event, f"MINISTER{n}", "TH", protocol_rank=2) for n in (1, 2)]
    host_vip = _person(make, event, "HOSTVIP", "CN", protocol_rank=4)
    ceremony_id = _ceremony(make, event)
    agreement = make.agreement(
        event,
        [host, lao, thai],
        signatories=signers,
        witnesses=[ambassador, *ministers, host_vip],
        title_en="Trilateral MoU",
        ceremony_id=ceremony_id,
    )
    _assist(app, agreement.id, *aides)

    with app.app_context():
        plan = seating.stage_plan(db.session.get(Agreement, agreement.id))
        signing = [s.person.family_name for s in plan.table if s.role == "signatory"]
        assert signing == ["WANG", "PHOMMAXAY", "CHAIYAPORN"]
        assisting = [s.person.family_name for s in plan.assistants]
        assert assisting == ["AIDECN", "AIDELA", "AIDETH"]  # each behind their signatory
        front = [p.family_name if p else None for p in plan.rows[0]]
        # Each party's people behind their own signatory, in the front row: the guests are
        # not all on one side, and the ambassador is not pushed back by the Thai ministers.
        assert "INTHAVONG" in front and "HOSTVIP" in front
        assert front.index("HOSTVIP") < front.index("INTHAVONG") < front.index("MINISTER1")
        assert plan.flags == ["CN", "LA", "TH"]

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/stage").get_data(as_text=True)
    for name in ("AIDECN A", "AIDELA A", "AIDETH A"):
        assert name in page
    assert page.index("WANG A") < page.index("PHOMMAXAY A") < page.index("CHAIYAPORN A")


def test_the_stage_page_says_which_host_side_convention_is_used_and_saves_a_change(
    client, as_role, event, app, make
):
    ceremony_id = _ceremony(make, event)
    make.agreement(
        event,
        [make.organisation(country_code="CN"), make.organisation(country_code="LA")],
        signatories=[_person(make, event, "HOSTSIGNER", "CN"), _person(make, event, "GUEST")],
        ceremony_id=ceremony_id,
    )
    as_role("organiser")
    url = f"/events/{event.slug}/ceremonies/{ceremony_id}/stage"
    page = client.get(url).get_data(as_text=True)
    assert "The host sits on the left as the audience sees the stage" in page
    assert page.index("HOSTSIGNER") < page.index("GUEST A")
    saved = client.post(
        f"{url}/settings", data={"host_left": "right", "tie_break": "country_en"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "The host sits on the right as the audience sees the stage" in saved
    assert saved.index("GUEST A") < saved.index("HOSTSIGNER")
    with app.app_context():
        assert db.session.get(CeremonySettings, ceremony_id).host_left is False
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "ceremony.settings")
        )
    refused = client.post(f"{url}/settings", data={"host_left": "left", "tie_break": "dice"})
    assert refused.status_code == 422
    assert "Choose how to order people of the same rank" in refused.get_data(as_text=True)


def test_ties_within_a_rank_follow_the_chosen_order_not_the_record_id(
    client, as_role, event, app, make
):
    ceremony_id = _ceremony(make, event)
    # Created first, so first by record id: Viet Nam's vice-minister, appointed last.
    vietnam = _person(make, event, "NGUYEN", "VN", protocol_rank=3, appointed_on=date(2024, 5, 1))
    laos = _person(make, event, "SIHARATH", "LA", protocol_rank=3, appointed_on=date(2023, 1, 9))
    cambodia = _person(make, event, "SOK", "KH", protocol_rank=3, appointed_on=date(2023, 6, 2))
    for person in (vietnam, laos, cambodia):
        make.agreement(
            event, signatories=[None, person], title_en=f"Agreement with {person.family_name}",
            ceremony_id=ceremony_id,
        )  # fmt: skip
    as_role("organiser")
    url = f"/events/{event.slug}/ceremonies/{ceremony_id}"

    def running(tie_break: str) -> list[str]:
        client.post(f"{url}/stage/settings", data={"host_left": "left", "tie_break": tie_break})
        client.post(f"{url}/order", data={"action": "precedence"})
        with app.app_context():
            agreements = running_order.ceremony_agreements(db.session.get(Activity, ceremony_id))
            return [a.title_en.rsplit(" ", 1)[1] for a in agreements]

    assert running("country_en") == ["SOK", "SIHARATH", "NGUYEN"]  # Cambodia, Lao PDR, Viet Nam
    assert running("appointed") == ["SIHARATH", "SOK", "NGUYEN"]
    delegations = {
        person.id: make.delegation(event, protocol_order=order).id
        for person, order in ((vietnam, 1), (cambodia, 2), (laos, 3))
    }
    with app.app_context():  # the delegations' protocol order
        for person_id, delegation_id in delegations.items():
            db.session.get(Participant, person_id).delegation_id = delegation_id
        db.session.commit()
    assert running("delegation") == ["NGUYEN", "SOK", "SIHARATH"]
    page = client.get(url).get_data(as_text=True)
    assert "the delegations’ protocol order" in page  # the ceremony page says which order


def test_ties_by_country_name_in_chinese_follow_pinyin(event, app, make):
    brunei = _person(make, event, "HAJI", "BN", protocol_rank=3)  # 文莱, Wénlái
    philippines = _person(make, event, "SANTOS", "PH", protocol_rank=3)  # 菲律宾, Fēilǜbīn
    with app.app_context():
        people = [db.session.get(Participant, p.id) for p in (brunei, philippines)]

        def names(tie_break: str) -> list[str]:
            ordered = sorted(people, key=lambda p: precedence.precedence_key(p, tie_break))
            return [p.family_name for p in ordered]

        assert names("country_en") == ["HAJI", "SANTOS"]  # Brunei Darussalam, Philippines
        assert names("country_zh") == ["SANTOS", "HAJI"]  # pinyin: F before W


def test_the_appointment_date_is_kept_with_the_rank(client, as_role, event, app, make):
    person = _person(make, event, "SIHARATH", protocol_rank=3)
    as_role("organiser")
    url = f"/events/{event.slug}/participants/{person.id}"
    client.post(f"{url}/protocol-rank", data={"level": "3", "appointed_on": "2023-01-09"})
    with app.app_context():
        assert db.session.get(Participant, person.id).appointed_on == date(2023, 1, 9)
    assert 'value="2023-01-09"' in client.get(url).get_data(as_text=True)
    refused = client.post(f"{url}/protocol-rank", data={"level": "3", "appointed_on": "9.1.23"})
    assert refused.status_code == 400


def test_counterparts_of_very_different_rank_are_flagged(client, as_role, event, app, make):
    ceremony_id = _ceremony(make, event)
    minister = _person(make, event, "ZHANG", "CN", protocol_rank=2)
    dean = _person(make, event, "VONGSAY", "LA", protocol_rank=6)
    president = _person(make, event, "LI", "CN", protocol_rank=5)
    make.agreement(
        event, signatories=[minister, dean], title_en="Student Exchange MoU",
        ceremony_id=ceremony_id,
    )  # fmt: skip
    make.agreement(
        event, signatories=[president, _person(make, event, "KEO", protocol_rank=6)],
        title_en="Library MoU", ceremony_id=ceremony_id,
    )  # fmt: skip
    # A student representative without a rank: named apart, never taken for a mismatch.
    make.agreement(
        event, signatories=[_person(make, event, "WANG", "CN", protocol_rank=5),
                            _person(make, event, "WEI", "CN")],
        title_en="Youth MoU", ceremony_id=ceremony_id,
    )  # fmt: skip
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}").get_data(as_text=True)
    flagged = [line for line in page.splitlines() if "very different rank" in line]
    assert len(flagged) == 1
    assert "Student Exchange MoU" in flagged[0]
    assert "ZHANG A" in flagged[0] and "VONGSAY A" in flagged[0]
    unranked = [line for line in page.splitlines() if "No protocol rank for" in line]
    assert len(unranked) == 1 and "WEI A" in unranked[0] and "WANG A" not in unranked[0]
    stage = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/stage")
    assert "very different rank" in stage.get_data(as_text=True)
