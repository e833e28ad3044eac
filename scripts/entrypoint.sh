#!/usr/bin/env bash
# The one place the production processes are started: docker-compose.yml and the CI smoke test
# (scripts/smoke_production.sh) both run exactly these commands.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
case "${1:-web}" in
  web)
    $PY manage.py migrate --noinput
    $PY manage.py collectstatic --noinput -v 0
    exec gunicorn pilotbase.wsgi:application --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_WORKERS:-3}" \
      --timeout 60 --access-logfile - ;;
  worker)
    exec celery -A pilotbase worker -l info --concurrency "${WORKER_CONCURRENCY:-2}" -Q "${CELERY_QUEUE:-pilotbase}" ;;
  beat)
    exec celery -A pilotbase beat -l info --schedule "${BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" ;;
  *) echo "usage: $0 web|worker|beat" >&2; exit 2 ;;
esac
