# The qemu kernel matrix: `nsapi matrix` (build/nsapi-matrix, a link to the
# script) and `make matrix`, which regenerates the committed reference
# results (results/matrix.md, results/matrix/) from the default kernels.
#
#   make matrix [MATRIX_KERNELS="6.1 6.12 sid"] [MATRIX_ARGS=...]

MATRIX_KERNELS ?=
MATRIX_ARGS ?=
MATRIX_SCRIPTS := $(wildcard harness/matrix/*.sh harness/matrix/*.jq)

PROGS += $(BUILD)/nsapi-matrix
CHECK_STEPS += check-matrix-smoke check-matrix-crash

$(BUILD)/nsapi-matrix: harness/matrix/nsapi-matrix.sh
	@mkdir -p $(@D)
	$(Q)ln -sfn $(abspath $<) $@

$(BUILD)/matrix/initramfs.cpio.gz: $(STATIC_PROGS) harness/matrix/guest-init.sh \
		harness/matrix/build-initramfs.sh
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)harness/matrix/build-initramfs.sh $(BUILD)/static $@

.PHONY: matrix matrix-image check-matrix-smoke check-matrix-crash
matrix-image: build-all $(BUILD)/matrix/initramfs.cpio.gz

matrix: deps
	$(Q)$(MAKE) --no-print-directory matrix-image
	$(Q)$(BUILD)/nsapi-matrix --prune --results results $(MATRIX_ARGS) $(MATRIX_KERNELS)

check-matrix-smoke: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh smoke

check-matrix-crash: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh crash
