"""Bad input, bounded (issue 17): how long each hostile upload or body takes to be refused,
and how much memory it costs, each case in a fresh process (ru_maxrss is per process).

    .venv/bin/python bench/bad_input.py              # every case, a table for the README
    .venv/bin/python bench/bad_input.py xlsx-bomb    # the cases named
    .venv/bin/python bench/bad_input.py --one png-bomb  # one case, as JSON

For the spreadsheet bomb, the unbounded path (openpyxl loading the workbook, as the import
did before) is measured too, as the baseline. Timings: one run each (a refusal is
deterministic); the memory column is the process's peak growth during the call
(ru_maxrss after minus before) and tracemalloc's peak of Python allocations in a second call.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLUG = "bench-bad-input"


_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _shared(source: zipfile.ZipFile, item: zipfile.ZipInfo) -> bytes:
    """The part, rewritten as Excel saves it: texts in the shared strings (openpyxl writes
    them inline), which Excel and openpyxl read whole when the workbook opens."""
    data = source.read(item)
    if item.filename == "[Content_Types].xml":
        return data.replace(b"</Types>", _STRINGS_TYPE)
    if item.filename == "xl/worksheets/sheet1.xml":
        numbers = itertools.count()
        return re.sub(
            rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>[^<]*</t></is></c>',
            lambda m: b'<c r="%s" t="s"><v>%d</v></c>' % (m.group(1), next(numbers)),
            data,
        )
    return data


def xlsx_bomb(megabytes: int = 100) -> bytes:
    """The issue's file: a valid workbook of a few hundred KB whose shared strings expand to
    `megabytes` MB."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Family name", "Given name"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, _shared(source, item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            strings.write(b'2006/main"><si><t>Family name</t></si><si><t>Given name</t></si>')
            # A thousand different names over and over: about 300 times smaller packed,
            # like the file (272 KB expanding to 100 MB).
            block = b"".join(b"<si><t>Name %04d</t></si>" % (n % 1000) for n in range(40_000))
            for _ in range(megabytes * 1024 * 1024 // len(block)):
                strings.write(block)
            strings.write(b"</sst>")
    return out.getvalue()


def xlsx_texts(megabytes: int = 45) -> bytes:
    """Under every size and packing limit: 45 MB of different short texts (2 million, where
    a list of 10,000 rows of 60 columns holds at most 600,000): the worst a check must read."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Family name"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, _shared(source, item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            strings.write(b'2006/main"><si><t>Family name</t></si>')
            count = megabytes * 1024 * 1024 // 24
            for start in range(0, count, 100_000):
                strings.write(
                    b"".join(b"<si><t>N%08d</t></si>" % n for n in range(start, start + 100_000))
                )
            strings.write(b"</sst>")
    return out.getvalue()


def xlsx_wide(rows: int = 5, cells: int = 540_000) -> bytes:
    """The tester's file: within every limit (5 MB, 43 MB unpacked, packed 8.7 times), a
    header and `rows` rows of `cells` numbers each; refused only for its columns."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Family name", "Given name"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            sheet.write(b"Family name</t></is></c></row>")
            digits = random.Random(17)  # one or two digits a cell, as random as real data
            for number in range(2, rows + 2):
                sheet.write(b'<row r="%d">' % number)
                for start in range(0, cells, 60_000):
                    count = min(cells, start + 60_000) - start
                    sheet.write(
                        b"".join(b"<c><v>%d</v></c>" % digits.randrange(100) for _ in range(count))
                    )
                sheet.write(b"</row>")
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def png_bomb() -> bytes:
    """A decodable 1-bit PNG of 64 million pixels (a few KB; 192 MB once decoded to RGB)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    return out.getvalue()


def _app():
    from eventhub import create_app

    folder = tempfile.mkdtemp()
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "memory",
        }
    )


def _api(app, path_of, body_of):
    """A call that posts a hostile JSON body to the API with a valid token."""
    from flask_migrate import upgrade

    from eventhub.events.models import Event
    from eventhub.extensions import db

    with app.app_context():
        upgrade()
        db.session.add(
            Event(
                slug=SLUG,
                name_en="Bench",
                name_zh="基准",
                city_en="Guiyang",
                starts_on=date(2025, 7, 24),
                ends_on=date(2025, 7, 27),
                registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    role = "partner" if "registrations" in path_of else "staff"
    result = app.test_cli_runner().invoke(
        args=["create-token", "--role", role, "--event", SLUG, "--all-checkpoints"]
    )
    token = result.stdout.strip().splitlines()[0]
    client, body = app.test_client(), body_of()

    def call():
        response = client.post(
            path_of,
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.status_code, response.get_json()["message"]

    return call, len(body)


def _deep(levels: int) -> str:
    return json.dumps({"code": "X", "checkpoint": "main-entrance", "client_scan_id": "b"})[:-1] + (
        ', "x": ' + "[" * levels + "]" * levels + "}"
    )


def case(name: str):
    """(call, input size in bytes) for a case; the call returns (outcome, message)."""
    from eventhub.registration import reading
    from eventhub.registration.photos import PhotoInvalid, prepare_photo

    def refusing(action):
        def call():
            try:
                action()
            except (reading.ImportUnreadable, PhotoInvalid) as error:
                return "refused", str(error)
            return "accepted", ""

        return call

    if name == "xlsx-bomb":
        content, app = xlsx_bomb(), _app()

        def read():
            with app.app_context():
                reading.read_table(content)

        return refusing(read), len(content)
    if name == "xlsx-many-texts":
        content, app = xlsx_texts(), _app()

        def read_texts():
            with app.app_context():
                reading.read_table(content)

        return refusing(read_texts), len(content)
    if name == "xlsx-wide":
        content, app = xlsx_wide(), _app()

        def read_wide():
            with app.app_context():
                reading.read_table(content)

        return refusing(read_wide), len(content)
    if name == "xlsx-bomb-unbounded":
        import openpyxl

        content = xlsx_bomb()

        def load():
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = list(book.worksheets[0].iter_rows(values_only=True))
            book.close()
            return "accepted (parsed)", f"{len(rows)} rows"

        return load, len(content)
    if name == "png-bomb":
        content = png_bomb()
        return refusing(lambda: prepare_photo(content)), len(content)
    scans, batch = "/api/v1/scans", "/api/v1/scans/batch"
    registrations = f"/api/v1/events/{SLUG}/registrations"
    bodies = {
        "json-1000-deep": (scans, lambda: _deep(1000)),
        "json-100000-deep": (scans, lambda: _deep(100_000)),
        "json-100-deep-batch": (batch, lambda: '{"scans": [' + _deep(100) + "]}"),
        "json-100kb-text": (
            registrations,
            lambda: json.dumps({"given_name": "x" * 100_000, "country": "LA"}),
        ),
        "json-1mb-text": (
            registrations,
            lambda: json.dumps({"given_name": "x" * (1024 * 1024), "country": "LA"}),
        ),
    }
    path, body = bodies[name]
    return _api(_app(), path, body)


CASES = [
    "xlsx-bomb",
    "xlsx-bomb-unbounded",
    "xlsx-many-texts",
    "xlsx-wide",
    "png-bomb",
    "json-1000-deep",
    "json-100000-deep",
    "json-100-deep-batch",
    "json-100kb-text",
    "json-1mb-text",
]


def measure(name: str) -> dict:
    call, size = case(name)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    outcome, message = call()
    seconds = time.perf_counter() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    traced = None
    if os.environ.get("BENCH_TRACEMALLOC", "1") == "1" and name != "xlsx-bomb-unbounded":
        tracemalloc.start()
        call()
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "case": name,
        "input_kb": round(size / 1024),
        "outcome": outcome,
        "message": str(message)[:90],
        "seconds": round(seconds, 3),
        "rss_growth_mb": round(grown / 1024, 1),
        "traced_peak_kb": None if traced is None else round(traced / 1024),
    }


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2]), ensure_ascii=False))
        return
    print("| case | input | outcome | time | RSS growth | Python peak | message |")
    print("|---|---|---|---|---|---|---|")
    for name in sys.argv[1:] or CASES:
        done = subprocess.run(
            [sys.executable, __file__, "--one", name],
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if done.returncode != 0:
            print(f"| {name} | | failed: {done.stderr.strip().splitlines()[-1]} | | | | |")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        traced = "" if r["traced_peak_kb"] is None else f"{r['traced_peak_kb']:,} KB"
        print(
            f"| {r['case']} | {r['input_kb']} KB | {r['outcome']} | {r['seconds']} s | "
            f"{r['rss_growth_mb']} MB | {traced} | {r['message']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
