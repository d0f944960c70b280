# The two commands of the README: `make run` and `make test`. Everything else is set-up they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
FUNCTIONS_LOCK := functions/requirements.lock
PORT ?= 8000

.PHONY: run test unit fmt lint typecheck js-build js-test bench deps clean system-packages lock

# The Python and JavaScript packages; no Debian package (no root, no apt-get): `make run` and a
# deploying machine need none. `make test` and `make bench` add system-packages.
deps: $(VENV)/.installed js/node_modules/.installed

# The runtime dependencies come from the functions' lock (hashes checked), the same files the Lambda
# package is built from; then the project and its dev tools.
$(VENV)/.installed: pyproject.toml $(FUNCTIONS_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(FUNCTIONS_LOCK)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# `make lock` after changing a runtime pin in pyproject.toml: the functions' dependencies resolved
# for Lambda (python3.13, arm64, Amazon Linux 2023) with every file's hash. uv runs in a venv of its own.
.venv-lock/.installed:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet uv==0.13.9
	touch $@

lock: .venv-lock/.installed
	.venv-lock/bin/uv pip compile pyproject.toml --extra aws --python-version 3.13 \
		--python-platform aarch64-manylinux_2_34 --generate-hashes \
		--custom-compile-command "make lock" --quiet -o $(FUNCTIONS_LOCK)

js/node_modules/.installed: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser bundles (typage in a Web Worker, the form script); the site build copies them.
JS_BUNDLES := site/overrides/assets/peluit/form.js site/overrides/assets/peluit/worker.js
$(JS_BUNDLES) &: js/node_modules/.installed js/build.mjs $(wildcard js/src/*.js)
	cd js && npm run --silent build

js-build: $(JS_BUNDLES)

js-test: js/node_modules/.installed
	@# dots while it runs; every failure in full at the end (570 lines of TAP otherwise)
	cd js && NODE_OPTIONS=--test-reporter=dot npm test --silent

# checkov pins its own boto3, so it lives in a venv of its own (tests/functional/test_infra_checkov.py).
.venv-checkov/.installed:
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet checkov==3.3.30
	touch $@

# Debian packages the tests use as independent reference implementations.
system-packages:
	@command -v age >/dev/null || scripts/apt-install age
	@test -x /usr/lib/chromium/chromium || scripts/apt-install chromium

# `make run PORT=8080` when another program holds port 8000.
run: deps js-build
	$(BIN)/peluit serve --port $(PORT)

lint: $(VENV)/.installed js/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layer contracts in pyproject.toml [tool.importlinter]
	@# the browser code: ESLint (js/eslint.config.js), then TypeScript's checkJs in strict mode over
	@# the page's and the workers' globals (js/tsconfig.json, js/tsconfig.worker.json)
	cd js && npm run --silent lint

# Rewrites files: ruff's fixes, then its formatter (`make lint` only checks).
fmt: $(VENV)/.installed
	$(BIN)/ruff check --fix --quiet .
	$(BIN)/ruff format --quiet .

# The unit tier alone: no browser, no node, no network; seconds.
unit: $(VENV)/.installed
	$(BIN)/pytest -m unit -q

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: deps system-packages lint typecheck js-test js-build .venv-checkov/.installed
	PELUIT_CHECKOV=$(CURDIR)/.venv-checkov/bin/checkov $(BIN)/pytest -m "not bench" --durations=10

# Each benchmark prints its figures and records its targets; the run ends with one line per
# target (tests/bench/summary.py). js-build: the form benchmark needs the browser bundles.
BENCHES := bench_age bench_review bench_s3 bench_submit bench_form
bench: deps system-packages js-build
	@summary=$$(mktemp -t peluit-bench-XXXXXX.jsonl); \
	for b in $(BENCHES); do PELUIT_BENCH_SUMMARY=$$summary $(PY) -m tests.bench.$$b \
		|| $(PY) -m tests.bench.summary --failed $$b $$summary; done; \
	$(PY) -m tests.bench.summary $$summary; status=$$?; rm -f $$summary; exit $$status

clean:
	rm -rf $(VENV) .venv-checkov .venv-lock js/node_modules .mypy_cache .ruff_cache .pytest_cache
