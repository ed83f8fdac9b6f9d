# osslwatch: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= config/examples/local.yaml
STATE_DIR ?= $(CURDIR)/var/state
BIN_DEBUG := .build/debug/osslwatch
BIN_RELEASE := .build/release/osslwatch

.PHONY: setup build release run test lint format test-services-start test-services-stop bench clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# One real poll of the configured feeds, state kept under ./var (the daemon loop comes later).
# 10 (a release is due) and 69 (a feed unreachable, as on a machine without internet) are
# results the report explains, not failures of `make run`.
run: release
	@mkdir -p $(STATE_DIR)
	@status=0; $(BIN_RELEASE) check --config $(CONFIG) --state-dir $(STATE_DIR) || status=$$?; \
	  case $$status in 0|10|69) ;; *) exit $$status ;; esac

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests bench

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests bench

# Starts the real services the tests use, runs lint and every test, and stops the services
# whatever the outcome.
test: setup
	$(SWIFT) build --build-tests
	$(MAKE) lint
	scripts/test-services start
	set -o pipefail; status=0; \
	  $(SWIFT) test --skip-build 2>&1 | tee var/test.log || status=$$?; \
	  scripts/test-services stop; exit $$status

bench: release
	bench/run

clean:
	rm -rf .build var
