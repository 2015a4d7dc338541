# nsapi: a test suite and benchmark harness for the Linux namespace API.
#
#   make            build everything into $(BUILD)/
#   make deps       install the Debian packages and the kselftest headers
#   make run        run the suite and the benchmarks on the running kernel
#   make check      the project's own tests (what .ci/run runs)
#   make matrix     the same on Debian's 6.1, 6.12 and sid kernels under qemu
#   make help       this text
#
# Quiet by default; V=1 shows the commands.  KSFT_DIR=<kernel>/tools/testing/
# selftests takes kselftest.h and kselftest_harness.h from that tree instead of
# Debian's linux-source package.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

BUILD ?= build
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE
LDLIBS_COMMON := -pthread

KSFT_INC := $(BUILD)/ksft
KSFT_HDRS := $(KSFT_INC)/kselftest.h $(KSFT_INC)/kselftest_harness.h

# Everything `make` builds; the area fragments below add to these.
PROGS :=
STATIC_PROGS :=
CHECK_STEPS :=
RUN_STEPS :=

.PHONY: all
all: build-all

# Each area keeps its build rules in its own fragment.  The suite and the
# runner come first: the others name their programs in prerequisites.
FIRST_FRAGMENTS := tests/tests.mk harness/harness.mk
include $(FIRST_FRAGMENTS)
include $(filter-out $(FIRST_FRAGMENTS),$(sort $(wildcard tests/*.mk \
	bench/*.mk harness/*.mk harness/*/*.mk)))

.PHONY: build-all static sanitize
build-all: $(PROGS)
static: $(STATIC_PROGS)
sanitize: $(SAN_PROGS)

# --- dependencies --------------------------------------------------------

# The headers are never committed: copied from KSFT_DIR when given, else
# extracted once from Debian's linux-source package into a cache outside git.
# A change of KSFT_DIR (given, dropped, another tree) fetches them again.
KSFT_WANT := $(KSFT_INC)/WANT
$(KSFT_WANT): FORCE
	@mkdir -p $(@D)
	@echo '$(KSFT_DIR)' | cmp -s - $@ || echo '$(KSFT_DIR)' >$@

$(KSFT_HDRS) &: harness/fetch-kselftest.sh $(KSFT_WANT)
	$(Q)KSFT_DIR="$(KSFT_DIR)" harness/fetch-kselftest.sh $(KSFT_INC)

.PHONY: deps deps-packages
deps: deps-packages $(KSFT_HDRS)

deps-packages:
	$(Q)harness/install-deps.sh

# --- the two README commands ---------------------------------------------

.PHONY: run check
# -k: a failing suite still lets the benchmarks run; make run then fails.
run: deps
	$(Q)$(MAKE) --no-print-directory build-all
	$(Q)mkdir -p results/$(shell uname -r)
	$(Q)$(MAKE) -k --no-print-directory run-suite run-suite-nobody $(RUN_STEPS)

check: deps
	$(Q)$(MAKE) --no-print-directory build-all
	$(Q)harness/check.sh $(CHECK_STEPS)

# --- style ---------------------------------------------------------------

C_SOURCES = $(shell git ls-files -co --exclude-standard '*.c' '*.h' 2>/dev/null)

.PHONY: format check-format
format:
	$(Q)clang-format -i $(C_SOURCES)

# The tree is formatted by clang-format 14 (Debian 12's); other major
# versions lay out some constructs differently, so they are not judged.
CLANG_FORMAT_MAJOR := 14

check-format:
	$(Q)command -v clang-format >/dev/null || \
		{ echo "check-format: clang-format is not installed (make deps)" >&2; exit 1; }; \
	have=$$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p'); \
	if [ "$$have" != "$(CLANG_FORMAT_MAJOR)" ]; then \
		echo "format: SKIP: clang-format $${have:-?} here, the tree is formatted" \
			"with clang-format $(CLANG_FORMAT_MAJOR), whose layout others differ from"; \
		exit 0; \
	fi; \
	bad=$$(for f in $(C_SOURCES); do \
		clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || echo "$$f"; \
	done); \
	if [ -n "$$bad" ]; then \
		echo "not clang-formatted (run 'make format'):" $$bad >&2; exit 1; \
	fi; echo "format: $(words $(C_SOURCES)) files clean"

# --- housekeeping --------------------------------------------------------

.PHONY: clean help
clean:
	$(Q)rm -rf $(BUILD)

help:
	@sed -n '2,13s/^# \{0,1\}//p' Makefile
	@echo "other targets: install INSTALL_PATH=DIR, format, check-format, clean"
