"""PDFs, the reminder sweep and the Excel export, measured in the same run."""

from __future__ import annotations

import json
import os
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
        for length in PLAN_LENGTHS:
            label = f"application form, 建设方案 {length:,}"
            long_one = _with_plan(snapshot, length)
            t0 = time.perf_counter()
            data = application_pdf_bytes(application=app, snapshot=long_one)
            out[label] = {"ms": round((time.perf_counter() - t0) * 1000), "kb": round(len(data) / 1024)}
    except Exception as exc:
        out["application form"] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    return out


PLAN_LENGTHS = (1_000, 5_000, 20_000)
PLAN_PHRASE = "建设中试平台完善工艺验证能力提升产品熟化水平服务区域企业"  # CJK, no spaces (tests/applications/test_pdf_long_text.py)


def _with_plan(snapshot, length: int):
    """A copy of the snapshot, not saved, whose 建设方案 is `length` characters of one block of CJK text without
    spaces or line breaks: the case that was quadratic (docs/performance.md, PDF)."""
    import copy

    plan = (PLAN_PHRASE * (length // len(PLAN_PHRASE) + 1))[:length]
    data = copy.deepcopy(snapshot.data)
    for section in data["sections"]:
        for field in section.get("fields", []):
            if field.get("name") == "construction_plan":
                field["value"] = plan
    long_one = copy.copy(snapshot)
    long_one.data = data
    return long_one


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
import json, sys, time, tracemalloc


def peak_rss_kb():
    # this process's own peak RSS (VmHWM of its address space): `ru_maxrss` keeps the high-water mark of the
    # process it was forked from across the exec, so it reported the bench's own 590 MB, not the export's ~100 MB
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


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
                  "maxrss_mb": round(peak_rss_kb() / 1024, 1)}))
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


CELERY_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")  # a Redis db of the bench's own
CELERY_QUEUE = "bench-certificates"


def celery_certificates(count: int = 200, cap_s: float = 600) -> dict:
    """`count` certificate PDFs through a real Celery worker (the project's app, 2 processes) on the bench database:
    the worker's readiness is its answer to a ping; the tasks are the real `reviews.render_certificate`, sent to a
    queue of the bench's own; completion is read from the certificates' stored PDFs. The certificates are bench
    copies without a PDF: afterwards their files are deleted and their columns put back, so a reused database
    measures the same work again."""
    from celery import Celery
    from django.core.files.storage import default_storage

    from pilotbase.models import Certificate
    from pilotbase.signing import signing_key_pair

    signing_key_pair()  # the self-signed pair of a bench installation is made here, not raced by two workers
    chosen = list(Certificate.objects.filter(state="valid", pdf="").order_by("id")
                  .values_list("pk", "pdf_sha256")[:count])
    if len(chosen) < count:
        return {"error": f"only {len(chosen)} certificates without a PDF"}
    ids = [pk for pk, _sha in chosen]
    client = Celery("bench-client", broker=CELERY_REDIS_URL)
    client.conf.broker_connection_retry_on_startup = True
    with client.connection_for_write() as conn:  # nothing left in the bench's queue by an interrupted run
        conn.default_channel.queue_purge(CELERY_QUEUE)
    hostname = f"bench-{os.getpid()}@localhost"
    log_path = env.ROOT / "var" / "bench" / "celery-worker.log"  # a file, not a pipe nobody reads while it fills
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pilotbase", "worker", "--concurrency", "2", "--pool", "prefork",
         "-n", hostname, "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=env.ROOT, env={**os.environ, "REDIS_URL": CELERY_REDIS_URL, "CELERY_QUEUE": CELERY_QUEUE},
        stdout=log_file, stderr=subprocess.STDOUT)
    out: dict = {}
    try:
        t0 = time.perf_counter()
        while not client.control.ping(destination=[hostname], timeout=1.0):
            if worker.poll() is not None:
                return {"error": f"worker exited ({worker.returncode}), see {log_path}"}
            if time.perf_counter() - t0 > 120:
                return {"error": "worker not ready after 120 s"}
        out["worker ready s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        for pk in ids:
            client.send_task("reviews.render_certificate", kwargs={"certificate_id": pk}, queue=CELERY_QUEUE)
        done = 0
        while done < count and time.perf_counter() - t0 < cap_s:
            time.sleep(0.5)
            done = Certificate.objects.filter(pk__in=ids).exclude(pdf="").count()
        seconds = time.perf_counter() - t0
        out.update({"certificates": count, "done": done, "s": round(seconds, 1),
                    "per_s": round(done / seconds, 2)})
        if done < count:
            out["error"] = f"{count - done} not done within {cap_s:.0f} s"
    finally:
        _stop(worker)
        log_file.close()
        stored = Certificate.objects.filter(pk__in=ids).exclude(pdf="").values_list("pdf", flat=True)
        for name in stored:
            default_storage.delete(name)
        for pk, sha in chosen:  # as found: no PDF, the digest it had
            Certificate.objects.filter(pk=pk).update(pdf="", pdf_sha256=sha)
    return out


def _stop(worker: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM: the tasks running finish), then a kill if it hangs."""
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
