# The README's two commands: `make demo` (the main job: the web application with the example
# portfolios) and `make test` (the whole suite).
# Both create the virtual environment on first use from the pinned lock file, and first check
# the system packages pip cannot install (scripts/system-deps: installed with apt-get as root,
# else make stops with the exact command to run); `make test` also starts the local PostgreSQL.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: install system-pdf system demo reports test lint typecheck lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Pango and fonts (PDF reports) for the application; chromium too and PostgreSQL for the tests.
system-pdf:
	@sh scripts/system-deps pdf

system:
	@sh scripts/system-deps test
	@sh scripts/postgres-up

demo: system-pdf install
	$(BIN)/crosource serve --demo

reports: install
	@mkdir -p $(OUT)
	@for example in emerging-biotech midsize-hybrid large-pharma; do \
	  $(BIN)/crosource recommend examples/$$example.yaml --format html --out $(OUT)/$$example.html || exit 1; \
	done
	$(BIN)/crosource simulate examples/midsize-hybrid.yaml --draws 20000 --format html --out $(OUT)/midsize-hybrid-risk.html
	$(BIN)/crosource optimize examples/midsize-hybrid.yaml --check-draws 5000 --format html --out $(OUT)/midsize-hybrid-optimized.html
	$(BIN)/crosource evaluate examples/evaluations/rare-disease.yaml --format html --out $(OUT)/rare-disease-evaluation.html
	$(BIN)/crosource recommend examples/midsize-hybrid.yaml --format table
	@echo
	@echo "HTML reports in $(OUT)/: recommendations (emerging-biotech.html, midsize-hybrid.html,"
	@echo "large-pharma.html), cost risk (midsize-hybrid-risk.html), the optimized plan"
	@echo "(midsize-hybrid-optimized.html) and a provider evaluation (rare-disease-evaluation.html)."

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test: system lint typecheck
	$(BIN)/pytest -n 2 --dist loadgroup

lock:
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -vE '^(crosource|pip)==' > requirements.lock

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
