"""PDFs, the reminder sweep and the Excel export, measured in the same run."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from . import env


def pdfs() -> dict:
    from weasyprint import HTML

    from applications.models import Application
    from pilotbase.models import Certificate

    out = {}
    t0 = time.perf_counter()
    data = HTML(string="<p>中试研究基地</p>").write_pdf()
    out["one-line WeasyPrint"] = {"ms": round((time.perf_counter() - t0) * 1000), "kb": round(len(data) / 1024)}
    try:
        from reviews.services.certification import certificate_pdf_bytes

        cert = Certificate.objects.select_related("base").order_by("id").first()
        t0 = time.perf_counter()
        data = certificate_pdf_bytes(cert)
        out["certificate"] = {"ms": round((time.perf_counter() - t0) * 1000), "kb": round(len(data) / 1024)}
    except Exception as exc:  # a bench reports, it does not stop
        out["certificate"] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        from applications.pdf import application_pdf_bytes

        app = Application.objects.filter(snapshots__isnull=False).order_by("id").first()
        snapshot = app.snapshots.order_by("-version").first()
        t0 = time.perf_counter()
        data = application_pdf_bytes(application=app, snapshot=snapshot)
        out["application form"] = {"ms": round((time.perf_counter() - t0) * 1000), "kb": round(len(data) / 1024)}
    except Exception as exc:
        out["application form"] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    return out


def reminder_sweep() -> dict:
    """Twice: the first finds the due reminders and writes their keys, notices and deliveries, the second sends
    nothing. Both run in one transaction rolled back at the end (a reused database measures the same sweep
    again): the send tasks are the on-commit callbacks registered, counted and dropped (no broker in the bench)."""
    from django.db import connection, transaction

    from pilotbase import registry
    from pilotbase.models import Delivery, Notification

    out = {}
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    notes, mails = Notification.objects.count(), Delivery.objects.count()
    with transaction.atomic():
        for label in ("first sweep", "second sweep"):
            queries[0] = 0
            with connection.execute_wrapper(count):
                t0 = time.perf_counter()
                sent = sum(sweeper() for sweeper in registry.sweepers())
                seconds = time.perf_counter() - t0
            out[label] = {"s": round(seconds, 2), "sent": sent, "queries": queries[0]}
        out["notices"], out["mails"] = Notification.objects.count() - notes, Delivery.objects.count() - mails
        out["send tasks to enqueue"] = len(connection.run_on_commit)
        transaction.set_rollback(True)
    return out


EXPORT_CHILD = r"""
import json, resource, sys, time, tracemalloc
from scripts.bench import env
env.configure()
import django
django.setup()
from django.test import RequestFactory
from applications.views.listing import application_export
from pilotbase.models import User
user = User.objects.filter(role="department").order_by("id").first()
request = RequestFactory().get("/applications/export/")
request.user = user
from django.db import connection
from django.test.utils import CaptureQueriesContext
trace = sys.argv[1:] == ["trace"]  # tracemalloc slows Python 3-5x: the time is taken in a run without it
if trace:
    tracemalloc.start()
t0 = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    response = application_export(request)
seconds = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1] if trace else 0
from applications.selectors import application_list
rows = application_list(user).count()
print(json.dumps({"rows": rows, "s": round(seconds, 2), "kb": round(len(response.content) / 1024),
                  "queries": len(queries),
                  "tracemalloc_peak_mb": round(peak / 2**20, 1),
                  "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def export() -> dict:
    """The department's Excel export of every application it sees, in a subprocess (its own peak memory): time,
    size, queries and peak RSS from a plain run, the `tracemalloc` peak from a second run with tracing on."""
    out = {}
    for args in ([], ["trace"]):
        result = subprocess.run([sys.executable, "-c", EXPORT_CHILD, *args], cwd=env.ROOT, capture_output=True,
                                text=True, timeout=900)
        if result.returncode:
            return {"error": result.stderr.strip().splitlines()[-1][:300] if result.stderr else "failed"}
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        if args:
            out["tracemalloc_peak_mb"] = figures["tracemalloc_peak_mb"]
        else:
            out = figures
    return out
