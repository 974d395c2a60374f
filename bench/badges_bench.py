"""Badge printing speed, all in one run on the same data: the demo week's approved
participants (cycled up to 5,000 badges), drawn the way EventHub draws them (QR codes as
vector paths with a fixed mask, several processes, parts joined), against

- the baseline: the same layout and pipeline with each QR code drawn as a raster image made
  by qrcode's defaults (every mask tried, a PIL image), the common way;
- the ceiling: the same with no QR code at all.

    .venv/bin/python bench/badges_bench.py                 # A4 sheets (nine cards a page)
    BENCH_LAYOUT=cr80 .venv/bin/python bench/badges_bench.py

Goal (issue 6): 5,000 badges in under 10 s on this 2-core machine, at least 4x the baseline.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402

from eventhub import create_app  # noqa: E402
from eventhub.badges import issuing, printing, render  # noqa: E402
from eventhub.demo.builder import build_demo_if_empty  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402

BADGES = int(os.environ.get("BENCH_BADGES", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LAYOUT = os.environ.get("BENCH_LAYOUT", "a4")


def raster_qr(canvas, code, x, y, size):
    """The baseline: qrcode's usual way, every mask tried, the code as a bitmap."""
    image = qrcode.make(code, border=0).get_image()
    canvas.drawImage(ImageReader(image), x, y, size, size)


def no_qr(canvas, code, x, y, size):
    pass


def timed(event, people, draw_qr) -> float:
    render.draw_qr = draw_qr  # forked workers inherit the swap
    started = time.perf_counter()
    out = io.BytesIO()
    printing.write_badges(event, people, out, layout=LAYOUT, release=db.session.commit)
    return time.perf_counter() - started


def main() -> None:
    folder = tempfile.mkdtemp(prefix="eventhub-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ.get("EVENTHUB_DATABASE_URL")
            or f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        upgrade()
        build_demo_if_empty()
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        approved = list(db.session.scalars(printing.batch_query(event, printing.BatchFilters())))
        people = list(islice(cycle(approved), BADGES))
        issuing.badges_for(approved)
        db.session.commit()
        ours_draw = render.draw_qr
        results = {}
        for name, draw in (("ours", ours_draw), ("raster", raster_qr), ("no QR", no_qr)):
            results[name] = [timed(event, people, draw) for _run in range(RUNS)]
        render.draw_qr = ours_draw
    print(
        f"{BADGES} badges ({len(approved)} approved demo participants, cycled), layout "
        f"{LAYOUT}, {printing.WORKERS} processes, median of {RUNS}:"
    )
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, median in medians.items():
        print(f"  {name:<7} {median:6.2f} s  {BADGES / median:7.0f} badges/s")
    print(f"  ours vs raster baseline: {medians['raster'] / medians['ours']:.1f}x faster")
    print(f"  ours vs no-QR ceiling:   {medians['ours'] / medians['no QR']:.2f}x the time")


if __name__ == "__main__":
    main()
