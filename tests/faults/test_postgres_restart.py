"""PostgreSQL restarted under load — a cluster of the test's own, never the machine's. gunicorn serves the
portal from it while applicants submit; the database is stopped for two seconds and started again. Requests in
that window answer 503 (the portal's page, Retry-After), a submission is either whole (state, 受理编号, one
logged transition, its snapshot, its notice) or not there at all, and the same gunicorn workers serve again
once the database is back (CONN_HEALTH_CHECKS reconnects; nothing restarted)."""

import http.client
import json
import subprocess
import sys
import threading
import time

import pytest

from .procs import BASE_DIR, _stop, free_port, portal_env, run_portal, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

APPLICATIONS = 40

WORLD = """
import json
from django.test import Client
from applications import services as intake
from tests import factories as f
from tests import pipeline
authority = f.AuthorityUserFactory()
applicant = f.ApplicantUserFactory(organization__authority=authority.organization)
call = f.CallFactory()
ids = []
for i in range({n}):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    for req in app.required_attachments():
        intake.attachment_add(application=app, requirement=req, actor=applicant,
                              uploaded_file=pipeline.pdf(req.code + ".pdf"))
    ids.append(app.pk)
client = Client()
client.force_login(applicant)
print("WORLD", json.dumps({{"ids": ids, "session": client.cookies["sessionid"].value}}))
"""

AUDIT = """
import json
from django.contrib.contenttypes.models import ContentType
from applications.models import Application, Snapshot
from pilotbase.models import Notification, TransitionLog
kind = ContentType.objects.get_for_model(Application)
rows = {}
for app in Application.objects.all():
    rows[app.pk] = [app.state, bool(app.acceptance_no), app.version,
                    TransitionLog.objects.filter(record_type=kind, record_id=app.pk, transition="submit").count(),
                    Snapshot.objects.filter(application=app).count(),
                    Notification.objects.filter(url=f"/applications/{app.pk}/").count()]
print("AUDIT", json.dumps(rows))
"""

CSRF = "f" * 32  # an unmasked CSRF secret: the cookie and the header carry the same one


class Gunicorn:
    def __init__(self, env, workdir):
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        out = open(self.log, "ab")  # noqa: SIM115 (kept open by the child)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pilotbase.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        wait_for(lambda: self.get("/healthz")[0] == 200, timeout=40, what="gunicorn to serve /healthz")

    def request(self, method, path, *, body="", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        except OSError as exc:
            return 0, {}, repr(exc)
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def children(self):
        return open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read().split()


@pytest.fixture
def portal_db(own_postgres, db):
    """The test database's schema (migrated, with its audit trigger) copied into the own cluster's `portal`."""
    from .procs import database_url

    own_postgres.psql("postgres", "CREATE DATABASE portal")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--dbname", database_url()],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "--dbname", own_postgres.url("portal")],
        input=dump,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return own_postgres.url("portal")


def test_postgres_restart_under_load_fails_cleanly_and_recovers(
    own_postgres, portal_db, redis_server, queue, tmp_path
):
    env = portal_env(
        redis_url=redis_server.url,
        var_dir=tmp_path,
        queue=queue,
        DATABASE_URL=portal_db,
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_DEBUG="0",
    )
    made = run_portal(WORLD.format(n=APPLICATIONS), env, timeout=120)
    assert made.returncode == 0, made.stderr
    world = json.loads(made.stdout.split("WORLD ")[1])
    server = Gunicorn(env, tmp_path)
    workers_before = server.children()
    headers = {
        "Cookie": f"sessionid={world['session']}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    pending = list(world["ids"])
    results = []  # (time, application id, status, Retry-After, body)
    lock = threading.Lock()
    stop = threading.Event()

    def applicant_at_a_desk():
        while not stop.is_set():
            with lock:
                if not pending:
                    return
                pk = pending.pop(0)
            while not stop.is_set():  # the applicant presses 提交 again until the portal answers
                status, got, body = server.request(
                    "POST", f"/applications/{pk}/submit/", body="expected_state=draft", headers=headers
                )
                with lock:
                    results.append((time.monotonic(), pk, status, got.get("Retry-After"), body))
                if status == 302:
                    break
                time.sleep(0.2)

    try:
        threads = [threading.Thread(target=applicant_at_a_desk) for _ in range(3)]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(results) >= 3, timeout=30, what="the first submissions")
        own_postgres.stop("fast")  # in-flight transactions are cut off
        down_at = time.monotonic()
        time.sleep(2)
        own_postgres.start()
        up_at = time.monotonic()
        for thread in threads:
            thread.join(40)
        workers_after = server.children()
    finally:
        stop.set()
        _stop(server.proc)

    statuses = {status for _, _, status, _, _ in results}
    failed = [r for r in results if r[2] != 302]
    assert statuses <= {302, 503}, [(s, b[:300]) for _, _, s, _, b in failed if s != 503]
    assert failed, "no request fell into the restart"
    assert all(after == "10" and "系统暂时不可用" in body for _, _, _, after, body in failed)
    assert all(down_at - 1 < t < up_at + 5 for t, *_ in failed)  # only around the restart
    first_success_after = min(t for t, _, status, _, _ in results if status == 302 and t > up_at)
    assert first_success_after - up_at < 5  # recovered by itself
    print(
        f"{len(results)} requests, {len(failed)} answered 503 around the restart; served again "
        f"{first_success_after - up_at:.2f} s after PostgreSQL was back"
    )
    assert workers_after == workers_before  # the same gunicorn workers: nothing was restarted but PostgreSQL

    audit = run_portal(AUDIT, env)
    assert audit.returncode == 0, audit.stderr
    rows = json.loads(audit.stdout.split("AUDIT ")[1])
    assert len(rows) == APPLICATIONS
    # Each application is whole: submitted with its number, one logged transition, its snapshot, the authority's
    # notice — or still a draft with none of them. Every one was submitted in the end (the applicant retried).
    assert {tuple(row) for row in rows.values()} == {("submitted", True, 1, 1, 1, 1)}
