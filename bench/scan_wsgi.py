"""The app as gunicorn serves it for the scan benchmark, plus a bare JSON endpoint measured
in the same server as the baseline. Rate limits off: one client sends everything."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import jsonify  # noqa: E402

from eventhub import create_app  # noqa: E402
from eventhub.extensions import csrf  # noqa: E402

app = create_app({"RATELIMIT_ENABLED": False})


@app.post("/bench/bare")
def bare():
    """Parses a JSON body and answers JSON: what any endpoint does, and nothing else."""
    from flask import request

    body = request.get_json(silent=True) or {}
    return jsonify({"result": "ok", "echo": body.get("code", "")[:4]})


csrf.exempt(bare)  # a JSON client, like the API's
