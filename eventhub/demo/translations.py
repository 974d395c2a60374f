"""Thai and Vietnamese for a few of the demo week's texts: the event, some activities, the
gates and the notice to guests, so a Thai or Vietnamese reader sees them (the rest in English)."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.checkin.models import Checkpoint
from eventhub.events.content import ContentTranslation, english
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import Activity

EVENT_TEXTS = {
    "name": {
        "th": "สัปดาห์ความร่วมมือด้านการศึกษาจีน–อาเซียน 2025",
        "vi": "Tuần lễ Hợp tác Giáo dục Trung Quốc – ASEAN 2025",
    },
    "city": {"th": "กุ้ยหยาง", "vi": "Quý Dương"},
    "guest_notice": {
        "th": "โปรดนำหนังสือเดินทางและบัตรผู้เข้าร่วมงานมาทุกวัน "
        "รถรับส่งออกจากโรงแรมที่พักอย่างเป็นทางการตั้งแต่เวลา 07:30 น.",
        "vi": "Xin mang theo hộ chiếu và thẻ đại biểu mỗi ngày. "
        "Xe đưa đón khởi hành từ các khách sạn chính thức từ 07:30.",
    },
    "registration_help": {
        "th": "โปรดเตรียมหนังสือเดินทางและรูปถ่ายล่าสุดไว้ให้พร้อม สอบถาม: registration@caecw.example",
        "vi": "Xin chuẩn bị sẵn hộ chiếu và một ảnh chụp gần đây. "
        "Thắc mắc: registration@caecw.example",
    },
    "email_note": {
        "th": "เราหวังว่าจะได้ต้อนรับท่านที่กุ้ยหยาง",
        "vi": "Chúng tôi mong được đón tiếp quý vị tại Quý Dương.",
    },
}
ACTIVITY_TITLES = {
    "Opening Ceremony": {"th": "พิธีเปิด", "vi": "Lễ khai mạc"},
    "High-level Plenary: Education for a Shared Future": {
        "th": "การประชุมใหญ่ระดับสูง: การศึกษาเพื่ออนาคตร่วมกัน",
        "vi": "Phiên toàn thể cấp cao: Giáo dục vì tương lai chung",
    },
    "Welcome Banquet": {"th": "งานเลี้ยงต้อนรับ", "vi": "Tiệc chào mừng"},
    "Signing Ceremony I: University Partnerships": {
        "th": "พิธีลงนาม (1): ความร่วมมือระหว่างมหาวิทยาลัย",
        "vi": "Lễ ký kết I: Hợp tác giữa các trường đại học",
    },
    "Signing Ceremony II: Enterprises and Industry": {
        "th": "พิธีลงนาม (2): ความร่วมมือกับภาคธุรกิจและอุตสาหกรรม",
        "vi": "Lễ ký kết II: Hợp tác với doanh nghiệp và ngành công nghiệp",
    },
}
CHECKPOINT_NAMES = {
    "main-entrance": {"th": "ทางเข้าหลัก", "vi": "Lối vào chính"},
    "vip-lounge": {"th": "ห้องรับรองวีไอพี", "vi": "Phòng chờ VIP"},
    "plenary-hall": {"th": "ห้องประชุมใหญ่", "vi": "Hội trường toàn thể"},
    "media-centre": {"th": "ศูนย์สื่อมวลชน", "vi": "Trung tâm báo chí"},
}


def build_translations(event: Event, report: list[str]) -> None:
    """Store the texts above for `event` (those already stored are left as they are)."""
    texts = [("event", event, field, by_locale) for field, by_locale in EVENT_TEXTS.items()]
    for activity in db.session.scalars(
        sa.select(Activity).where(
            Activity.event_id == event.id, Activity.title_en.in_(ACTIVITY_TITLES)
        )
    ):
        texts.append(("activity", activity, "title", ACTIVITY_TITLES[activity.title_en]))
    for gate in db.session.scalars(
        sa.select(Checkpoint).where(
            Checkpoint.event_id == event.id, Checkpoint.slug.in_(CHECKPOINT_NAMES)
        )
    ):
        texts.append(("checkpoint", gate, "name", CHECKPOINT_NAMES[gate.slug]))
    stored = {
        (row.kind, row.object_id, row.field, row.locale)
        for row in db.session.scalars(
            sa.select(ContentTranslation).where(ContentTranslation.event_id == event.id)
        )
    }
    added = 0
    for kind, obj, field, by_locale in texts:
        source = english(obj, field)
        for locale, text in by_locale.items():
            if not source or (kind, obj.id, field, locale) in stored:
                continue
            db.session.add(
                ContentTranslation(
                    event_id=event.id,
                    kind=kind,
                    object_id=obj.id,
                    field=field,
                    locale=locale,
                    text=text,
                    source=source,
                )
            )
            added += 1
    db.session.flush()
    report.append(f"Translations (Thai, Vietnamese): {added} added.")
