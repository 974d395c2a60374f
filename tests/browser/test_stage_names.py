"""The stage page as a protocol officer reads it on a laptop or a tablet: long names of the
people standing behind the table wrap between their words, never inside one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import Activity, ActivityType

from .conftest import log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-namesbreak")

# Each word of each name on the page: (word, number of line boxes it spans, inside its spot).
WORDS_JS = """
() => {
  const found = [];
  for (const name of document.querySelectorAll('.stage-plan .fw-semibold')) {
    const spot = name.closest('.stage-spot, .stage-signatory') || name.parentElement;
    const box = spot.getBoundingClientRect();
    const text = name.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(text.data)) !== null) {
      const range = document.createRange();
      range.setStart(text, m.index);
      range.setEnd(text, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const inside = rects.every(r => r.left >= box.left - 1 && r.right <= box.right + 1);
      found.push([m[0], rects.length, inside]);
    }
  }
  return found;
}
"""


def _signing_with_long_names(app) -> int:
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        ceremony = Activity(
            event_id=event.id,
            title_en="Signing Ceremony of Long Names",
            title_zh="签约仪式（长姓名）",
            type=ActivityType.SIGNING_CEREMONY,
            starts_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 26, 3, 0, tzinfo=UTC),
        )
        china = Organisation(name_en="Guizhou Long Names University", country_code="CN")
        brunei = Organisation(name_en="Universiti Long Names Brunei", country_code="BN")
        db.session.add_all([ceremony, china, brunei])
        db.session.flush()

        def person(family, given, code, honorific="", rank=None):
            found = Participant(
                event_id=event.id,
                family_name=family,
                given_name=given,
                honorific=honorific,
                country_code=code,
                organisation_id=(china if code == "CN" else brunei).id,
                category=Category.DELEGATE,
                status=Status.APPROVED,
                protocol_rank=rank,
            )
            db.session.add(found)
            return found

        signers = [
            person("SHI", "Wenbo", "CN", "Mr.", 5),
            person("HAJI OSMAN", "Dayang Hajah Nurul Huda binti", "BN", "Yang Mulia", 5),
        ]
        witnesses = [
            person("PHOMMACHANH", "Bounmy", "BN", "H.E.", 2),
            person(
                "PEHIN ORANG KAYA HAJI MOHAMMAD",
                "Pengiran Anak Haji Muhammad Khairul Azmi bin",
                "BN",
                "Yang Berhormat",
                1,
            ),
            person("WANG", "Jianhua", "CN", "H.E.", 2),
        ]
        db.session.flush()
        agreement = Agreement(
            event_id=event.id,
            title_en="MoU on Long Names",
            ceremony=ceremony,
            running_order=1,
        )
        agreement.parties = [
            AgreementParty(organisation_id=org.id, position=n, signatory_id=signer.id)
            for n, (org, signer) in enumerate(zip((china, brunei), signers, strict=True), 1)
        ]
        agreement.witnesses = [AgreementWitness(participant_id=p.id) for p in witnesses]
        db.session.add(agreement)
        db.session.commit()
        return ceremony.id


def test_names_on_the_stage_page_wrap_between_words(live_server, page):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.base_url
    ceremony_id = _signing_with_long_names(live_server)
    log_in_as_organiser(page, base)
    for width in (1280, 820):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/events/caecw-2025/ceremonies/{ceremony_id}/stage")
        plan = page.locator("section.stage-plan").first
        assert "PHOMMACHANH" in plan.inner_text()
        words = page.evaluate(WORDS_JS)
        assert any(word == "PHOMMACHANH" for word, _lines, _inside in words)
        assert [word for word, lines, _inside in words if lines != 1] == [], width  # none cut
        assert [word for word, _lines, inside in words if not inside] == [], width  # none spills
        plan.screenshot(path=str(SHOTS / f"stage-{width}.png"))
    assert page.problems == []
