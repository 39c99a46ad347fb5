# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
BUF := node_modules/.bin/buf
BUF_INSTALLED := node_modules/.installed

.PHONY: run test proto proto-check lint bench bench-quick install clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

$(BUF_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Tokens are encrypted at rest: without a configured key, run uses var/token.key (made once, mode 0600).
# Every call needs an API key: serve keeps a local admin key in var/admin.key (made on the first start,
# mode 0600) unless MCC_ADMIN_KEY_FILE names another file.
run: $(INSTALLED)
	@if [ -z "$$MCC_TOKEN_KEY$$MCC_TOKEN_KEY_FILE" ]; then $(VENV)/bin/mcc generate-key var/token.key; fi
	@if [ -z "$$MCC_TOKEN_KEY$$MCC_TOKEN_KEY_FILE" ]; then export MCC_TOKEN_KEY_FILE=var/token.key; fi; \
		export MCC_ADMIN_KEY_FILE="$${MCC_ADMIN_KEY_FILE:-var/admin.key}"; \
		$(VENV)/bin/mcc migrate && exec $(VENV)/bin/mcc serve --sandbox

test: $(INSTALLED)
	$(VENV)/bin/pytest

proto: $(INSTALLED) $(BUF_INSTALLED)
	$(BUF) format -w
	$(BUF) lint
	$(PY) scripts/gen_proto.py

proto-check: $(INSTALLED) $(BUF_INSTALLED)
	$(BUF) lint
	$(BUF) format --diff --exit-code
	$(PY) scripts/gen_proto.py --check

lint: $(INSTALLED) proto-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy src/domain src/services
	$(VENV)/bin/lint-imports

bench: $(INSTALLED)
	$(PY) -m bench

bench-quick: $(INSTALLED)
	$(PY) -m bench --quick

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .hypothesis
