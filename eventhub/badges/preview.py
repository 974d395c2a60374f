"""The print preview: every badge of a run measured (badges.layout) before it is drawn, and
each that would not print whole listed with its holder and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from eventhub.badges.issuing import chunks
from eventhub.badges.layout import Problem, measure_front
from eventhub.badges.printing import BatchFilters, badge_data, batch_query
from eventhub.badges.render import A6, CR80
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.pdf import register_fonts

BLOCK_LABELS = {
    "name": _l("Name"),
    "latin_name": _l("Name in Latin letters"),
    "position": _l("Title"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
}
SHOWN = 200  # findings kept for the page; the count covers them all


@dataclass
class Finding:
    participant_id: int
    name: str
    problems: list[Problem]

    def says(self) -> list[str]:
        """Each problem as the organiser reads it."""
        out = []
        for p in self.problems:
            block = BLOCK_LABELS.get(p.block, p.block)
            if p.kind == "clipped":
                out.append(
                    str(_l("%(block)s does not fit above the band: it would be cut.", block=block))
                )
            elif p.kind == "below-floor":
                out.append(
                    str(
                        _l(
                            "%(block)s would shrink to %(size)s pt, below the smallest size "
                            "allowed (%(floor)s pt).",
                            block=block,
                            size=f"{p.size:g}",
                            floor=f"{p.floor:g}",
                        )
                    )
                )
            else:
                out.append(str(_l("%(block)s would be squeezed narrower to fit.", block=block)))
        return out

    def as_dict(self) -> dict:
        return {"participant_id": self.participant_id, "name": self.name, "says": self.says()}


def badge_size(layout: str) -> tuple[float, float]:
    """The badge's own size (A4 sheets hold CR80 cards)."""
    return A6 if layout == "a6" else CR80


def preview(event: Event, filters: BatchFilters, layout: str) -> tuple[int, list[Finding]]:
    """How many badges the run holds and those that would not print whole. Read-only: the
    badges' texts and whether each has a photo are measured; no badge is created, no code
    signed, no photo read."""
    register_fonts()
    w, h = badge_size(layout)
    people = list(db.session.scalars(batch_query(event, filters)))
    findings = []
    for part in chunks(people, 400):
        for person, data in zip(part, badge_data(event, part, measure_only=True), strict=True):
            problems = measure_front(data, 0, 0, w, h).problems
            if problems:
                findings.append(Finding(person.id, data.latin_name, problems))
    return len(people), findings
