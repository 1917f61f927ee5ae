# Hamafza: `make run` serves the platform, `make test` runs every check. See README.md.
# The first Python >= 3.11 found (override with PYTHON=/path/to/python).
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
	done)
endif
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/hamafza_test

.PHONY: setup run dev test test-sqlite test-postgres lint bench bench-load bench-scale bench-scale-smoke bench-tools cluster-test demo messages vendor clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || test -n "$(PYTHON)" || { echo "Hamafza needs Python 3.11 or newer (python3.11, python3.12, python3.13 or python3); none was found. Install one, or run: make PYTHON=/path/to/python"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# LDAP sign-in is optional: python-ldap builds only where the OpenLDAP/SASL headers are installed
# (Debian: libldap2-dev libsasl2-dev). Without them setup goes on and says so; it retries next time.
LDAP_STAMP := $(VENV)/.ldap-installed
$(LDAP_STAMP): requirements-ldap.txt $(STAMP)
	@if [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ]; then \
		$(PY) -m pip install --quiet -r requirements-ldap.txt && touch $(LDAP_STAMP); \
	else \
		echo "LDAP sign-in not installed: apt-get install libldap2-dev libsasl2-dev, then make setup (docs/authentication.md)"; \
	fi

## setup: idempotent: venv, pinned dependencies, translations (compiled with Babel: no GNU gettext needed),
## database schema, taxonomy
setup: $(STAMP) $(LDAP_STAMP)
	@mkdir -p var
	$(PY) manage.py compile_translations -v 0
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_taxonomy

## run: set up, load the demo data when the database is empty, serve on 127.0.0.1:$(PORT) as in production:
## DEBUG off (the app's own 404/500 pages), static files served by whitenoise
run: setup
	$(VENV)/bin/hamafza demo --if-empty
	DJANGO_DEBUG=0 $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

## dev: the same for development: DEBUG on (Django's debug pages), reloads on code changes
dev: setup
	$(VENV)/bin/hamafza demo --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: lint, migrations check, the whole suite on SQLite then on PostgreSQL
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== pytest on SQLite =="
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

test-postgres:
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== pytest on PostgreSQL =="; \
		DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q -n 2 --dist loadfile -m "not browser"; \
	else \
		echo "PostgreSQL is not reachable at 127.0.0.1:5432: skipping the PostgreSQL run (the SQLite run still counts)."; \
	fi

## lint: ruff, then the import contracts of pyproject.toml (layers, the pure matching engine)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## bench: the benchmarks in bench/, each prints its figures (bench_load.py: the load over two servers)
bench: setup bench-tools
	@for f in bench/bench_*.py; do echo "== $$f =="; $(PY) $$f || exit 1; done

## bench-load: 50 users over two gunicorn servers on PostgreSQL (database hamafza_scale_load), locust,
## bounded in time; prints requests/s, p95 and errors (LOAD_ARGS adds options, e.g. LOAD_ARGS="--runs 50:1-3,50:0")
bench-load: setup bench-tools
	$(PY) bench/bench_load.py $(LOAD_ARGS)

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@touch $(BENCH_STAMP)

bench-tools: $(BENCH_STAMP)

## bench-scale: issue 19's national volume in PostgreSQL (database hamafza_scale), gunicorn, every page x role, locust
## (about 10 min to generate the first time, then ~25 min; SCALE_ARGS adds options, e.g. SCALE_ARGS="--regenerate")
bench-scale: setup bench-tools
	$(PY) bench/scale_run.py $(SCALE_ARGS)

## bench-scale-smoke: the same at 2 % of the volume (database hamafza_scale_smoke), a few minutes
bench-scale-smoke: setup bench-tools
	$(PY) bench/scale_run.py --scale 0.02 --db hamafza_scale_smoke --repeat 5 --min-repeat 3 --budget 3 \
		--locust-time 15 --locust-runs 20:0 $(SCALE_ARGS)

## cluster-test: two gunicorn servers, a Celery worker and beat on PostgreSQL (database hamafza_cluster) and
## Redis (its own, port 6391), nginx in front when installed; prints one line per check (a few minutes)
cluster-test: setup
	$(PY) scripts/cluster/cluster_test.py $(CLUSTER_ARGS)

demo: setup
	$(VENV)/bin/hamafza demo

## messages: refresh the translation catalogues after changing user-visible strings (needs GNU gettext's xgettext)
messages: $(STAMP)
	$(PY) manage.py makemessages -l fa --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules --ignore=bench
	$(PY) manage.py compile_translations

vendor:
	scripts/vendor.sh

clean:
	rm -rf var/test-index var/test-private var/screenshots
