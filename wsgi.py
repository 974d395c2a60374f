"""Entry point for WSGI servers: `gunicorn -w 4 wsgi:app`."""

from eventhub import create_app

app = create_app()
