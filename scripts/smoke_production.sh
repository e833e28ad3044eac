#!/usr/bin/env bash
# Runs the production shape without Docker: the very commands docker-compose.yml runs
# (scripts/entrypoint.sh web|worker|beat) as plain processes on PostgreSQL and Redis, then
# checks /healthz, a static file, that a task sent through the broker is executed by the
# worker, and that beat starts. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export PATH="$PWD/$BIN:$PATH" PYTHON="$BIN/python"
DB=${SMOKE_DB:-pilotbase_smoke}
PORT=${SMOKE_PORT:-8765}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
# The department's signing pair stands in as a fresh self-signed one (production refuses to start without a pair).
signing=$(mktemp -d)
"$PYTHON" manage.py signing_keypair "$signing/pair" >/dev/null
export PILOTBASE_SIGNING_KEY_FILE="$signing/pair/key.pem" PILOTBASE_SIGNING_CERT_FILE="$signing/pair/cert.pem"
export DJANGO_PRODUCTION=1 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
  DJANGO_SECRET_KEY="smoke-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/2} \
  CELERY_QUEUE="smoke-$$" PILOTBASE_VAR_DIR="$(mktemp -d)" BIND="127.0.0.1:$PORT" WEB_WORKERS=2 \
  BEAT_SCHEDULE_FILE="$(mktemp -d)/beat-schedule"
logs=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

scripts/entrypoint.sh web >"$logs/web.log" 2>&1 & pids+=($!)
scripts/entrypoint.sh worker >"$logs/worker.log" 2>&1 & pids+=($!)
scripts/entrypoint.sh beat >"$logs/beat.log" 2>&1 & pids+=($!)

# Wait on readiness, not on a number of seconds: poll while the web process is alive (migrate and
# collectstatic run first; a busy machine may take minutes), up to a generous cap, and say why on giving up.
CAP=${SMOKE_READY_CAP:-600}
web_pid=${pids[0]}
ok=""; start=$SECONDS
while [ $((SECONDS - start)) -lt "$CAP" ]; do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" -o "$logs/health.json" 2>/dev/null; then ok=1; break; fi
  if ! kill -0 "$web_pid" 2>/dev/null; then
    echo "smoke: the web process exited before /healthz answered"; tail -n 60 "$logs/web.log"; exit 1
  fi
  sleep 1
done
if [ -z "$ok" ]; then
  echo "smoke: /healthz did not answer 200 within ${CAP}s although the web process is alive"
  tail -n 40 "$logs"/*.log; exit 1
fi
echo "smoke: web ready after $((SECONDS - start))s"
grep -q '"status": "ok"' "$logs/health.json" || { cat "$logs/health.json"; exit 1; }
echo "smoke: /healthz $(cat "$logs/health.json")"
curl -fsS "http://127.0.0.1:$PORT/static/bootstrap/css/bootstrap.min.css" -o /dev/null
echo "smoke: static files served by WhiteNoise"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/login/")
[ "$code" = 200 ] || { echo "smoke: /login/ answered $code"; tail -n 40 "$logs/web.log"; exit 1; }
result=$("$BIN/python" manage.py shell --no-imports -c "from pilotbase.tasks import ping; print(ping.delay(value=21).get(timeout=300))" | tail -n 1)
[ "$result" = "42" ] || { echo "smoke: task result $result"; tail -n 40 "$logs/worker.log"; exit 1; }
echo "smoke: task sent through Redis executed by the worker (ping → $result)"
beat_pid=${pids[2]}
start=$SECONDS
while [ $((SECONDS - start)) -lt "$CAP" ] && kill -0 "$beat_pid" 2>/dev/null; do
  grep -q "beat: Starting" "$logs/beat.log" && break; sleep 1
done
grep -q "beat: Starting" "$logs/beat.log" || { echo "smoke: beat did not start"; cat "$logs/beat.log"; exit 1; }
echo "smoke: beat started"
echo "smoke: production shape OK"
