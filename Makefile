# billing-tui: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest rewrites the asserts of every test module and caches the result as bytecode; a shell
# with PYTHONDONTWRITEBYTECODE set makes every worker redo that (and compile the project) on
# every run: about 6 s of CPU per worker. The suite runs with bytecode written.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

.PHONY: demo test test-deep lint typecheck pytest screenshots browser-screenshot serve bench fake-server clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/billing-tui

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTEST) -n auto

# The same suite with the thorough hypothesis profile (many more examples, fresh randomness).
test-deep: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(PYTEST) -n auto

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

# needs Debian's chromium (apt-get install chromium)
browser-screenshot: $(STAMP)
	$(BIN)/python scripts/browser_screenshot.py

serve: $(STAMP)
	$(BIN)/billing-tui serve

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache snapshot_report.html
