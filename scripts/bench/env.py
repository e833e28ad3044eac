"""Environment of a bench run: the dedicated database `pilotbase_bench`, mail to nowhere, no broker."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilotbase_bench")
DB_NAME = DB_URL.rsplit("/", 1)[1]  # another name in BENCH_DATABASE_URL: a bench database of one's own
ADMIN_URL = DB_URL.rsplit("/", 1)[0] + "/postgres"


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pilotbase.settings"
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.pop("REDIS_URL", None)  # tasks inline; the sweep's enqueue is counted, not sent (extras.py)
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("PILOTBASE_VAR_DIR", str(ROOT / "var" / "bench" / "files"))


def admin_sql(sql: str) -> None:
    """CREATE/DROP DATABASE through the maintenance database (outside any transaction)."""
    import psycopg2

    conn = psycopg2.connect(ADMIN_URL.replace("postgres://", "postgresql://"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def database_exists() -> bool:
    import psycopg2

    conn = psycopg2.connect(ADMIN_URL.replace("postgres://", "postgresql://"))
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        found = cursor.fetchone() is not None
    conn.close()
    return found
