"""Backups: scripts/backup.sh dumps the test database (pg_dump, custom format) and archives the private files;
scripts/restore.sh restores them into a fresh database of the test's own PostgreSQL cluster and a fresh var
folder and checks them; every record (a count per model) and every file a record names (its SHA-256) is found
again, and the audit log's trigger came along."""

import json
import subprocess
import sys

import pytest

from tests import factories as f
from tests import pipeline

from .procs import BASE_DIR, database_url, portal_env, run_portal

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

INVENTORY = """
import hashlib, json
from django.apps import apps
from pilotbase.management.commands.files_check import file_fields
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
files = {}
for model, field in file_fields():
    for pk, name in model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name):
        with field.storage.open(name, "rb") as handle:
            files[f"{model._meta.label}#{pk}.{field.name}"] = [name, hashlib.sha256(handle.read()).hexdigest()]
print("INVENTORY", json.dumps({"counts": counts, "files": files}))
"""


def _inventory(env):
    done = run_portal(INVENTORY, env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.split("INVENTORY ")[1])


def _script(name, *args, env):
    return subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / name), *args],
        env={**env, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_restored_into_a_fresh_database_has_every_record_and_file(applicant, own_postgres, tmp_path):
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    pipeline.advance(
        app, to="certified"
    )  # attachments, expert sheets, the application PDF, the certificate PDF
    env = portal_env(redis_url="", var_dir=tmp_path, queue="unused")
    env.pop("REDIS_URL")
    before = _inventory(env)
    assert (
        before["counts"]["applications.Application"] == 1 and before["counts"]["pilotbase.Certificate"] == 1
    )
    assert len(before["files"]) >= 4

    made = _script("backup.sh", str(tmp_path / "backup"), env={**env, "DATABASE_URL": database_url()})
    assert made.returncode == 0, made.stderr
    own_postgres.psql("postgres", "CREATE DATABASE restored")
    restored_env = {
        **env,
        "DATABASE_URL": own_postgres.url("restored"),
        "PILOTBASE_VAR_DIR": str(tmp_path / "new"),
    }
    done = _script("restore.sh", str(tmp_path / "backup"), env=restored_env)
    assert done.returncode == 0, done.stderr
    assert f"{len(before['files'])} files named by records, all present" in done.stdout

    after = _inventory(restored_env)
    assert after == before
    triggers = own_postgres.psql(
        "restored",
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
        "AND tgrelid = 'pilotbase_transitionlog'::regclass",
    )
    assert int(triggers) >= 1


def test_files_check_names_a_missing_file(applicant, tmp_path):
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    app = pipeline.advance(app, to="submitted")
    attachment = app.attachments.first()
    attachment.file.storage.delete(attachment.file.name)
    env = portal_env(redis_url="", var_dir=tmp_path, queue="unused")
    env.pop("REDIS_URL")
    done = subprocess.run(
        [sys.executable, "manage.py", "files_check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"missing applications.Attachment#{attachment.pk}.file: {attachment.file.name}" in done.stderr
