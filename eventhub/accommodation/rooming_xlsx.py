"""The rooming list as a workbook for the hotel's reservations desk: one row per guest (the
room's columns on its first guest), a column saying what changed since the list sent, the
cancelled rooms at the end, and a sheet of rooms booked against contracted per night.
Headings are in English and Chinese: the hotel reads one, the organisers the other."""

from __future__ import annotations

import io

from eventhub.accommodation.rooming_lists import Guest, Line, RoomingList, local
from eventhub.registration.exports import _text_cell

HEADER = [
    "Change 变更",
    "Room 房号",
    "Room type 房型",
    "Class 等级",
    "Name (passport) 护照姓名",
    "Name (own script) 本国文字姓名",
    "Nationality 国籍",
    "Delegation 代表团",
    "Arrival 抵达",
    "Flight 航班",
    "Departure 离开",
    "Flight 航班",
    "First night 首晚",
    "Last night 末晚",
    "Nights 晚数",
    "Notes 备注",
]
SUMMARY = ["Night 日期", "Room type 房型", "Booked 已订", "Contracted 协议", "Cut-off 截止日期"]
ERASED = "(erased 已删除)"


def change_label(change) -> str:
    """What the change column says: new / changed (what) / cancelled, and the cut-off."""
    if change is None:
        return ""
    words = {
        "added": "new 新增",
        "cancelled": "cancelled 取消",
        "changed": "changed 变更: " + ", ".join(change.fields),
    }[change.kind]
    if change.after_cut_off:
        late = change.late_nights
        nights = (
            ", ".join(night.isoformat() for night in late)
            if len(late) <= 2
            else f"{late[0].isoformat()} – {late[-1].isoformat()}, {len(late)}"
        )
        words += f" — after cut-off 已过截止日期 ({nights})"
    return words


def notes_of(line: Line) -> str:
    notes = []
    if line.accessible:
        notes.append("accessible 无障碍")
    if any(guest.accessible for guest in line.guests):
        notes.append("guest needs step-free access 客人需无障碍")
    if line.shared:
        notes.append("shared 合住")
    if line.note:
        notes.append(line.note)
    return "; ".join(notes)


def _guest_cells(guest: Guest, listing: RoomingList) -> list:
    if guest.erased:
        return [ERASED, "", "", "", "", "", "", ""]
    return [
        guest.latin,
        guest.native,
        guest.nationality,
        guest.delegation,
        local(guest.arrival, listing.zone),
        guest.arrival_flight,
        local(guest.departure, listing.zone),
        guest.departure_flight,
    ]


def rows(listing: RoomingList) -> list[list]:
    """The list's rows, as the workbook and the page show them."""
    found = []
    for line in listing.lines:
        room = [line.number, line.type_name, line.room_class]
        nights = [line.first_night.isoformat(), line.last_night.isoformat(), line.nights]
        change = change_label(listing.change_of(line.room_id))
        for index, guest in enumerate(line.guests or [Guest(participant_id=0)]):
            first = index == 0
            found.append(
                [
                    change if first else "",
                    *(room if first else ["", "", ""]),
                    *_guest_cells(guest, listing),
                    *(nights if first else ["", "", ""]),
                    notes_of(line) if first else "",
                ]
            )
    for change in listing.cancelled:
        before = change.before
        guests = [listing.former_guests.get(pid) for pid in before["guests"]] or [None]
        for index, guest in enumerate(guests):
            first = index == 0
            found.append(
                [
                    change_label(change) if first else "",
                    "",
                    listing.type_names.get(before["type"], "") if first else "",
                    "",
                    *(_guest_cells(guest, listing) if guest else [ERASED, *[""] * 7]),
                    before["first"] if first else "",
                    before["last"] if first else "",
                    "",
                    "",
                ]
            )
    return found


def workbook(listing: RoomingList) -> bytes:
    import openpyxl  # noqa: PLC0415 -- late: only the download loads it
    from openpyxl.styles import Font  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    for title, header, body in (
        ("Rooming list 入住名单", HEADER, rows(listing)),
        (
            "Booked vs contracted 预订",
            SUMMARY,
            [
                [
                    c.night.isoformat(),
                    c.type_name,
                    c.booked,
                    c.contracted,
                    c.cut_off.isoformat() if c.cut_off else "",
                ]
                for c in listing.counts
            ],
        ),
    ):
        page = book.create_sheet(title[:31])
        page.freeze_panes = "A2"
        for index, heading in enumerate(header, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            widest = max([len(str(r[index - 1])) for r in body[:200]] + [len(heading)])
            page.column_dimensions[letter].width = min(max(widest + 2, 8), 50)
        cells = []
        for heading in header:
            cell = _text_cell(page, heading)
            cell.font = Font(bold=True)
            cells.append(cell)
        page.append(cells)
        for row in body:
            page.append([_text_cell(page, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
