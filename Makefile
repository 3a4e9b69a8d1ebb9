# EdgeAssistant — build, run and test on a fresh Debian 12 machine.
#   make run    install what is missing, build release, start the engine demo
#   make test   install what is missing, run the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libasound2-dev libsqlite3-dev pkg-config
# Test-only: ONNX backend test data (conformance), ONNX Runtime (checks that it runs our exports;
# never a runtime dependency) and the aarch64 toolchain + qemu for NEON kernels; espeak-ng
# synthesizes spoken words for the voice tests, `wyoming` is the reference Wyoming client.
APT_TEST_PACKAGES := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user python3-pip espeak-ng
PIP_TEST_PACKAGES := onnx onnxruntime numpy wyoming
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/edge-assistant
DEMO_MODEL := models/demo/tiny-detector.edge

.PHONY: run test deps test-deps build proto clean install-check

run: deps build
	@mkdir -p run var
	@echo "== EdgeAssistant engine demo (the daemon lands with issue 5) =="
	$(BIN) info $(DEMO_MODEL)
	$(BIN) bench $(DEMO_MODEL) --runs 50
	@python3 -c 'import numpy' 2>/dev/null && python3 -c 'import numpy as np; np.save("run/demo-input.npy", np.random.default_rng(0).standard_normal((1,3,128,128)).astype(np.float32))' \
	  && $(BIN) run $(DEMO_MODEL) --input image=run/demo-input.npy --output-dir run/demo-output || true

build:
	$(SWIFT) build -c release --product edge-assistant

test: deps test-deps
	$(MAKE) test-kernels-aarch64
	$(SWIFT) test -c release -Xswiftc -enable-testing --disable-swift-testing

# Installs only what is missing (as root, or through sudo).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

test-deps:
	@missing=""; for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi
	@python3 -c 'import onnx, onnxruntime, numpy, wyoming' 2>/dev/null || python3 -m pip install -q $(PIP_TEST_PACKAGES) || python3 -m pip install -q --break-system-packages $(PIP_TEST_PACKAGES)

# Regenerates Sources/EdgeONNX/Generated/onnx.pb.swift (needs protobuf-compiler and a built protoc-gen-swift).
proto:
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --swift_out=Sources/EdgeONNX/Generated \
	  --swift_opt=Visibility=Public -I Sources/EdgeONNX/Generated Sources/EdgeONNX/Generated/onnx.proto

clean:
	rm -rf .build run/demo-output

-include Makefile.kernels
