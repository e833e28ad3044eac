"""Over HTTP: gunicorn (2 workers) on the bench database, a bounded load generator (threads + http.client,
fixed request count and a time cap, 127.0.0.1 only)."""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from . import env

PORT = int(os.environ.get("BENCH_PORT", "8765"))


def start_gunicorn() -> subprocess.Popen:
    log = open(env.ROOT / "var" / "bench" / "gunicorn.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "scripts.bench.wsgi:application", "-w", "2",
         "-b", f"127.0.0.1:{PORT}", "--timeout", "60", "--log-level", "warning"],
        cwd=env.ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(env.ROOT)})
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/__bench__/floor/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("gunicorn did not start: see var/bench/gunicorn.log")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def session_cookie(user) -> str:
    """A real session for `user` (what a login leaves), so each simulated user holds its own cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that logs users in
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def run(targets: list[tuple[str, str]], *, clients: int, requests: int, cap_s: float) -> dict:
    """`targets`: (path, cookie) pairs chosen at random per request; `requests` in all, stopped at `cap_s`."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    left = [requests]
    stop_at = time.perf_counter() + cap_s

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            path, cookie = rnd.choice(targets)
            path = quote(path, safe="/?&=%:")
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, conn = f"{type(exc).__name__}", http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{status} {path}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * (len(latencies) - 1)))], 1) if latencies else 0.0

    return {"clients": clients, "requests": len(latencies), "seconds": round(wall, 1),
            "req_per_s": round(len(latencies) / wall, 1) if wall else 0.0, "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "p99_ms": pct(0.99), "errors": len(errors), "error_samples": sorted(set(errors))[:10]}
