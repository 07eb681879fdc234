# MetaGen: `make demo` and `make test` work on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-slow lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned through the constraints file: any other version pulls a CUDA build.
	$(BIN)/pip install --quiet -c constraints.txt -e ".[train,export,plots,search,serve,dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/metagen demo

# The default suite runs in TEST_WORKERS processes (one a core here: 2), except the tests
# that bound a wall time (`timed`), which run after it alone; so do the slow checks, as their
# bounds (2 minutes of training, say) hold on an idle machine.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) -m "not slow and not timed"
	$(BIN)/pytest -q -m "timed and not slow"

test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src

bench: $(STAMP)
	$(BIN)/python scripts/bench_cli.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
