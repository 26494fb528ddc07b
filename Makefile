# logframe: build, test, run on the bundled samples, benchmark.
# Every target works on a fresh machine of this project's kind (Swift 6.3 on Linux).

SWIFT ?= swift
BIN_DEBUG := .build/debug/logframe
BIN_RELEASE := .build/release/logframe
PYTHON ?= python3
REPORTS ?= reports
INDICATORS := $(wildcard indicators/*.yml)
# make install: copies BIN to $(DESTDIR)$(PREFIX)/bin/logframe. BIN is the release build unless
# given (the tests install the debug binary: make install BIN=.build/debug/logframe PREFIX=/tmp/x).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
BIN ?= $(BIN_RELEASE)

.PHONY: build release install uninstall test test-swift test-python test-engines report bench clean

build:
	$(SWIFT) build

# The release binary of this repository skips the row loop's run-time exclusivity checks
# (Package.swift; the package as a dependency keeps them, see docs/performance.md).
UNCHECKED := LOGFRAME_UNCHECKED_EXCLUSIVITY=1

release:
	$(UNCHECKED) $(SWIFT) build -c release

# The release build is made only when BIN is the release binary (the default).
install:
	@if [ "$(BIN)" = "$(BIN_RELEASE)" ]; then $(UNCHECKED) $(SWIFT) build -c release; fi
	@test -x "$(BIN)" || { echo "make install: $(BIN) is not a built logframe binary" >&2; exit 1; }
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 755 "$(BIN)" "$(DESTDIR)$(BINDIR)/logframe"
	@echo "installed $(DESTDIR)$(BINDIR)/logframe"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/logframe"

# Unit and integration tests (Swift Testing), then (pytest) the independent DuckDB cross-check
# and the published figures of the five sample programmes.
test: test-swift test-python

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python: build
	LOGFRAME_BIN=$(BIN_DEBUG) $(PYTHON) -m pytest Tests/crosscheck Tests/samples Tests/conformance Tests/robustness Tests/kobo Tests/realworld Tests/init Tests/sql Tests/exports Tests/privacy Tests/engine -q

# report --engine on a real local Spark (pyspark from PyPI, Java 17): several minutes, so not
# part of make test (PostgreSQL and DuckDB are, in Tests/engine). Needs: pip install pyspark.
test-engines: build
	LOGFRAME_SPARK=1 LOGFRAME_BIN=$(BIN_DEBUG) $(PYTHON) -m pytest Tests/engine/test_spark.py -q

# Writes each sample programme's report in its donor's default style (Markdown, HTML, CSV, XLSX),
# the JSON report and the IATI 2.03 export to $(REPORTS)/.
# logframe exits 1 when it finds problems in the data (the samples contain a few planted dirty
# rows, rejected and reconciled in the report); that is expected here, anything else is not.
report: release
	@mkdir -p $(REPORTS)
	@for defs in $(INDICATORS); do \
	  name=$$(basename $$defs .yml); \
	  for fmt in md html csv xlsx json iati; do \
	    ext=$$fmt; if [ $$fmt = iati ]; then ext=iati.xml; fi; \
	    $(BIN_RELEASE) report $$defs --format $$fmt --output $(REPORTS)/$$name.$$ext 2>$(REPORTS)/$$name.problems.txt; \
	    status=$$?; \
	    if [ $$status -gt 1 ]; then echo "logframe failed on $$defs (exit $$status)"; cat $(REPORTS)/$$name.problems.txt; exit 1; fi; \
	  done; \
	  echo "wrote $(REPORTS)/$$name.{md,html,csv,xlsx,json,iati.xml} ($$(grep -c . $(REPORTS)/$$name.problems.txt) lines of data problems in $(REPORTS)/$$name.problems.txt)"; \
	done

bench: release
	$(PYTHON) bench/bench.py

clean:
	rm -rf .build $(REPORTS)
