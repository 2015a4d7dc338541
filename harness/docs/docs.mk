# The suite's documentation, generated: tests/README.md (every behavior from
# its test's header, cases and reference-matrix results) and README.md's
# generated blocks (the KTAP and failure excerpts from real runs, the
# man-page errata table).  `make docs` writes them, check-docs fails when
# they are stale or a test's header lacks a field.  $(BUILD)/tests/HEADERS,
# the parsed headers, is what `nsapi explain` and `nsapi test -l` read.

DOCS_DIR := harness/docs
DOC_SCRIPTS := $(DOCS_DIR)/header.awk $(DOCS_DIR)/cases.awk \
	$(DOCS_DIR)/tests-readme.sh $(DOCS_DIR)/readme.sh

PROGS += $(BUILD)/tests/HEADERS $(BUILD)/nsapi-explain

# A malformed header is reported here but stops only check-docs.
$(BUILD)/tests/HEADERS: $(TEST_SRCS) $(DOCS_DIR)/header.awk
	@mkdir -p $(@D)
	$(Q)for f in $(TEST_SRCS); do awk -f $(DOCS_DIR)/header.awk $$f || true; done >$@

$(BUILD)/nsapi-explain: $(DOCS_DIR)/explain.sh
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

.PHONY: docs check-docs
docs: build-all
	$(Q)$(DOCS_DIR)/tests-readme.sh $(BUILD) $(BUILD)/tests/HEADERS >tests/README.md.tmp
	$(Q)mv tests/README.md.tmp tests/README.md
	$(Q)$(DOCS_DIR)/readme.sh $(BUILD) $(BUILD)/tests/HEADERS README.md >README.md.tmp
	$(Q)mv README.md.tmp README.md

CHECK_STEPS += check-docs
check-docs: build-all
	$(Q)BUILD=$(BUILD) $(DOCS_DIR)/check-docs.sh
