"""The audit log reads matchmaking's, seating's and interpretation's entries in words, not
as the codes they are stored under."""

from __future__ import annotations

import re
from pathlib import Path

from eventhub.audit.services import ACTION_LABELS
from eventhub.matchmaking.models import MeetingState

from .world import meeting, side

ROOT = Path(__file__).resolve().parents[2] / "eventhub"
CODE = re.compile(
    r'"((?:match_profile|meeting_request|meeting|matchmaking|seating|interpretation|headset)'
    r'\.[a-z_]+)"'
)


def _shown(html: str) -> str:
    """The page as read: the filter's option values (codes by design) left out."""
    return re.sub(r'value="[^"]*"', "", html)


def test_a_cancelled_meeting_reads_in_words_in_the_log(app, client, make, event, as_role):
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    china = side(make, event, "CN", "Guizhou Rail College")
    meeting_id = meeting(app, event, thai, china, state=MeetingState.CONFIRMED)
    as_role("organiser")
    client.post(f"/events/{event.slug}/matchmaking/meetings/{meeting_id}/cancel")
    log = _shown(client.get(f"/events/{event.slug}/audit").get_data(as_text=True))
    assert "Meeting cancelled by the organisers" in log
    assert "Matchmaking meeting" in log
    assert "Cancelled" in log  # the state it went to, named
    assert "meeting.cancel" not in log and "Meeting #" not in log
    assert f"/events/{event.slug}/matchmaking/meetings/{meeting_id}" in log


def test_a_join_and_headsets_added_read_in_words(app, client, make, event, as_role):
    thai = side(make, event, "TH", "Chiang Mai Rail College", topics=None)
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/matchmaking/profiles/new",
        data={"organisation_id": thai.organisation_id, "topics": "rail"},
    )
    client.post(
        f"/events/{event.slug}/interpretation/headsets",
        data={"first": "H001", "last": "H005"},
    )
    log = _shown(client.get(f"/events/{event.slug}/audit").get_data(as_text=True))
    assert "Organisation joined matchmaking" in log and "match_profile.create" not in log
    assert "Matchmaking profile" in log and "Topics" in log
    assert "Headsets added" in log and "Headset numbers" in log and "headset.added" not in log


def test_every_action_the_three_domains_record_has_a_name(app):
    """An action without a name shows the reader its code ("headset.returned")."""
    recorded = set()
    for domain in ("matchmaking", "seating", "interpretation"):
        for source in (ROOT / domain).glob("*.py"):
            for line in source.read_text().splitlines():
                if "url_for" in line or "endpoint" in line:
                    continue
                recorded.update(code for code in CODE.findall(line) if not code.endswith(".id"))
    recorded = {code for code in recorded if code not in app.view_functions}  # pages
    assert recorded, "the scan found no actions"
    assert sorted(code for code in recorded if code not in ACTION_LABELS) == []
