"""Fixtures of the fault tests: each starts its own Redis, SMTP server and workers and kills them in teardown
(workers first, before the test database is emptied). Skipped on SQLite (the worker processes share the test's
PostgreSQL database) and without redis-server."""

import shutil
import uuid

import pytest

from .procs import RedisServer, SmtpSink, Worker


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server binary (apt-get install redis-server)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def queue():
    return f"faults-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def workers(transactional_db, redis_server, tmp_path):
    """start(env, beat=False) → a running Worker; every worker started is stopped (its group killed) after."""
    started: list[Worker] = []

    def start(env, *, beat=False):
        worker = Worker(env, tmp_path, beat=beat)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
    for worker in started:  # shown with a failing test's output
        print(f"---- {worker.name} log ----\n{worker.text()[-6000:]}")


@pytest.fixture
def own_postgres():
    from .pg import OwnPostgres, pg_bin_dir

    if pg_bin_dir() is None or not shutil.which("psql") or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) and psql/pg_dump")
    server = OwnPostgres()
    try:
        server.init()
    except Exception:
        server.destroy()
        raise
    yield server
    server.destroy()
