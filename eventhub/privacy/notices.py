"""The notices a registrant reads before consenting, per event, purpose and language.

Each save adds a version, never rewrites one: a consent points at the words the person saw.
An event with no text of its own shows the built-in one below as version 1; it is stored the
first time a consent (or a new version) refers to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Notice

FALLBACK = "en"
LANGUAGES = ("en", "zh_Hans")  # always offered on the organisers' page
MAX_LENGTH = 5000

DEFAULTS: dict[Purpose, dict[str, str]] = {
    Purpose.REGISTRATION: {
        "en": (
            "The organising committee uses the details you give on this form to register you, "
            "prepare your badge, travel, hotel and meals, and contact you about this event. "
            "Passport data is used only for your visa invitation letter and is stored "
            "encrypted. We keep your data only as long as the event's retention rules allow, "
            "then erase it. You can see, download or ask us to erase your data at any time."
        ),
        "zh_Hans": (
            "组委会使用您在本表中填写的信息为您办理注册，制作证件，安排交通、住宿和餐饮，并就本次活动与您联系。"
            "护照信息仅用于签证邀请函，并加密保存。我们只在活动的保存期限内保留您的数据，到期即删除。"
            "您可以随时查看、下载您的数据，或要求我们删除。"
        ),
    },
    Purpose.PHOTO: {
        "en": (
            "Your photo is printed on your badge and shown to the staff at the entrances, who "
            "compare it with your face when you arrive. Without this consent, your badge is "
            "printed without a photo and the staff see none."
        ),
        "zh_Hans": (
            "您的照片将印在证件上，并显示给入口工作人员，供其在您入场时核对。"
            "若不同意，您的证件将不印照片，工作人员也看不到您的照片。"
        ),
    },
    Purpose.SHARE_HEADS: {
        "en": (
            "Your name, position and country are shown to the heads of the other delegations, "
            "so that they can plan meetings and seating. Nothing else is shared with them."
        ),
        "zh_Hans": (
            "您的姓名、职务和国家将展示给其他代表团团长，以便安排会见和座次。"
            "不会向他们提供其他信息。"
        ),
    },
    Purpose.PUBLIC_LIST: {
        "en": (
            "Your name, organisation and country appear in the public list of participants "
            "on the event's website and in the printed programme."
        ),
        "zh_Hans": "您的姓名、单位和国家将出现在活动网站和印刷版日程的公开参会人员名单中。",
    },
    Purpose.MARKETING: {
        "en": (
            "We may write to you about later editions of the week. You can stop these emails "
            "at any time from your registration page."
        ),
        "zh_Hans": "我们可能会就今后各届活动周与您联系。您可以随时在您的注册页面停止接收这些邮件。",
    },
    Purpose.TRANSFER_ABROAD: {
        "en": (
            "What is sent: your name, position, organisation, country, travel dates and, if "
            "you asked for a visa letter, your passport number and date of birth. "
            "To whom: the governments and embassies of the delegations taking part, and the "
            "partner institutions abroad that co-organise the sessions you attend. "
            "Why: to arrange visas, protocol, security and your sessions; they use it for this "
            "event only. You may refuse: your registration goes ahead all the same, but we "
            "will not send your data outside China, which may slow visa support. You can "
            "change your answer on your registration page, and ask the organisers for a copy "
            "or the erasure of your data."
        ),
        "zh_Hans": (
            "发送的信息：您的姓名、职务、单位、国家、行程日期；如您申请了签证邀请函，还包括护照号码和出生日期。"
            "接收方：参会代表团所在国政府及使馆，以及与您参加的活动共同主办的境外合作机构。"
            "目的：办理签证、礼宾、安保及相关活动安排，仅用于本次活动。"
            "您可以拒绝：拒绝不影响您的注册，但我们将不会向中国境外发送您的数据，这可能会延缓签证办理。"
            "您可以在注册页面更改您的选择，也可以要求组委会提供您数据的副本或删除您的数据。"
        ),
    },
}


@dataclass(frozen=True)
class Shown:
    """A notice as shown: the text, its version and the language it is actually in (the
    English one when the asked language has none)."""

    purpose: Purpose
    language: str
    version: int
    text: str
    notice: Notice | None  # None: the built-in text, not stored yet
    asked: str  # the language asked for

    @property
    def fell_back(self) -> bool:
        return self.language != self.asked

    @property
    def first_sentence(self) -> str:
        """The opening sentence, shown above a long notice folded away."""
        for end in ("。", ". ", "\n"):
            if end in self.text:
                return self.text.split(end, 1)[0] + end.strip()
        return self.text

    @property
    def after_first_sentence(self) -> str:
        """What the folded notice shows once opened: the rest, not its opening again."""
        return self.text[len(self.first_sentence) :].strip()

    @property
    def created_at(self) -> datetime | None:
        return self.notice.created_at if self.notice else None


def _latest(event, purpose: Purpose, language: str) -> Notice | None:
    return db.session.scalar(
        sa.select(Notice)
        .where(Notice.event_id == event.id, Notice.purpose == purpose, Notice.language == language)
        .order_by(Notice.version.desc())
        .limit(1)
    )


def _base(language: str) -> str:
    """zh_Hans_CN -> zh_Hans; en_GB -> en (the texts are kept per base language)."""
    if language.startswith("zh"):
        return "zh_Hans"
    return (language or FALLBACK).split("_")[0].split("-")[0] or FALLBACK


def current(event, purpose: Purpose, language: str) -> Shown:
    """The text to show in `language`, falling back to English when it has none."""
    asked = _base(language or FALLBACK)
    for lang in dict.fromkeys((asked, FALLBACK)):
        stored = _latest(event, purpose, lang)
        if stored is not None:
            return Shown(purpose, lang, stored.version, stored.text, stored, asked)
        if lang in DEFAULTS[purpose]:
            return Shown(purpose, lang, 1, DEFAULTS[purpose][lang], None, asked)
    raise LookupError(purpose)  # every purpose has an English default


def seen(event, purpose: Purpose, language: str, version: int) -> Shown | None:
    """The notice a page showed: `version` of the text in `language` (None if there is none)."""
    notice = db.session.scalar(
        sa.select(Notice).where(
            Notice.event_id == event.id,
            Notice.purpose == purpose,
            Notice.language == language,
            Notice.version == version,
        )
    )
    if notice is not None:
        return Shown(purpose, language, version, notice.text, notice, language)
    if version == 1 and language in DEFAULTS[purpose] and _latest(event, purpose, language) is None:
        return Shown(purpose, language, 1, DEFAULTS[purpose][language], None, language)
    return None


def all_current(event, language: str) -> dict[Purpose, Shown]:
    return {purpose: current(event, purpose, language) for purpose in Purpose}


def stored(event, shown: Shown) -> Notice:
    """The notice row behind `shown` (the built-in text stored as version 1 the first time
    a consent refers to it; a simultaneous first store is read back)."""
    if shown.notice is not None:
        return shown.notice
    notice = Notice(
        event_id=event.id,
        purpose=shown.purpose,
        language=shown.language,
        version=1,
        text=shown.text,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except sa.exc.IntegrityError:
        notice = _latest(event, shown.purpose, shown.language)
        assert notice is not None  # noqa: S101 -- the other insert committed it
    return notice


def save(event, purpose: Purpose, language: str, text: str, actor) -> Notice | None:
    """Add a version of the notice; None when the text is the current one (nothing added).
    The caller checks the text is neither empty nor longer than MAX_LENGTH."""
    text = text.replace("\r\n", "\n").strip()
    shown = current(event, purpose, language)
    if shown.language == _base(language) and shown.text == text:
        return None
    version = 1
    if shown.language == _base(language):  # the built-in text becomes version 1 first
        version = stored(event, shown).version + 1
    notice = Notice(
        event_id=event.id,
        purpose=purpose,
        language=_base(language),
        version=version,
        text=text,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(notice)
    db.session.flush()
    audit.record(
        "notice.save",
        notice,
        actor=actor,
        event_id=event.id,
        changes={
            "purpose": [None, purpose.value],
            "language": [None, notice.language],
            "version": [version - 1 or None, version],
        },
    )
    return notice


def history(event) -> list[Notice]:
    """Every stored version, newest first within each purpose and language."""
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.event_id == event.id)
            .order_by(Notice.purpose, Notice.language, Notice.version.desc())
        )
    )
