"""Matchmaking pages: the directory of profiles, joining, requests, one's meetings and the
organisers' list of all meetings. Who may act for which organisation: access.py."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.matchmaking import bp, meetings, profiles, requests
from eventhub.matchmaking.access import (
    ATTENDEES,
    acting_for,
    meeting_or_404,
    own_profile_or_404,
    profile_or_404,
    profiles_acted_for,
    request_or_404,
)
from eventhub.matchmaking.forms import ProfileForm, RequestForm
from eventhub.matchmaking.labels import STATE_LABELS
from eventhub.matchmaking.models import MeetingState
from eventhub.matchmaking.topics import TOPICS, keys_of
from eventhub.web import attempt, paginate


@bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS}


def _acting(event):
    return acting_for(event, current_user, g.event_roles)


@bp.get("/matchmaking")
@event_view(*ATTENDEES)
def overview(event):
    """Every organisation in matchmaking, filtered by topic and country, searchable."""
    topic = request.args.get("topic", "")
    country = request.args.get("country", "")[:2]
    search = request.args.get("q", "")[:100]
    page = paginate(
        profiles.directory_query(event, topic=topic, country=country, search=search), 25
    )
    acting = _acting(event)
    return render_template(
        "matchmaking/overview.html",
        event=event,
        page=page,
        topics=TOPICS,
        keys_of=keys_of,
        countries=profiles.countries(event),
        filters={"topic": topic if topic in TOPICS else "", "country": country, "q": search},
        mine=profiles_acted_for(event, acting) if not acting.everyone else [],
        acting=acting,
        may_join=bool(profiles.candidate_organisations(event, acting)),
    )


def _profile_form_choices(event, form, acting, profile=None) -> None:
    if profile is None:
        organisations = profiles.candidate_organisations(event, acting)
        form.organisation_id.choices = [SelectChoice("", _("Choose…"))] + [
            SelectChoice(o.id, f"{o.name_en} ({o.country_code})") for o in organisations
        ]
        ids = [o.id for o in organisations]
    else:
        ids = [profile.organisation_id]
    people = profiles.representatives(event, ids)
    form.representative_id.choices = [SelectChoice("", _("Nobody yet"))] + [
        SelectChoice(p.id, f"{p.latin_name} — {p.organisation.name_en}") for p in people
    ]


@bp.route("/matchmaking/profiles/new", methods=["GET", "POST"])
@event_view(*ATTENDEES)
def profile_new(event):
    """An organisation joins matchmaking (organisers: any organisation of the event)."""
    acting = _acting(event)
    form = ProfileForm()
    _profile_form_choices(event, form, acting)
    if form.validate_on_submit():
        ok, saved = attempt(
            lambda: profiles.save_profile(
                event, None, form.data, acting=acting, actor=current_user
            ),
            form,
        )
        if ok:
            flash(_("%(name)s has joined matchmaking.", name=saved.organisation.name_en), "success")
            return redirect(url_for("matchmaking.profile", slug=event.slug, profile_id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "matchmaking/profile_form.html", event=event, form=form, profile=None
    ), status


@bp.route("/matchmaking/profiles/<int:profile_id>/edit", methods=["GET", "POST"])
@event_view(*ATTENDEES)
def profile_edit(event, profile_id: int):
    acting = _acting(event)
    profile = own_profile_or_404(event, profile_id, acting)
    form = ProfileForm(obj=profile)
    if request.method == "GET":
        form.topics.data = keys_of(profile.topics)
    _profile_form_choices(event, form, acting, profile)
    form.organisation_id.data = profile.organisation_id
    if form.validate_on_submit():
        ok, _saved = attempt(
            lambda: profiles.save_profile(
                event, profile, form.data, acting=acting, actor=current_user
            ),
            form,
        )
        if ok:
            flash(_("Profile saved."), "success")
            return redirect(url_for("matchmaking.profile", slug=event.slug, profile_id=profile.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "matchmaking/profile_form.html", event=event, form=form, profile=profile
    ), status


@bp.get("/matchmaking/profiles/<int:profile_id>")
@event_view(*ATTENDEES)
def profile(event, profile_id: int):
    """A profile as the directory shows it; its requests and meetings to those acting for it."""
    item = profile_or_404(event, profile_id)
    acting = _acting(event)
    own = acting.for_profile(item)
    mine = [p for p in profiles_acted_for(event, acting) if p.id != item.id]
    return render_template(
        "matchmaking/profile.html",
        event=event,
        profile=item,
        own=own,
        topics=TOPICS,
        keys_of=keys_of,
        may_request=bool(mine),
        incoming=requests.requests_of([item.id], incoming=True) if own else [],
        outgoing=requests.requests_of([item.id], incoming=False) if own else [],
        mutual=requests.mutual_pairs(event),
        meetings=list(db.session.scalars(meetings.meetings_query(event, profile_ids=[item.id])))
        if own
        else [],
    )


@bp.route("/matchmaking/profiles/<int:profile_id>/request", methods=["GET", "POST"])
@event_view(*ATTENDEES)
def request_meeting(event, profile_id: int):
    """Ask this organisation for a meeting, on behalf of one of the visitor's own."""
    target = profile_or_404(event, profile_id)
    acting = _acting(event)
    mine = profiles_acted_for(event, acting)
    if not mine:
        abort_with(403, _("Your organisation has not joined matchmaking yet: join first."))
    form = RequestForm()
    form.from_profile_id.choices = [SelectChoice(p.id, p.organisation.name_en) for p in mine]
    if request.method == "GET":
        default = next((p for p in mine if p.id != target.id), mine[0])
        form.from_profile_id.data = default.id
        form.topics.data = requests.shared_topics(default, target) or keys_of(target.topics)
    if form.validate_on_submit():
        chosen = next((p for p in mine if p.id == form.from_profile_id.data), None)
        if chosen is None:
            form.from_profile_id.errors = [_("Choose one of your organisations.")]
        else:
            ok, _asked = attempt(
                lambda: requests.ask(
                    event, chosen, target, form.topics.data, form.note.data, actor=current_user
                ),
                form,
            )
            if ok:
                flash(
                    _("Meeting requested from %(name)s.", name=target.organisation.name_en),
                    "success",
                )
                return redirect(
                    url_for("matchmaking.profile", slug=event.slug, profile_id=chosen.id)
                )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "matchmaking/request_form.html", event=event, form=form, target=target
    ), status


@bp.post("/matchmaking/requests/<int:match_request_id>/withdraw")
@event_view(*ATTENDEES)
def request_withdraw(event, match_request_id: int):
    asked = request_or_404(event, match_request_id, _acting(event), side="from")
    back = asked.from_profile_id
    name = asked.to_profile.organisation.name_en
    ok, _result = attempt(lambda: requests.withdraw(event, asked, actor=current_user))
    if ok:
        flash(_("Request to %(name)s withdrawn.", name=name), "success")
    return redirect(url_for("matchmaking.profile", slug=event.slug, profile_id=back))


@bp.post("/matchmaking/requests/<int:match_request_id>/back")
@event_view(*ATTENDEES)
def request_back(event, match_request_id: int):
    """The organisation asked asks back: the pair is mutual."""
    asked = request_or_404(event, match_request_id, _acting(event), side="to")
    back = asked.to_profile_id
    name = asked.from_profile.organisation.name_en
    ok, _result = attempt(lambda: requests.ask_back(event, asked, actor=current_user))
    if ok:
        flash(_("You asked %(name)s back: the request is mutual.", name=name), "success")
    return redirect(url_for("matchmaking.profile", slug=event.slug, profile_id=back))


@bp.get("/matchmaking/mine")
@event_view(*ATTENDEES)
def mine(event):
    """The visitor's organisations, their requests and meetings."""
    acting = _acting(event)
    if acting.everyone:
        return redirect(url_for("matchmaking.meetings_list", slug=event.slug))
    own = profiles_acted_for(event, acting)
    ids = [p.id for p in own]
    return render_template(
        "matchmaking/mine.html",
        event=event,
        profiles=own,
        incoming=requests.requests_of(ids, incoming=True),
        outgoing=requests.requests_of(ids, incoming=False),
        mutual=requests.mutual_pairs(event),
        meetings=list(db.session.scalars(meetings.meetings_query(event, profile_ids=ids))),
        topics=TOPICS,
        keys_of=keys_of,
        may_join=bool(profiles.candidate_organisations(event, acting)),
    )


@bp.get("/matchmaking/meetings")
@event_view(Role.ORGANISER)
def meetings_list(event):
    """Every meeting with its state (organisers)."""
    state = request.args.get("state", "")
    page = paginate(meetings.meetings_query(event, state=state), 50)
    return render_template(
        "matchmaking/meetings.html",
        event=event,
        page=page,
        state=state if state in {s.value for s in MeetingState} else "",
        states=list(MeetingState),
        keys_of=keys_of,
        topics=TOPICS,
    )


@bp.get("/matchmaking/meetings/<int:meeting_id>")
@event_view(*ATTENDEES)
def meeting(event, meeting_id: int):
    acting = _acting(event)
    item = meeting_or_404(event, meeting_id, acting)
    return render_template(
        "matchmaking/meeting.html",
        event=event,
        meeting=item,
        sides=meetings.sides_acted_for(item, acting),
        accepted=meetings.accepted,
        organiser=acting.everyone,
        keys_of=keys_of,
        topics=TOPICS,
    )


def _side(item, acting) -> str:
    """The side a visitor answers for: the one posted if theirs, else their only one (an
    organiser, answering for both, the first still to answer)."""
    sides = meetings.sides_acted_for(item, acting)
    wanted = request.form.get("side", "")
    if wanted in sides:
        return wanted
    if not sides:  # meeting_or_404 lets in only those acting for a side
        abort_with(404, _("There is no such meeting in this event."))
    waiting = [side for side in sides if not meetings.accepted(item, side)]
    return (waiting or sides)[0]


@bp.post("/matchmaking/meetings/<int:meeting_id>/accept")
@event_view(*ATTENDEES)
def meeting_accept(event, meeting_id: int):
    acting = _acting(event)
    item = meeting_or_404(event, meeting_id, acting)
    side = _side(item, acting)
    ok, _result = attempt(lambda: meetings.accept(event, item, side, actor=current_user))
    if ok:
        if item.state == MeetingState.CONFIRMED:
            flash(_("Meeting accepted by both sides: it is confirmed."), "success")
        else:
            flash(_("Meeting accepted; waiting for the other side."), "success")
    return redirect(url_for("matchmaking.meeting", slug=event.slug, meeting_id=item.id))


@bp.post("/matchmaking/meetings/<int:meeting_id>/decline")
@event_view(*ATTENDEES)
def meeting_decline(event, meeting_id: int):
    acting = _acting(event)
    item = meeting_or_404(event, meeting_id, acting)
    side = _side(item, acting)
    ok, _result = attempt(lambda: meetings.decline(event, item, side, actor=current_user))
    if ok:
        flash(_("Meeting declined; the other side has been told."), "success")
    return redirect(url_for("matchmaking.meeting", slug=event.slug, meeting_id=item.id))


@bp.post("/matchmaking/meetings/<int:meeting_id>/cancel")
@event_view(Role.ORGANISER)
def meeting_cancel(event, meeting_id: int):
    item = meeting_or_404(event, meeting_id, _acting(event))
    ok, told = attempt(lambda: meetings.cancel(event, item, actor=current_user))
    if ok and told == 2:
        flash(_("Meeting cancelled; both sides have been told."), "success")
    elif ok:
        flash(
            _("Meeting cancelled; a side without a representative to mail could not be told."),
            "success",
        )
    return redirect(url_for("matchmaking.meeting", slug=event.slug, meeting_id=item.id))


@bp.post("/matchmaking/meetings/<int:meeting_id>/agreement")
@event_view(Role.ORGANISER)
def meeting_agreement(event, meeting_id: int):
    """A draft agreement from a confirmed meeting (organisers only)."""
    item = meeting_or_404(event, meeting_id, _acting(event))
    ok, agreement = attempt(lambda: meetings.draft_agreement(event, item, actor=current_user))
    if ok:
        flash(_("Draft agreement created."), "success")
        return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=agreement.id))
    return redirect(url_for("matchmaking.meeting", slug=event.slug, meeting_id=item.id))
