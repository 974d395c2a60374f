"""Certificate printing speed, all in one run on the same data: the demo's 2025 week's
participation certificates (cycled up to 3,700), printed through the production path
(`documents.write_certificates`: PDF/A-3 parts drawn by several processes, joined with qpdf,
the verification data of every certificate embedded), against

- the baseline: the path as it was before issue 20 (one process; each QR code encoded with
  every mask pattern tried and scored, qrcode's `make(fit=True)` default).

    .venv/bin/python bench/certificates_bench.py
    BENCH_CERTIFICATES=1000 BENCH_RUNS=1 .venv/bin/python bench/certificates_bench.py

Goal (issue 20, item 10): 3,700 certificates in under 10 s on this 2-core machine (27 s before).
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

from eventhub import create_app  # noqa: E402
from eventhub.badges.printing import WORKERS  # noqa: E402
from eventhub.certificates import documents, render, services  # noqa: E402
from eventhub.certificates.models import CertificateKind  # noqa: E402
from eventhub.demo.builder import build_demo_if_empty  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402

CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "3700"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def every_mask(url: str) -> list[list[bool]]:
    """The baseline's QR code: qrcode's default, all eight masks tried and scored."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def timed(event, certificates, *, matrix, workers: int) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of this process and its drawing processes (the
    honest figure on a machine others are using too)."""
    render.verification_matrix = matrix  # forked workers inherit the swap
    before, started = os.times(), time.perf_counter()
    out = io.BytesIO()
    documents.write_certificates(
        event, certificates, out, workers=workers, release=db.session.commit
    )
    wall, after = time.perf_counter() - started, os.times()
    cpu = sum(after[:4]) - sum(before[:4])  # user + system, self + children
    return wall, cpu


def main() -> None:
    folder = tempfile.mkdtemp(prefix="eventhub-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ.get("EVENTHUB_DATABASE_URL")
            or f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://127.0.0.1:5000",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        build_demo_if_empty()
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        kind = CertificateKind.PARTICIPATION
        services.issue_certificates(event, kind, actor=None)
        issued = list(db.session.scalars(services.certificates_query(event, kind)))
        db.session.commit()
        certificates = list(islice(cycle(issued), CERTIFICATES))
        ours = render.verification_matrix
        conditions = {"ours": (ours, WORKERS), "baseline": (every_mask, 1)}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in conditions}
        for _round in range(RUNS):  # alternately: a busy moment falls on both
            for name, (matrix, workers) in conditions.items():
                results[name].append(timed(event, certificates, matrix=matrix, workers=workers))
        render.verification_matrix = ours
    print(
        f"{CERTIFICATES} certificates ({len(issued)} issued in the demo's 2025 week, cycled), "
        f"PDF/A-3, {WORKERS} processes, median of {RUNS}:"
    )
    medians = {
        name: (statistics.median(w for w, _c in runs), statistics.median(c for _w, c in runs))
        for name, runs in results.items()
    }
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:<9} {wall:6.2f} s wall  {CERTIFICATES / wall:5.0f}/s   {cpu:6.2f} s CPU")
    ratio = medians["baseline"][0] / medians["ours"][0]
    print(f"  ours vs baseline: {ratio:.1f}x faster (wall)")


if __name__ == "__main__":
    main()
