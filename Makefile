# osslwatch: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= config/examples/local.yaml
STATE_DIR ?= $(CURDIR)/var/state
BIN_DEBUG := .build/debug/osslwatch
BIN_RELEASE := .build/release/osslwatch

.PHONY: setup build release run demo test lint format test-services-start test-services-stop bench fuzz clean install uninstall install-binary man-and-completions

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# The daemon in the foreground against the real feeds, state under ./var; Ctrl-C stops it.
# `osslwatch check` (the one-shot report) comes first so the terminal shows where things stand.
# Its 10 (a release is due) and 69 (a feed unreachable, as on a machine without internet)
# are results the report explains, not failures of `make run`.
run: release
	@mkdir -p $(STATE_DIR)
	@status=0; $(BIN_RELEASE) check --config $(CONFIG) --state-dir $(STATE_DIR) || status=$$?; \
	  case $$status in 0|10|69) ;; *) exit $$status ;; esac
	$(BIN_RELEASE) run --config $(CONFIG) --pid-file $(CURDIR)/var/osslwatch.pid --log-level info

# The whole loop offline in well under a minute after the build: nginx serving a local copy of
# OpenSSL's feeds in which 3.5.4 appears, a tarball signed by a key made on the spot, a
# downstream git repo, the daemon, approvals; prints status, the run, the pin commit.
# Everything lands in var/demo/ (kept for inspection). `scripts/demo --check` asserts the outcome.
demo: build
	OSSLWATCH=$(BIN_DEBUG) scripts/demo

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests bench fuzzing/Package.swift fuzzing/Sources

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests bench fuzzing/Package.swift fuzzing/Sources

# Starts the real services the tests use, runs lint, the target-graph check
# (scripts/check-architecture), every test, `make demo` in its checking mode and the systemd
# test, and stops the services whatever the outcome.
test: setup
	$(SWIFT) build --build-tests
	$(MAKE) lint
	scripts/check-architecture
	scripts/test-services start
	set -o pipefail; status=0; \
	  $(SWIFT) test --skip-build 2>&1 | tee var/test.log || status=$$?; \
	  OSSLWATCH=$(BIN_DEBUG) scripts/demo --check 2>&1 | tee var/demo-check.log || status=$$?; \
	  scripts/systemd-test 2>&1 | tee var/systemd-test.log || status=$$?; \
	  scripts/test-services stop; exit $$status

# `make install [PREFIX=/usr/local] [DESTDIR=]`: a release binary with the Swift runtime linked
# in (it runs without the toolchain), its man page and bash, zsh and fish completions, the
# systemd unit (ExecStart= rewritten to BINDIR), the sysusers.d entry, and the config under
# /etc/osslwatch, never overwriting an existing config or template (the shipped one lands
# beside it as *.dist). systemd reads units and sysusers.d from /usr and /usr/local; for any
# other PREFIX they go under /etc.
BINDIR ?= $(PREFIX)/bin
# Where Debian's man-db, bash-completion, zsh and fish look, for PREFIX=/usr as a package would
# and for a local install. man-db reads /usr/local/share/man; bash-completion searches
# XDG_DATA_DIRS, by default /usr/local/share:/usr/share. Debian's zsh reads vendor-completions
# only under /usr, and /usr/local/share/zsh/site-functions. Debian's fish reads
# /usr/local/share/fish only when XDG_DATA_DIRS names it (a server login does not), so a local
# install uses fish's directory for the administrator's completions, /etc/fish/completions.
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISHCOMPDIR ?= $(if $(filter /usr,$(PREFIX)),$(DATADIR)/fish/vendor_completions.d,/etc/fish/completions)
# Fixed: the unit's ConfigurationDirectory=osslwatch is /etc/osslwatch.
CONFDIR := /etc/osslwatch
SYSTEM_PREFIX := $(if $(filter /usr /usr/local,$(PREFIX)),$(PREFIX)/lib,/etc)
UNITDIR ?= $(SYSTEM_PREFIX)/systemd/system
SYSUSERSDIR ?= $(SYSTEM_PREFIX)/sysusers.d
BIN_INSTALL := .build/static/release/osslwatch
# The man page and completion scripts, generated from the binary being installed.
GENERATED := .build/static/generated

install-binary: setup
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build/static --product osslwatch

# The man page comes from swift-argument-parser's generate-manual tool (the one its
# generate-manual plugin runs), pointed at the binary built above rather than at a second
# release build the plugin would make; dated by the last commit so that it is reproducible.
# It copies the blank lines between paragraphs of a command's discussion into the page, where
# groff's mdoc warns about each whenever the page is shown; .Pp is mdoc's paragraph break.
# The completion scripts are the binary's own --generate-completion-script output.
man-and-completions: install-binary
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build/static --product generate-manual
	rm -rf $(GENERATED)
	mkdir -p $(GENERATED)
	.build/static/release/generate-manual $(BIN_INSTALL) --output-directory $(GENERATED) \
	  --date $$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
	sed -i 's/^$$/.Pp/' $(GENERATED)/osslwatch.1
	set -e; for shell in bash zsh fish; do \
	  $(BIN_INSTALL) --generate-completion-script $$shell >$(GENERATED)/osslwatch.$$shell; done

install: install-binary man-and-completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(CONFDIR)
	install -m 0755 $(BIN_INSTALL) $(DESTDIR)$(BINDIR)/osslwatch
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0644 $(GENERATED)/osslwatch.1 $(DESTDIR)$(MANDIR)/man1/osslwatch.1
	install -m 0644 $(GENERATED)/osslwatch.bash $(DESTDIR)$(BASHCOMPDIR)/osslwatch
	install -m 0644 $(GENERATED)/osslwatch.zsh $(DESTDIR)$(ZSHCOMPDIR)/_osslwatch
	install -m 0644 $(GENERATED)/osslwatch.fish $(DESTDIR)$(FISHCOMPDIR)/osslwatch.fish
	sed -e 's|/usr/local/bin/osslwatch|$(BINDIR)/osslwatch|' \
	  systemd/osslwatch.service >$(DESTDIR)$(UNITDIR)/osslwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/osslwatch.service
	install -m 0644 systemd/osslwatch.sysusers $(DESTDIR)$(SYSUSERSDIR)/osslwatch.conf
	@set -e; for file in config/osslwatch.yaml $$(find config/templates -type f 2>/dev/null); do \
	  target=$(DESTDIR)$(CONFDIR)/$${file#config/}; install -d "$$(dirname "$$target")"; \
	  if cmp -s "$$file" "$$target"; then continue; fi; \
	  if [ -e "$$target" ]; then target="$$target.dist"; fi; \
	  echo "install -m 0644 $$file $$target"; install -m 0644 "$$file" "$$target"; done
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
	  echo systemd-sysusers $(SYSUSERSDIR)/osslwatch.conf; systemd-sysusers $(SYSUSERSDIR)/osslwatch.conf; fi

# Removes what `make install` put in place except the config and templates under CONFDIR.
# osslwatch-daemon is no longer installed (issue 11 made `osslwatch` one executable again);
# it is still removed so that uninstalling cleans up after an install of an older release.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/osslwatch $(DESTDIR)$(BINDIR)/osslwatch-daemon $(DESTDIR)$(UNITDIR)/osslwatch.service \
	  $(DESTDIR)$(SYSUSERSDIR)/osslwatch.conf
	rm -f $(DESTDIR)$(MANDIR)/man1/osslwatch.1 $(DESTDIR)$(BASHCOMPDIR)/osslwatch \
	  $(DESTDIR)$(ZSHCOMPDIR)/_osslwatch $(DESTDIR)$(FISHCOMPDIR)/osslwatch.fish
	find $(DESTDIR)$(CONFDIR) -name '*.dist' -type f -delete 2>/dev/null || true

bench: release
	bench/run

# Builds the libFuzzer harnesses (the package in fuzzing/, never part of `swift build` or
# `make test`), optimized with coverage and ASan (FUZZ_CONFIG=debug for a debug build), and runs
# each for FUZZ_SECONDS (default 60) or FUZZ_RUNS executions on inputs up to FUZZ_MAX_LEN (8192);
# `make fuzz FUZZ_HARNESSES="atom-releases config"` runs only those. Prints executions, exec/s,
# crashes and corpus size per harness; crashing inputs land in var/fuzz/artifacts/.
fuzz: setup
	scripts/fuzz $(FUZZ_HARNESSES)

clean:
	rm -rf .build var
