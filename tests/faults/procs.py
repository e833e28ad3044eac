"""The real services a fault test starts and stops itself: a Redis server, a Celery worker, an SMTP server
and portal code run in a process of its own. Each is started on a free port and killed in its fixture's
teardown, never by name: a test only ever kills a process (group) it started."""

from __future__ import annotations

import contextlib
import email
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1) -> object:
    """Poll `check` until it returns something truthy; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def _kill_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)  # the process was started in a session of its own: its group is ours


def _stop(proc: subprocess.Popen | None, *, grace: float = 10) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        _kill_group(proc, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    _kill_group(proc, signal.SIGKILL)  # whatever is left of the group (pool children, embedded beat)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


# ---- Redis ------------------------------------------------------------------------------------------
class RedisServer:
    """redis-server on a free port, nothing saved to disk; stop() and start() again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 (kept open by the child)
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(self.ping, timeout=15, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None
        wait_for(lambda: not self.ping(), timeout=10, what="redis-server to stop")


# ---- Celery worker ----------------------------------------------------------------------------------
class Worker:
    """`celery -A pilotbase worker` (prefork, one child) as a process group of its own, logging to a file."""

    count = 0

    def __init__(self, env: dict[str, str], workdir: Path, *, beat: bool = False) -> None:
        Worker.count += 1
        self.name = f"fault{Worker.count}"
        self.env = env
        self.log = workdir / f"{self.name}.log"
        self.beat = beat
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> Worker:
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pilotbase",
            "worker",
            "-l",
            "info",
            "-P",
            "prefork",
            "-c",
            "1",
            "-Q",
            self.env["CELERY_QUEUE"],
            "-n",
            f"{self.name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.beat:
            cmd += ["-B", "-s", str(self.workdir / f"{self.name}-beat-schedule")]
        out = open(self.log, "ab")  # noqa: SIM115 (kept open by the child)
        self.proc = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        wait_for(
            lambda: self.proc.poll() is not None or " ready." in self.text(),
            timeout=timeout,
            what=f"worker {self.name} to be ready",
        )
        assert self.proc.poll() is None, f"worker {self.name} exited:\n{self.text()}"
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def children(self) -> list[int]:
        """The pool's child processes (where tasks run)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        """SIGKILL the whole worker at once: no shutdown, no acknowledgement, no message handed back."""
        _kill_group(self.proc, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        _stop(self.proc)


# ---- SMTP -------------------------------------------------------------------------------------------
@dataclass
class SmtpSink:
    """A small SMTP server in a thread of the test. `refuse` DATA commands are answered 451 (a temporary
    failure); with `hang` set, the next message is read but never answered until `release` is set."""

    port: int = field(default_factory=free_port)
    refuse: int = 0
    hang: bool = False
    messages: list[email.message.Message] = field(default_factory=list)
    attempts: list[tuple[float, str]] = field(
        default_factory=list
    )  # (monotonic time, "refused"/"accepted"/…)
    data_started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 faults.test ESMTP")
                try:
                    self.session()
                except (OSError, TimeoutError):
                    pass

            def session(self) -> None:
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        self.reply("250-faults.test")
                        self.reply("250 8BITMIME")
                    elif verb == b"DATA":
                        if not self.data():
                            return
                    elif verb == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:  # HELO, MAIL, RCPT, RSET, NOOP
                        self.reply("250 OK")

            def data(self) -> bool:
                with sink.lock:
                    refused = sink.refuse > 0
                    sink.refuse -= refused
                    hang, sink.hang = sink.hang, False
                    sink.attempts.append(
                        (time.monotonic(), "refused" if refused else "hung" if hang else "data")
                    )
                if refused:
                    self.reply("451 4.3.0 Mailbox temporarily unavailable (fault test)")
                    return True
                self.reply("354 go ahead")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                if hang:
                    sink.data_started.set()
                    sink.release.wait(60)
                    return False  # the sender is gone (killed): drop the connection, nothing delivered
                with sink.lock:
                    sink.messages.append(email.message_from_bytes(body))
                self.reply("250 queued")
                return True

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


# ---- the portal's own code in a process of its own -----------------------------------------------------
def database_url() -> str:
    """The test database (pytest-django's test_… name) as a URL for processes the test starts."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def portal_env(
    *, redis_url: str, var_dir: Path, queue: str, email_url: str = "", **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PILOTBASE_", "CELERY_", "EMAIL_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pilotbase.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "PILOTBASE_VAR_DIR": str(var_dir),
            "CELERY_QUEUE": queue,
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    if email_url:
        env["EMAIL_URL"] = email_url
    env.update(extra)
    return env


def run_portal(code: str, env: dict[str, str], *, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a new Python process with `env` (a web request's process)."""
    return subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
    )
