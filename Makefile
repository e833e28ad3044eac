# Developer commands. `make run` and `make test` set everything up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test worker beat fmt lint bench sysdeps messages migrate seed diagrams check-deploy clean

$(STAMP): pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

sysdeps:  ## PDF libraries (Pango, HarfBuzz subsetting), a CJK font, gettext
	@bash scripts/sysdeps.sh

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages -l en -l zh_Hans -v 0

migrate: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

run: sysdeps migrate  ## install, migrate, seed once, serve on http://127.0.0.1:8000
	@test -f var/.seeded || ($(BIN)/python manage.py seed_demo && touch var/.seeded)
	@echo "门户已启动：http://127.0.0.1:8000  （演示账号见上方，密码 Demo@2026）"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: sysdeps $(STAMP) messages  ## the whole suite (SQLite unless DATABASE_URL/REDIS_URL are set)
	$(BIN)/pytest $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A pilotbase worker -l info

beat: $(STAMP)
	$(BIN)/celery -A pilotbase beat -l info --schedule var/celerybeat-schedule

fmt: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP) messages  ## PostgreSQL at scale (database pilotbase_bench); QUICK=1 a tenth; COMPARE=old.json
	QUICK=$(QUICK) COMPARE=$(COMPARE) $(BIN)/python -m scripts.bench

diagrams: $(STAMP)
	$(BIN)/python manage.py fsm_diagrams > docs/workflows.md

check-deploy: $(STAMP)
	$(BIN)/python manage.py signing_keypair var/check-deploy-signing >/dev/null
	DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
	DJANGO_ALLOWED_HOSTS=pilotbase.example.cn DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	PILOTBASE_SIGNING_KEY_FILE=var/check-deploy-signing/key.pem PILOTBASE_SIGNING_CERT_FILE=var/check-deploy-signing/cert.pem \
	REDIS_URL=redis://127.0.0.1:6379/0 $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var staticfiles .pytest_cache
