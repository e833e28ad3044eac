"""make bench: builds a large data set in a throw-away database and prints timings and query counts.

Figures, not assertions: the query-count tests hold the line; this shows how it feels at scale.
Usage: .venv/bin/python scripts/bench.py [--applications 600] [--repeat 5]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbase.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["PILOTBASE_VAR_DIR"] = tempfile.mkdtemp(prefix="pilotbase-bench-")
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["EMAIL_URL"] = "dummymail://"  # mail is recorded as Delivery rows but goes nowhere  # tasks inline: the bench measures pages, not the broker

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

# (persona, url name, args) — list pages of every role.
PAGES = [
    ("applicant", "dashboard", []),
    ("applicant", "applications:mine", []),
    ("applicant", "applications:call_list", []),
    ("department", "dashboard", []),
    ("department", "applications:list", []),
    ("authority", "dashboard", []),
    ("authority", "reviews:rec_queue", []),
    ("authority", "reviews:rec_batches", []),
    ("department", "reviews:fc_queue", []),
    ("department", "reviews:assess_commissions", []),
    ("expert", "reviews:assess_my", []),
    ("department", "reviews:assess_ranked", []),
    ("department", "reviews:notice_list", []),
    ("department", "reviews:cert_base_list", []),
    (None, "public:base_list", []),
    (None, "public:notice_list", []),
]


def build(n_applications: int) -> dict:
    from pilotbase.demo import seed_core
    from tests import factories as f

    call_command("migrate", verbosity=0)
    core = seed_core()
    call = f.CallFactory(title="基准测试批次")
    applicants = core["applicants"]
    from applications.models import Application

    start = time.perf_counter()
    for i in range(n_applications):
        org = applicants[i % len(applicants)]
        f.ApplicationFactory(call=call, applicant=org, authority=org.authority, name=f"广西基准{i}科技成果转化中试研究基地")
    print(f"built {Application.objects.count()} applications in {time.perf_counter() - start:.1f} s")
    return core


def submit_some(core, n: int) -> None:
    from applications.models import Application

    try:
        from applications.services import application_submit
    except ImportError:
        return
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.demo import tiny_pdf
    from applications.services import attachment_add
    from pilotbase.models import Role, User

    user_of = {u.organization_id: u for u in User.objects.filter(role=Role.APPLICANT)}
    pdf = tiny_pdf("bench")
    t0 = time.perf_counter()
    for app in Application.objects.filter(state="draft").select_related("applicant", "call")[:n]:
        actor = user_of[app.applicant_id]
        for requirement in app.required_attachments():
            attachment_add(application=app, requirement=requirement, actor=actor,
                           uploaded_file=SimpleUploadedFile(f"{requirement.code}.pdf", pdf, "application/pdf"))
        try:
            application_submit(application=app, actor=actor)
        except Exception as exc:  # a bench reports, it does not stop
            print(f"  submit failed for {app.pk}: {exc}")
            break
    print(f"submitted {n} applications (attachments, snapshot, acceptance number, PDF task inline) in "
          f"{time.perf_counter() - t0:.1f} s")


def measure(users: dict, repeat: int) -> None:
    print(f"\n{'role':<11} {'page':<40} {'status':>6} {'queries':>8} {'median ms':>10} {'max ms':>8}")
    for persona, name, args in PAGES:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            print(f"{persona or 'public':<11} {name:<40} {'n/a':>6}")
            continue
        client = Client()
        if persona:
            client.force_login(users[persona])
        times, queries, status = [], 0, 0
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            queries, status = len(ctx.captured_queries), response.status_code
        print(f"{persona or 'public':<11} {name:<40} {status:>6} {queries:>8} {statistics.median(times):>10.1f} "
              f"{max(times):>8.1f}")


def pdf_timing() -> None:
    from applications.models import Application

    try:
        from applications.pdf import application_pdf_bytes
    except ImportError:
        return
    app = Application.objects.exclude(acceptance_no=None).first()
    if app is None:
        return
    snapshot = app.snapshots.order_by("-version").first()
    t0 = time.perf_counter()
    data = application_pdf_bytes(application=app, snapshot=snapshot)
    print(f"\napplication form PDF: {len(data) / 1024:.0f} KiB in {(time.perf_counter() - t0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--submitted", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    core = build(args.applications)
    submit_some(core, args.submitted)
    users = core["users"]
    measure(users, args.repeat)
    pdf_timing()


if __name__ == "__main__":
    main()
