"""Load and faults on one machine, 127.0.0.1 only, bounded in count and time (issue 8).

    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS eh_faults" \\
        -c "CREATE DATABASE eh_faults"
    EVENTHUB_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/eh_faults \\
        .venv/bin/python bench/faults_bench.py

Two app servers (gunicorn, 2 sync workers each, on two ports) share one PostgreSQL, serving
the demo week with rate limits off (one machine sends everything):

1. Registration burst: REGISTRATIONS registrations of a fresh, open event from CLIENTS
   concurrent clients, each as a browser does (the form's page for its CSRF token and
   cookie, then the post), spread over both servers. Checked: no 5xx, every one in the
   database exactly once.
2. Enrolment race: DELEGATES logged-in delegates want one of SEATS seats of a workshop, all
   at once, each clicking twice (one click to each server, as a retry over a weak network
   does); then CANCELLATIONS of the seated leave at once, also twice each. Checked: no 5xx,
   both clicks of a person get the same answer, SEATS seated and the rest waitlisted, one
   enrolment per person, and the freed seats go to the first on the waiting list.
3. Scanning through faults: DEVICES gate devices scan the demo's badges at the main entrance
   through the API (each badge at two gates, so the same badge races), keeping every scan
   in a queue until the server answers it, as the scanner page does (no network, 5xx or
   429: the same scan again shortly). Meanwhile one worker of each server is killed
   (SIGKILL) and PostgreSQL is restarted. Checked: every scan answered, each recorded
   once, and each badge admitted exactly once with every other scan of it "already
   admitted".

Restarting PostgreSQL needs root (`pg_ctlcluster`); without it that fault is skipped and said.
"""

from __future__ import annotations

import collections
import concurrent.futures
import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORTS = (5081, 5082)
REGISTRATIONS = int(os.environ.get("BENCH_REGISTRATIONS", "1000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
DEVICES = int(os.environ.get("BENCH_DEVICES", "6"))
BADGES = int(os.environ.get("BENCH_BADGES", "1500"))
DELEGATES = int(os.environ.get("BENCH_DELEGATES", "200"))
SEATS = int(os.environ.get("BENCH_SEATS", "50"))
CANCELLATIONS = int(os.environ.get("BENCH_CANCELLATIONS", "20"))
PASSWORD = "enrolment race pw"
DEADLINE = time.monotonic() + float(os.environ.get("BENCH_MAX_SECONDS", "600"))


def prepare(url: str) -> dict:
    """The demo week, an open event for the burst, a workshop with few seats and delegates
    with accounts for the enrolment race, device tokens and badge codes."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from eventhub import create_app
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role, User
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.badges.printing import BatchFilters, batch_query
    from eventhub.demo.builder import build_demo_if_empty
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant, Status
    from eventhub.scheduling.models import Access, Activity, ActivityState

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        build_demo_if_empty()
        week = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))

        def fresh_event(prefix: str, name_en: str, name_zh: str, **values) -> Event:
            """A new event of this run's own (a new address each run: the database may hold
            earlier runs)."""
            event = Event(
                slug=f"{prefix}-{uuid.uuid4().hex[:6]}",
                name_en=name_en,
                name_zh=name_zh,
                city_en="Guiyang",
                starts_on=date(2027, 7, 24),
                ends_on=date(2027, 7, 27),
                **values,
            )
            db.session.add(event)
            db.session.flush()
            return event

        burst = fresh_event(
            "burst",
            "Registration burst",
            "注册高峰",
            registration_opens_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        seats = fresh_event("seats", "Enrolment race", "选课竞争")
        workshop = Activity(
            event_id=seats.id,
            title_en="Popular workshop",
            capacity=SEATS,
            access=Access.REGISTRATION,
            state=ActivityState.PUBLISHED,
            starts_at=datetime(2027, 7, 25, 1, tzinfo=UTC),
            ends_at=datetime(2027, 7, 25, 2, tzinfo=UTC),
        )
        db.session.add(workshop)
        password_hash = auth_services.hash_password(PASSWORD)  # one hash: hashing is slow
        emails = [f"{seats.slug}-{n}@example.edu.la" for n in range(DELEGATES)]
        for n, email in enumerate(emails):
            user = User(email=email, display_name=f"Delegate {n}", password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Participant(
                    event_id=seats.id,
                    user_id=user.id,
                    given_name=f"Delegate {n}",
                    country_code="LA",
                    status=Status.APPROVED,
                )
            )
            auth_services.grant_role(user, seats, Role.DELEGATE)
        tokens = [
            auth_services.issue_api_token(week, Role.STAFF, label=f"Fault gate {n + 1}")[1]
            for n in range(DEVICES)
        ]
        people = list(db.session.scalars(batch_query(week, BatchFilters()).limit(BADGES)))
        codes = [code_of(b) for b in badges_for(people).values()]
        db.session.commit()
        return {
            "burst": burst.slug,
            "burst_id": burst.id,
            "seats": seats.slug,
            "workshop": workshop.id,
            "emails": emails,
            "tokens": tokens,
            "codes": codes,
        }


class Servers:
    """Two gunicorn servers on one database."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self.masters = [
            subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--chdir",
                    str(ROOT / "bench"),
                    "--graceful-timeout",
                    "5",
                    "scan_wsgi:app",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in PORTS
        ]
        for port in PORTS:
            for _attempt in range(150):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json")
                    break
                except OSError:
                    time.sleep(0.2)

    def kill_a_worker_each(self) -> int:
        killed = 0
        for master in self.masters:
            children = subprocess.run(
                ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
            ).stdout.split()
            if children:
                os.kill(int(children[0]), signal.SIGKILL)  # gunicorn starts another
                killed += 1
        return killed

    def stop(self) -> None:
        for master in self.masters:
            master.send_signal(signal.SIGTERM)
        for master in self.masters:
            master.wait(timeout=30)


def restart_postgres() -> str:
    clusters = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    if not clusters or os.geteuid() != 0:
        return "skipped (needs root and pg_ctlcluster)"
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "restart"],
        check=True,
        capture_output=True,
    )
    return f"restarted in {time.monotonic() - started:.1f} s"


# --- 1. registration burst ------------------------------------------------------------------


def register_all(slug: str) -> collections.Counter:
    statuses: collections.Counter = collections.Counter()
    lock = threading.Lock()
    numbers = iter(range(REGISTRATIONS))

    def client(index: int) -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        base = f"http://127.0.0.1:{PORTS[index % 2]}/events/{slug}/register"
        while time.monotonic() < DEADLINE:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            page = opener.open(base).read().decode()
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            form = {
                "csrf_token": token,
                # Names without digits, as on passports: letters tell people apart.
                "given_name": "Burst " + "".join(chr(65 + int(d)) for d in f"{n:04d}"),
                "organisation": "Burst University",
                "country": "TH",
                "category": "delegate",
                "email": f"burst{n}@example.ac.th",
            }
            request = urllib.request.Request(base, data=urllib.parse.urlencode(form).encode())
            try:
                # A redirect to the registrant's own page follows: that page is a 200.
                status = opener.open(request).status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- 2. enrolment race ------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def log_in(email: str, port: int) -> tuple[urllib.request.OpenerDirector, str]:
    """A delegate's browser after logging in: its cookies and the CSRF token of its pages."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    base = f"http://127.0.0.1:{port}/auth/login"
    token = CSRF_INPUT.search(opener.open(base).read().decode()).group(1)
    form = {"csrf_token": token, "email": email, "password": PASSWORD}
    # The login redirects to the list of events, whose logout form carries the token.
    page = opener.open(base, data=urllib.parse.urlencode(form).encode()).read().decode()
    match = CSRF_INPUT.search(page)
    if "/auth/logout" not in page or match is None:
        raise RuntimeError(f"{email} could not log in")
    return opener, match.group(1)


def click_all(
    clicks: list[tuple[str, int]], method: str, setup: dict, browsers: dict
) -> list[tuple[str, int, object]]:
    """Every (email, port) click at once from CLIENTS threads: (email, status, answer)."""
    path = f"/api/v1/events/{setup['seats']}/activities/{setup['workshop']}/enrolment"
    pending = collections.deque(random.sample(clicks, len(clicks)))
    lock = threading.Lock()
    results = []

    def client() -> None:
        while time.monotonic() < DEADLINE:
            with lock:
                if not pending:
                    return
                email, port = pending.popleft()
            opener, token = browsers[email]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", method=method, headers={"X-CSRFToken": token}
            )
            try:
                with opener.open(request, timeout=30) as response:
                    status, answer = response.status, json.loads(response.read())["status"]
            except urllib.error.HTTPError as error:
                status, answer = error.code, error.read()[:200]
            with lock:
                results.append((email, status, answer))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def enrolment_race(url: str, setup: dict) -> dict:
    emails = setup["emails"]
    # Logging in is slow on purpose (password hashing): many at once, as on the day.
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        opened = pool.map(log_in, emails, [PORTS[n % 2] for n in range(len(emails))])
        browsers = dict(zip(emails, opened, strict=True))
    both_servers = [(email, port) for email in emails for port in PORTS]
    joined = click_all(both_servers, "PUT", setup, browsers)
    seated = sorted({email for email, _s, answer in joined if answer == "enrolled"})
    leaving = random.sample(seated, min(CANCELLATIONS, len(seated)))
    # Who should move up: the first on the waiting list, read before anyone leaves.
    waiting = waiting_list(url, setup)
    left = click_all([(e, p) for e in leaving for p in PORTS], "DELETE", setup, browsers)
    return {"joined": joined, "left": left, "leaving": leaving, "waiting": waiting}


def enrolments(url: str, setup: dict) -> list[tuple[str, str]]:
    """(email, status) of every enrolment in the workshop, the waiting list in its order."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT u.email, e.status FROM enrolment e "
                "JOIN participant p ON p.id = e.participant_id "
                'JOIN "user" u ON u.id = p.user_id '
                "WHERE e.activity_id = :activity ORDER BY e.created_at, e.id"
            ),
            {"activity": setup["workshop"]},
        ).all()
    engine.dispose()
    return [(email, str(status).lower()) for email, status in rows]


def waiting_list(url: str, setup: dict) -> list[str]:
    return [email for email, status in enrolments(url, setup) if status == "waitlisted"]


def check_enrolments(url: str, setup: dict, race: dict) -> list[str]:
    problems = []
    for wave, expected in (("joined", {"enrolled", "waitlisted"}), ("left", {"cancelled"})):
        answers = collections.defaultdict(set)
        for email, status, answer in race[wave]:
            if status != 200:
                problems.append(f"{wave}: {email} got {status} {answer!r}")
            answers[email].add(answer)
        split = [email for email, given in answers.items() if len(given) != 1]
        if split:
            problems.append(f"{wave}: {len(split)} people got two different answers")
        if not all(given <= expected for given in answers.values()):
            problems.append(f"{wave}: answers outside {expected}")
    rows = enrolments(url, setup)
    people = collections.Counter(email for email, _status in rows)
    if set(people) != set(setup["emails"]) or any(count != 1 for count in people.values()):
        problems.append(f"{len(rows)} enrolments for {len(setup['emails'])} people")
    statuses = collections.Counter(status for _email, status in rows)
    leaving = len(race["leaving"])
    wanted = {
        "enrolled": SEATS,
        "cancelled": leaving,
        "waitlisted": len(setup["emails"]) - SEATS - leaving,
    }
    if dict(statuses) != wanted:
        problems.append(f"seats {dict(statuses)}, wanted {wanted}")
    now = dict(rows)
    moved_up = race["waiting"][:leaving]
    if any(now[email] != "enrolled" for email in moved_up):
        problems.append("the freed seats did not go to the first on the waiting list")
    return problems


# --- 3. scanning through faults ---------------------------------------------------------------


def scan_through_faults(setup: dict, servers: Servers) -> dict:
    """Each device sends its queue until every scan is answered; returns what was seen."""
    codes = setup["codes"]
    # Every badge at two gates, in a different order at each: the same badge races.
    plans = [[] for _ in range(DEVICES)]
    for n, code in enumerate(codes):
        for device in (n % DEVICES, (n + 1) % DEVICES):
            plans[device].append({"code": code, "client_scan_id": str(uuid.uuid4())})
    for plan in plans:
        random.shuffle(plan)
    answers: dict[str, dict] = {}
    seen: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def device(index: int) -> None:
        queue = collections.deque(plans[index])
        token = setup["tokens"][index]
        while queue and time.monotonic() < DEADLINE:
            item = queue[0]
            body = json.dumps({**item, "checkpoint": "main-entrance"}).encode()
            port = PORTS[(index + len(queue)) % 2]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/scans",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    answer = json.loads(response.read())
            except urllib.error.HTTPError as error:
                with lock:
                    seen[error.code] += 1
                time.sleep(0.2)  # 5xx or 429: the scanner keeps it and tries again
                continue
            except OSError:
                with lock:
                    seen["no connection"] += 1
                time.sleep(0.2)
                continue
            with lock:
                seen[200] += 1
                answers[item["client_scan_id"]] = {**answer, "code": item["code"]}
            queue.popleft()

    threads = [threading.Thread(target=device, args=(i,)) for i in range(DEVICES)]
    for thread in threads:
        thread.start()
    faults = []
    started = time.monotonic()

    def answered() -> str:
        return f"at {time.monotonic() - started:.1f} s ({len(answers)} answered)"

    sent = sum(len(plan) for plan in plans)

    def after(share: float) -> None:
        """Waits until that share of the scans is answered: the faults hit a busy system."""
        while len(answers) < share * sent and any(t.is_alive() for t in threads):
            time.sleep(0.01)

    after(0.2)
    faults.append(f"killed {servers.kill_a_worker_each()} workers {answered()}")
    after(0.4)
    faults.append(f"PostgreSQL {restart_postgres()} {answered()}")
    after(0.7)
    faults.append(f"killed {servers.kill_a_worker_each()} workers {answered()}")
    for thread in threads:
        thread.join()
    return {"answers": answers, "seen": seen, "faults": faults, "sent": sent}


def check_scans(url: str, setup: dict, run: dict) -> list[str]:
    import sqlalchemy as sa

    problems = []
    answers = run["answers"]
    if len(answers) != run["sent"]:
        problems.append(f"{run['sent'] - len(answers)} scans never answered")
    by_code = collections.defaultdict(list)
    for answer in answers.values():
        by_code[answer["code"]].append(answer["result"])
    for code, results in by_code.items():
        if sorted(results) != ["admitted", "already_admitted"]:
            problems.append(f"{code}: {results}")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = collections.Counter(
            connection.execute(
                sa.text("SELECT client_scan_id FROM scan WHERE client_scan_id = ANY(:ids)"),
                {"ids": list(answers)},
            ).scalars()
        )
        admissions = connection.execute(
            sa.text(
                "SELECT count(*), count(DISTINCT a.participant_id) FROM admission a "
                "JOIN scan s ON s.id = a.scan_id WHERE s.client_scan_id = ANY(:ids)"
            ),
            {"ids": list(answers)},
        ).one()
    engine.dispose()
    twice = [key for key, count in stored.items() if count != 1]
    if twice or len(stored) != len(answers):
        problems.append(f"{len(twice)} scans stored twice, {len(answers) - len(stored)} missing")
    if admissions[0] != admissions[1] or admissions[0] != len(by_code):
        problems.append(f"admissions {admissions[0]} for {len(by_code)} badges")
    return problems


def check_registrations(url: str, setup: dict) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        emails = collections.Counter(
            connection.execute(
                sa.text("SELECT email FROM participant WHERE event_id = :event"),
                {"event": setup["burst_id"]},
            ).scalars()
        )
    engine.dispose()
    expected = {f"burst{n}@example.ac.th" for n in range(REGISTRATIONS)}
    problems = []
    if set(emails) != expected:
        problems.append(f"{len(expected - set(emails))} registrations missing")
    if any(count != 1 for count in emails.values()):
        problems.append("a registration stored twice")
    return problems


def main() -> None:
    url = os.environ.get("EVENTHUB_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set EVENTHUB_DATABASE_URL to a PostgreSQL database (see the docstring).")
    folder = tempfile.mkdtemp(prefix="eventhub-faults-")
    env = {**os.environ, "EVENTHUB_INSTANCE_PATH": folder}
    env.setdefault("EVENTHUB_SECRET_KEY", "faults-bench")
    os.environ.update(env)
    setup = prepare(url)
    servers = Servers(env)
    try:
        started = time.monotonic()
        statuses = register_all(setup["burst"])
        burst_seconds = time.monotonic() - started
        started = time.monotonic()
        race = enrolment_race(url, setup)
        race_seconds = time.monotonic() - started
        started = time.monotonic()
        run = scan_through_faults(setup, servers)
        scan_seconds = time.monotonic() - started
    finally:
        servers.stop()
    registration_problems = check_registrations(url, setup)
    enrolment_problems = check_enrolments(url, setup, race)
    scan_problems = check_scans(url, setup, run)
    print(
        f"Registration burst: {REGISTRATIONS} from {CLIENTS} clients over 2 servers in "
        f"{burst_seconds:.1f} s; answers {dict(statuses)}; "
        + ("every one stored once" if not registration_problems else str(registration_problems))
    )
    print(
        f"Enrolment race: {len(setup['emails'])} delegates for {SEATS} seats, each clicking "
        f"on both servers, then {len(race['leaving'])} seated leaving at once, in "
        f"{race_seconds:.1f} s; answers "
        f"{dict(collections.Counter(s for _e, s, _a in race['joined'] + race['left']))}; "
        + (
            f"{SEATS} seated, the rest waitlisted in order, one enrolment each, freed seats "
            "to the first waiting"
            if not enrolment_problems
            else f"PROBLEMS: {enrolment_problems[:10]}"
        )
    )
    print(
        f"Scanning through faults: {run['sent']} scans of {len(setup['codes'])} badges from "
        f"{DEVICES} devices in {scan_seconds:.1f} s; {'; '.join(run['faults'])}; "
        f"attempts {dict(run['seen'])}; "
        + (
            "every scan answered and stored once, each badge admitted once"
            if not scan_problems
            else f"PROBLEMS: {scan_problems[:10]}"
        )
    )
    failed = (
        registration_problems
        or enrolment_problems
        or scan_problems
        or any(s >= 500 for s in statuses)
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
