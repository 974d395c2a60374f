"""Scheduling: venues and rooms, the timetable, the programme, agendas and calendar feeds."""

from flask import Blueprint

bp = Blueprint("scheduling", __name__, url_prefix="/events/<slug>")

from eventhub.scheduling import views  # noqa: E402,F401
