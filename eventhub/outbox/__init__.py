"""The outbox: mail stored with the change that causes it, sent after commit by the job
worker with retries, each delivery recorded and shown to organisers."""

from flask import Blueprint

bp = Blueprint("outbox", __name__)

from eventhub.outbox import views  # noqa: E402,F401
