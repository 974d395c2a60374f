"""The "Your personal data" part of the registration form: one checkbox per purpose, its
notice beside it, and the rules (registration needs its consent; a photo needs the photo
consent). The answers are recorded by eventhub.privacy.consents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
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


def from_form(form, source: ConsentSource, *, new: bool = True, actor=None, participant_id=None):
    """The form's answers; `participant_id` for a later edit of that person's."""
    return Answers(
        form.consent_answers(), source, new=new, actor=actor, participant_id=participant_id
    )


def check(checked, answers: Answers | None, *, photo_added: bool) -> None:
    """Fail the consent fields that must be ticked, next to their checkboxes."""
    if answers is None:
        return
    if answers.new and not answers.given.get(Purpose.REGISTRATION):
        checked.fail(
            field_name(Purpose.REGISTRATION),
            _l("Tick this box to register: we cannot register anyone without it."),
        )
    # Someone registered before consents were asked keeps today's rule for a new photo.
    legacy = not answers.new and Purpose.PHOTO not in consents.current(answers.participant_id)
    if photo_added and not answers.given.get(Purpose.PHOTO) and not legacy:
        checked.fail(
            field_name(Purpose.PHOTO),
            _l(
                "You have added a photo: tick this box so that it can be printed on the badge "
                "and shown at the gates, or leave the photo out."
            ),
        )


def save(event, participant_id: int, answers: Answers | None) -> None:
    """Record the answers (a new registration: all; later: what changed, never withdrawing
    the registration consent here; a box never answered is recorded only when ticked)."""
    if answers is None:
        return
    given = dict(answers.given)
    if not answers.new:
        given.pop(Purpose.REGISTRATION, None)
        now = consents.current(participant_id)
        given = {
            purpose: yes
            for purpose, yes in given.items()
            if (purpose in now and now[purpose].given != yes) or (purpose not in now and yes)
        }
    consents.record(
        event,
        participant_id,
        given,
        language=answers.language,
        source=answers.source,
        actor=answers.actor,
    )


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
        "consent_long": LONG_NOTICE,
        "consent_current": consents.current(participant_id) if participant_id else {},
    }
