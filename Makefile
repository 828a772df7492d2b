# etl-runtime — the two commands of the README:
#   make run    install what is missing, build, run the default plugins.json on the sample data
#   make test   the same set-up, then every test (Swift, C ABI, SDK examples, memory, pyarrow interop)
# and: make install PREFIX=/usr/local, make dist (tarball and .deb), make bench, make clean.

SHELL := /bin/bash
PREFIX ?= /usr/local
# install and dist build in this configuration (the install checks use the debug build they already have).
CONFIG ?= release
SWIFT ?= swift
# The toolchain's folder (/opt/swift for /opt/swift/usr/bin/swift): what install copies the Swift
# runtime from, and what the install checks hide to show the installed tree does without it.
SWIFT_TOOLCHAIN ?= $(abspath $(dir $(realpath $(shell command -v $(SWIFT))))/../..)
# What the installed etl-plugin.pc calls its prefix; dist makes the tarball's relative to the file.
PC_PREFIX ?= $(PREFIX)
DIST_DIR ?= .build/dist
BUILD_DIR := .build/debug
BIN := $(BUILD_DIR)/etl-runtime
VENV := .venv
PYTHON := $(VENV)/bin/python
DEBIAN_PACKAGES := pkg-config libsqlite3-dev libcurl4-openssl-dev zlib1g-dev sqlite3 valgrind python3 python3-venv gcc make openssh-server
# The postgres sink: libpq to build it, the server for the tests' throwaway cluster (Tests/Postgres).
DEBIAN_PACKAGES += postgresql libpq-dev
# Parquet page codecs (gzip is zlib, above).
DEBIAN_PACKAGES += libsnappy-dev libzstd-dev
# OpenSSL libcrypto: service-account JWTs for GCS, SHA-256 for S3 signatures.
DEBIAN_PACKAGES += libssl-dev
# install: patchelf points the installed files at the Swift runtime shipped beside them.
DEBIAN_PACKAGES += patchelf
# report/serve tests: headless Chromium renders the pages; curl sends the viewer bad requests.
DEBIAN_PACKAGES += chromium curl
# Shared-state tests: libfaketime runs a "host" whose clock is hours off.
DEBIAN_PACKAGES += faketime
PYTHON_PACKAGES := pyarrow pytest
# Parquet interop peers (files written by them are read by us, and ours by them).
PYTHON_PACKAGES += duckdb fastparquet
# Object-store emulators the tests start on loopback: S3 (moto's server mode) and GCS.
PYTHON_PACKAGES += "moto[server]" gcp-storage-emulator
# ADBC drivers: their wheels ship the shared libraries the adbc plugin tests load.
PYTHON_PACKAGES += adbc-driver-manager adbc-driver-sqlite adbc-driver-postgresql
# The Prometheus project's own text-format parser checks what --metrics-file writes.
PYTHON_PACKAGES += prometheus-client

.PHONY: run test build deps venv abi-check sdk-examples memory-check interop-test install-check install dist uninstall bench clean

# Runs the default manifest (census sample → warehouse.db): run it again to see the
# incremental entry move on by 1,630 rows, then stop at a no-op.
run: build
	$(BIN) run --manifest plugins.json
	$(BIN) status --manifest plugins.json

test: build venv
	$(MAKE) abi-check
	# The PostgreSQL tests start their own throwaway cluster; here they fail rather than skip.
	ETL_REQUIRE_POSTGRES=1 $(SWIFT) test
	$(MAKE) sdk-examples
	$(MAKE) memory-check
	$(MAKE) install-check
	$(MAKE) interop-test

# Debian packages: installed only when missing, so a prepared machine pays nothing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build

# A Python virtualenv with pyarrow for the interop tests, made once.
venv: $(VENV)/.ready
$(VENV)/.ready: Makefile
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check $(PYTHON_PACKAGES)
	touch $@

# The header must compile on its own, as C99, warning-free, and its layout checks hold (the
# 1.0, 1.1 and 1.2 headers kept in SDK/abi/1.0, 1.1 and 1.2 too: compatibility tests build plugins against it).
abi-check:
	cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c SDK/include/etl_plugin.h
	cc -std=c11 -Wall -Wextra -pedantic -Werror -ISDK/include -c SDK/abi/etl_plugin_abi.c -o /dev/null
	c++ -std=c++11 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c++ SDK/include/etl_plugin.h
	cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c SDK/abi/1.0/etl_plugin.h
	cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c SDK/abi/1.1/etl_plugin.h
	cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c SDK/abi/1.2/etl_plugin.h
	cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c SDK/abi/1.3/etl_plugin.h

# The SDK examples built as their authors build them (cc alone; cargo, when installed; a Swift
# package of its own that depends on the kit) and run by etl-runtime: Tests/SDKExamples.
sdk-examples: build
	Tests/SDKExamples/check_examples.sh $(BUILD_DIR)

# Arrow export/import and the host's batch builders under valgrind: no leak, no double free;
# then a whole run of the default pipeline (Tests/MemoryCheck/pipeline_check.sh).
# Valgrind's own report goes to .build/memory-check.log (Debian 12's valgrind also warns
# there about DWARF 5 debug info it cannot read); it is printed when the check fails.
memory-check: build
	@valgrind --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
	  --suppressions=Tests/MemoryCheck/valgrind.supp \
	  --error-exitcode=99 --log-file=.build/memory-check.log $(BUILD_DIR)/etl-memory-check \
	  || { grep -v 'dwarf\|DW_FORM\|debug info\|debuginfo' .build/memory-check.log; exit 1; }
	@grep -E 'definitely lost|ERROR SUMMARY' .build/memory-check.log | sed 's/^==[0-9]*== /valgrind: /'
	@# The check must be able to fail: a deliberate double release has to be reported.
	@valgrind --error-exitcode=99 --log-file=/dev/null $(BUILD_DIR)/etl-memory-check --deliberate-double-release \
	  >/dev/null 2>&1; status=$$?; [ $$status = 99 ] \
	  || { echo "memory-check: a deliberate double release went unnoticed (exit $$status)"; exit 1; }
	@echo "memory-check: a deliberate double release is caught by valgrind"
	@Tests/MemoryCheck/pipeline_check.sh $(BUILD_DIR)

# pyarrow reads a plugin's stream and writes a batch into a sink, through the C interfaces;
# and the mock API server the http plugin tests use checks itself.
interop-test: build venv
	ETL_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest -q Tests/Interop Tests/MockAPI

# make install into a temporary prefix, then build a third-party plugin with pkg-config
# and list it with the installed binary; then the installed tree, the tarball and the .deb
# (made from the debug build here: make dist alone builds release) run the census sample
# with the Swift toolchain hidden (Tests/Install/portable_check.sh).
install-check: build
	Tests/Install/install_check.sh
	Tests/Install/portable_check.sh $(SWIFT_TOOLCHAIN)

# Benchmarks against peers (not part of the tests): see bench/README.md.
BENCH_VENV := .venv-bench
BENCH_ROWS ?= 1000000 5000000
bench: deps
	$(SWIFT) build -c release
	[ -x $(BENCH_VENV)/bin/python ] || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check pandas pyarrow adbc-driver-sqlite adbc-driver-manager \
	  adbc-driver-postgresql "psycopg[binary]" sqlalchemy requests duckdb
	dpkg -s nginx >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get install -y -q nginx; }
	@# pgloader is a PostgreSQL peer; postgres_bench.py says why it skips it when apt has no such package.
	dpkg -s pgloader >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get install -y -q pgloader || true; }
	BENCH_PYTHON=$(BENCH_VENV)/bin/python $(BENCH_VENV)/bin/python bench/census_bench.py $(BENCH_ROWS)
	BENCH_PYTHON=$(BENCH_VENV)/bin/python $(BENCH_VENV)/bin/python bench/parquet_bench.py $(BENCH_ROWS)
	BENCH_PYTHON=$(BENCH_VENV)/bin/python $(BENCH_VENV)/bin/python bench/postgres_bench.py $(BENCH_ROWS)
	BENCH_PYTHON=$(BENCH_VENV)/bin/python $(BENCH_VENV)/bin/python bench/http_bench.py
	cc -O2 bench/sqlite_insert_groups.c -lsqlite3 -o .build/sqlite_insert_groups
	.build/sqlite_insert_groups $${TMPDIR:-/tmp}/etl-bench-groups.db

install: deps
	$(SWIFT) build -c $(CONFIG)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/etl-runtime/plugins \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 .build/$(CONFIG)/etl-runtime $(DESTDIR)$(PREFIX)/bin/etl-runtime
	install -m 755 .build/$(CONFIG)/libetl_*.so $(DESTDIR)$(PREFIX)/lib/etl-runtime/plugins/
	install -m 644 SDK/include/etl_plugin.h $(DESTDIR)$(PREFIX)/include/etl_plugin.h
	sed -e 's|@PREFIX@|$(PC_PREFIX)|g' SDK/etl-plugin.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/etl-plugin.pc
	Runtime/Packaging/bundle_swift_runtime.sh $(DESTDIR)$(PREFIX) $(SWIFT_TOOLCHAIN)
	@echo "Installed etl-runtime into $(DESTDIR)$(PREFIX)"

# DIST_DIR/etl-runtime-VERSION-linux-ARCH.tar.gz (relocatable) and etl-runtime_VERSION_ARCH.deb
# (into /usr, Depends computed from what the files load): Runtime/Packaging/make_dist.sh.
dist: deps
	Runtime/Packaging/make_dist.sh $(DIST_DIR) $(CONFIG)

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/etl-runtime $(DESTDIR)$(PREFIX)/include/etl_plugin.h \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/etl-plugin.pc
	rm -rf $(DESTDIR)$(PREFIX)/lib/etl-runtime

clean:
	rm -rf .build $(VENV)
