"""The "Your personal data" part of the registration form: one checkbox per purpose, its
notice beside it, and the rules (registration needs its consent; a photo needs the photo
consent). The answers are recorded by eventhub.privacy.consents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from eventhub.privacy import consents, notices
from eventhub.privacy.kinds import PURPOSE_LABELS, Purpose
from eventhub.privacy.models import ConsentSource


def field_name(purpose: Purpose) -> str:
    return f"consent_{purpose.value}"


# The purposes in the order of the form; the transfer abroad stands apart, in its own fieldset.
PURPOSES = (
    Purpose.REGISTRATION,
    Purpose.PHOTO,
    Purpose.SHARE_HEADS,
    Purpose.PUBLIC_LIST,
    Purpose.MARKETING,
)
SEPARATE = Purpose.TRANSFER_ABROAD
# A notice this long is folded into a <details> under its checkbox.
LONG_NOTICE = 300


class ConsentFields:
    """Mixed into the registration form: the checkboxes, none ticked by default."""

    consent_registration = BooleanField(PURPOSE_LABELS[Purpose.REGISTRATION])
    consent_photo = BooleanField(PURPOSE_LABELS[Purpose.PHOTO])
    consent_share_heads = BooleanField(PURPOSE_LABELS[Purpose.SHARE_HEADS])
    consent_public_list = BooleanField(PURPOSE_LABELS[Purpose.PUBLIC_LIST])
    consent_marketing = BooleanField(PURPOSE_LABELS[Purpose.MARKETING])
    consent_transfer_abroad = BooleanField(PURPOSE_LABELS[Purpose.TRANSFER_ABROAD])

    def consent_answers(self) -> dict[Purpose, bool]:
        return {purpose: bool(self[field_name(purpose)].data) for purpose in Purpose}


@dataclass
class Answers:
    """What the form said, and how it was collected. `new`: a first registration (all
    answers recorded, registration consent required); else only the changed ones."""

    given: dict[Purpose, bool]
    source: ConsentSource
    new: bool = True
    language: str = field(default_factory=lambda: str(get_locale() or "en"))
    actor: Any = None
    participant_id: int | None = None  # on a later edit: whose answers are on record
    # The notices the page showed, per purpose: (language, version), from its hidden fields.
    seen: dict[Purpose, tuple[str, int]] = field(default_factory=dict)
    with_notice: bool = True  # False: asked with someone else's words (a partner's system)
    form: Any = None  # to untick a box whose notice changed meanwhile
    photo_field: str | None = None  # where to say that a new photo needs its consent


class ConsentForm(ConsentFields, FlaskForm):
    """The own page's form of the consents alone (usable while the registration is locked)."""


def notice_field(purpose: Purpose) -> str:
    return f"notice_{purpose.value}"


def _seen(values) -> dict[Purpose, tuple[str, int]]:
    """The hidden "language:version" of each notice the form showed (unreadable: ignored)."""
    found = {}
    for purpose in Purpose:
        language, _colon, version = (values.get(notice_field(purpose)) or "").partition(":")
        if language and len(language) <= 16 and version.isascii() and version.isdigit():
            found[purpose] = (language, min(int(version), 2**31 - 1))
    return found


def from_form(form, source: ConsentSource, *, new: bool = True, actor=None, participant_id=None):
    """The form's answers; `participant_id` for a later edit of that person's."""
    return Answers(
        form.consent_answers(),
        source,
        new=new,
        actor=actor,
        participant_id=participant_id,
        seen=_seen(request.form),
        form=form,
    )


def from_record(participant_id: int, source: ConsentSource) -> Answers:
    """The answers on record, unchanged: for a form that does not show the consents but
    must respect them (a photo added on the own page)."""
    return Answers(
        {purpose: row.given for purpose, row in consents.current(participant_id).items()},
        source,
        new=False,
        participant_id=participant_id,
        photo_field="photo",
    )


def to_record(answers: Answers) -> dict[Purpose, bool]:
    """What saving records: a new registration's every answer; later, what changed (never
    withdrawing the registration consent; a box never answered only when ticked)."""
    given = dict(answers.given)
    if answers.new:
        return given
    given.pop(Purpose.REGISTRATION, None)
    now = consents.current(answers.participant_id)
    return {
        purpose: yes
        for purpose, yes in given.items()
        if (purpose in now and now[purpose].given != yes) or (purpose not in now and yes)
    }


def _stale(event, answers: Answers) -> set[Purpose]:
    """The boxes ticked under a notice that is no longer the one to show: a newer version
    was saved while the page was open."""
    stale = set()
    for purpose, yes in to_record(answers).items():
        if yes and purpose in answers.seen:
            now = notices.current(event, purpose, answers.language)
            if (now.language, now.version) != answers.seen[purpose]:
                stale.add(purpose)
    return stale


NOTICE_CHANGED = _l(
    "The text of this notice changed since you opened the page: read the new version above "
    "and tick the box again if you agree."
)


def check(event, checked, answers: Answers | None, *, photo_added: bool) -> None:
    """Fail the consent fields that must be ticked, next to their checkboxes."""
    if answers is None:
        return
    stale = _stale(event, answers) if answers.with_notice else set()
    for purpose in stale:
        checked.fail(field_name(purpose), NOTICE_CHANGED)
        if answers.form is not None:
            answers.form[field_name(purpose)].data = False
    if (
        answers.new
        and not answers.given.get(Purpose.REGISTRATION)
        and Purpose.REGISTRATION not in stale
    ):
        checked.fail(
            field_name(Purpose.REGISTRATION),
            _l("Tick this box to register: we cannot register anyone without it."),
        )
    # Someone registered before consents were asked keeps today's rule for a new photo.
    legacy = not answers.new and not consents.asked(answers.participant_id)
    if photo_added and not answers.given.get(Purpose.PHOTO) and not legacy:
        if answers.photo_field:
            checked.fail(
                answers.photo_field,
                _l(
                    "You have not agreed to your photo being printed on the badge and shown "
                    "at the gates: tick that box under “Your personal data” and save it "
                    "first, or leave the photo out."
                ),
            )
        elif Purpose.PHOTO not in stale:
            checked.fail(
                field_name(Purpose.PHOTO),
                _l(
                    "You have added a photo: tick this box so that it can be printed on the "
                    "badge and shown at the gates, or leave the photo out."
                ),
            )


def save(event, participant_id: int, answers: Answers | None) -> dict[Purpose, bool]:
    """Record the answers (see to_record), each with the notice the page showed; returns
    what was recorded."""
    if answers is None:
        return {}
    given = to_record(answers)
    shown = {}
    for purpose in given:
        if purpose in answers.seen:
            seen = notices.seen(event, purpose, *answers.seen[purpose])
            if seen is not None:
                shown[purpose] = seen
    consents.record(
        event,
        participant_id,
        given,
        language=answers.language,
        source=answers.source,
        actor=answers.actor,
        shown=shown,
        with_notice=answers.with_notice,
    )
    return given


def form_values(participant_id: int) -> dict[str, bool]:
    """The person's current answers, to tick the boxes on their own page."""
    return {
        field_name(purpose): consent.given
        for purpose, consent in consents.current(participant_id).items()
    }


def template_context(event, *, mode: str, participant_id: int | None = None) -> dict:
    """What _consents.html needs: the notices in the reader's language and, on the own page,
    the answers on record."""
    language = str(get_locale() or "en")
    return {
        "consent_mode": mode,  # "new", "head" or "own"
        "consent_notices": notices.all_current(event, language),
        "consent_purposes": PURPOSES,
        "consent_separate": SEPARATE,
        "consent_field": field_name,
        "consent_notice_field": notice_field,
        "consent_long": LONG_NOTICE,
        "consent_current": consents.current(participant_id) if participant_id else {},
    }
