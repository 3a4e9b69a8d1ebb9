# EdgeAssistant — build, run and test on a fresh Debian 12 machine.
#   make run    install what is missing, build release, start the engine demo
#   make test   install what is missing, run the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libasound2-dev libsqlite3-dev pkg-config libjpeg62-turbo-dev libpng-dev
# Test-only: ONNX backend test data (conformance), ONNX Runtime (checks that it runs our exports;
# never a runtime dependency), the aarch64 toolchain + qemu for NEON kernels, the TTS engines the
# speech-data and voice tests synthesize words with; `wyoming` is the reference Wyoming client.
APT_TEST_PACKAGES := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user python3-pip espeak-ng flite
PIP_TEST_PACKAGES := onnx onnxruntime numpy pycocotools wyoming
# Tools that generate training data (`make models`): the TTS engines of the speech data set.
# The generator's tests call them too, hence also in APT_TEST_PACKAGES.
MODEL_APT_PACKAGES := espeak-ng flite
SPEECH_DATA := data/speech
SPEECH_SEED := 1
SPEECH_PER_WORD := 600
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/edge-assistant
DEMO_MODEL := models/demo/tiny-detector.edge

.PHONY: run test deps test-deps build proto clean install-check models-deps speech-data

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
define apt-install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi
endef

deps:
	$(call apt-install,$(APT_PACKAGES))

test-deps:
	$(call apt-install,$(APT_TEST_PACKAGES))
	@python3 -c 'import onnx, onnxruntime, numpy, pycocotools, wyoming' 2>/dev/null || python3 -m pip install -q $(PIP_TEST_PACKAGES) || python3 -m pip install -q --break-system-packages $(PIP_TEST_PACKAGES)

models-deps:
	$(call apt-install,$(MODEL_APT_PACKAGES))

# The speech-commands data set (docs/SPEECH_DATA.md); not committed, regenerated from the seed.
speech-data: models-deps build
	$(BIN) data speech --out $(SPEECH_DATA) --seed $(SPEECH_SEED) --per-word $(SPEECH_PER_WORD)

# Regenerates Sources/EdgeONNX/Generated/onnx.pb.swift (needs protobuf-compiler and a built protoc-gen-swift).
proto:
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --swift_out=Sources/EdgeONNX/Generated \
	  --swift_opt=Visibility=Public -I Sources/EdgeONNX/Generated Sources/EdgeONNX/Generated/onnx.proto

clean:
	rm -rf .build run/demo-output

-include Makefile.kernels
