"""The event home page: key figures for organisers, one's own part for everyone else."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.registration.models import Category, Status


def test_organiser_sees_key_figures_counted_right(client, as_role, make, event):
    delegation = make.delegation(event, name_en="Lao PDR national delegation")
    make.participant(
        event,
        country_code="LA",
        delegation_id=delegation.id,
        protocol_rank=2,
        category=Category.OFFICIAL,
    )
    make.participant(event, country_code="TH", native_name="น้ำฝน ปั้นทอง", status=Status.PENDING)
    make.participant(event, country_code="CN", native_name="杨明")
    make.participant(event, country_code="KH", status=Status.WITHDRAWN)  # not counted
    make.participant(make.event(), country_code="VN")  # another event: not counted
    for _ in range(2):
        make.participant(event, country_code="JP", status=Status.PENDING)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)

    def figure(label):
        import re

        match = re.search(
            r'<p class="fs-3 fw-semibold mb-0">([\d,]+)</p>\s*'
            r'<p class="text-muted small mb-0">' + label + "</p>",
            page,
        )
        assert match, label
        return int(match.group(1).replace(",", ""))

    assert figure("Registered") == 5
    assert figure("Approved") == 2
    assert figure("Foreign guests") == 4
    assert figure("Countries") == 4
    assert figure("Delegations") == 1
    assert figure("VIPs") == 1
    # China and ASEAN members come first in the country table, even when outnumbered.
    table = page[page.index("Participants by country") :]
    assert table.index("Lao PDR") < table.index("Japan")
    assert table.index("Thailand") < table.index("Japan")


def test_delegate_sees_own_registration_not_figures(client, as_role, make, event, app):
    user = as_role("delegate")
    make.participant(
        event,
        user_id=user.id,
        native_name="ສົມພອນ ແກ້ວມະນີ",
        honorific="Assoc. Prof. Dr.",
        position="Vice President",
        status=Status.PENDING,
    )
    make.participant(event, given_name="Other", native_name="อื่น")  # someone else's
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Your registration" in page
    assert "ສົມພອນ ແກ້ວມະນີ" in page and "Somphone KEOMANY" in page
    assert "Pending review" in page
    assert "อื่น" not in page
    assert "Foreign guests" not in page
    assert "Settings" not in page  # no organiser navigation


def test_head_of_delegation_sees_member_counts(client, as_role, make, event, app):
    user = as_role("head_of_delegation")
    head = make.participant(event, user_id=user.id)
    delegation = make.delegation(
        event, name_en="National University of Laos delegation", name_zh="老挝国立大学代表团"
    )
    for status in (Status.APPROVED, Status.APPROVED, Status.PENDING):
        make.participant(event, delegation_id=delegation.id, status=status)
    with app.app_context():
        from eventhub.registration.models import Delegation

        db.session.get(Delegation, delegation.id).head_id = head.id
        db.session.commit()
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Your delegation" in page
    assert "National University of Laos delegation" in page
    assert "Approved: 2" in page and "Pending review: 1" in page


def test_anonymous_visitors_see_the_event_and_a_login_prompt(client, event):
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert event.name_en in page and "交流周" in page
    assert "Jul 24" in page and "27, 2025" in page and "(4 days)" in page
    assert "log in to see your part of this event" in page
    assert "Registered" not in page


def test_event_list_shows_each_persons_events(client, make, login):
    mine = make.event(name_en="Week Mine")
    make.event(name_en="Week Theirs")
    user = make.user(roles={mine: "staff"})
    login(user.email)
    page = client.get("/").get_data(as_text=True)
    assert "Week Mine" in page and "Week Theirs" not in page


def test_event_list_empty_state(client, make, login):
    login(make.user().email)
    page = client.get("/").get_data(as_text=True)
    assert "You have no role in any event yet." in page


def test_the_home_page_shows_the_panels_each_module_sends_in_their_order(
    client, as_role, make, event
):
    """The events module imports no domain: the page shows what the receivers of
    event_home_panels return (registration's figures among them), lowest order first."""
    from markupsafe import Markup

    from eventhub.events.signals import event_home_panels
    from eventhub.web import Panel

    def first(sender, **kwargs):
        return Panel(Markup("<p>A panel of another module</p>"), order=1)

    def nothing(sender, **kwargs):
        return None

    user = as_role("organiser")
    make.participant(event, user_id=user.id)
    with event_home_panels.connected_to(first), event_home_panels.connected_to(nothing):
        page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    order = [page.index(text) for text in ("another module", "Your registration", "VIPs")]
    assert order == sorted(order)
    after = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "another module" not in after and "VIPs" in after
