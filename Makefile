# logframe: build, test, run on the bundled samples, benchmark.
# Every target works on a fresh machine of this project's kind (Swift 6.3 on Linux).

SWIFT ?= swift
BIN_DEBUG := .build/debug/logframe
BIN_RELEASE := .build/release/logframe
PYTHON ?= python3
REPORTS ?= reports
INDICATORS := $(wildcard indicators/*.yml)

.PHONY: build release test test-swift test-python report bench clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# Unit and integration tests (Swift Testing), then (pytest) the independent DuckDB cross-check
# and the published figures of the five sample programmes.
test: test-swift test-python

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python: build
	LOGFRAME_BIN=$(BIN_DEBUG) $(PYTHON) -m pytest Tests/crosscheck Tests/samples Tests/conformance Tests/robustness Tests/kobo Tests/realworld Tests/sql -q

# Writes each sample programme's report in its donor's default style (Markdown, HTML, CSV, XLSX)
# and the JSON report to $(REPORTS)/.
# logframe exits 1 when it finds problems in the data (the samples contain a few planted dirty
# rows, rejected and reconciled in the report); that is expected here, anything else is not.
report: release
	@mkdir -p $(REPORTS)
	@for defs in $(INDICATORS); do \
	  name=$$(basename $$defs .yml); \
	  for fmt in md html csv xlsx json; do \
	    $(BIN_RELEASE) report $$defs --format $$fmt --output $(REPORTS)/$$name.$$fmt 2>$(REPORTS)/$$name.problems.txt; \
	    status=$$?; \
	    if [ $$status -gt 1 ]; then echo "logframe failed on $$defs (exit $$status)"; cat $(REPORTS)/$$name.problems.txt; exit 1; fi; \
	  done; \
	  echo "wrote $(REPORTS)/$$name.{md,html,csv,xlsx,json} ($$(grep -c . $(REPORTS)/$$name.problems.txt) lines of data problems in $(REPORTS)/$$name.problems.txt)"; \
	done

bench: release
	$(PYTHON) bench/bench.py

clean:
	rm -rf .build $(REPORTS)
