"""The settings module refuses bad or missing values with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


PRODUCTION_ENV = {"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "a.cn",
                  "DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://127.0.0.1:6379/0"}


def load_settings(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBASE_", "DATABASE_URL", "REDIS_URL"))}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={**base, "DJANGO_SETTINGS_MODULE": "pilotbase.settings", **env}, timeout=60,
    )


def test_settings_embedded_default_uses_sqlite():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DJANGO_PRODUCTION": "1"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_PRODUCTION": "maybe"}, "DJANGO_PRODUCTION"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DATABASE_CONN_MAX_AGE": "soon", "DATABASE_URL": "postgres://u@h/db"}, "DATABASE_CONN_MAX_AGE"),
        ({"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "a.cn"}, "DATABASE_URL"),
        ({"DJANGO_SECRET_KEY_FILE": "/nonexistent/secret", "DJANGO_PRODUCTION": "1"}, "DJANGO_SECRET_KEY_FILE"),
        # production signs certificates with the department's pair, never silently with a self-signed one
        ({**PRODUCTION_ENV}, "PILOTBASE_SIGNING_KEY_FILE"),
        ({**PRODUCTION_ENV, "PILOTBASE_SIGNING_KEY_FILE": "/nonexistent/key.pem",
          "PILOTBASE_SIGNING_CERT_FILE": "/nonexistent/cert.pem"}, "PILOTBASE_SIGNING_KEY_FILE"),
        ({"PILOTBASE_SIGNING_KEY_FILE": "/nonexistent/key.pem"}, "PILOTBASE_SIGNING_CERT_FILE"),
    ],
)
def test_settings_bad_value_stops_startup_naming_the_variable(env, names):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert names in result.stderr.strip().splitlines()[-1]


def test_settings_production_check_deploy_is_clean(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 20 + "-production-secret-key-for-the-deploy-check-0123456789")
    pair = subprocess.run([sys.executable, "manage.py", "signing_keypair", str(tmp_path / "signing")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert pair.returncode == 0, pair.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBASE_"))}
    env.update(dict(line.split("=", 1) for line in pair.stdout.split()))  # the two settings the command prints
    assert (tmp_path / "signing" / "key.pem").stat().st_mode & 0o077 == 0  # the key is the owner's alone
    env.update({
        "DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY_FILE": str(secret), "DJANGO_ALLOWED_HOSTS": "pilot.gxst.gov.cn",
        "DATABASE_URL": env.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": env.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_trial_installation_may_say_it_signs_with_a_self_signed_pair():
    result = load_settings(**PRODUCTION_ENV, PILOTBASE_SIGNING_ALLOW_SELF_SIGNED="1")
    assert result.returncode == 0, result.stderr
