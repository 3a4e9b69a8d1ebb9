# EdgeAssistant — build, run and test on a fresh Debian 12 machine.
#   make run    install what is missing, build release, start the daemon in the foreground
#   make install / make uninstall   binary, systemd units, sysusers/tmpfiles (PREFIX, DESTDIR)
#   make test   install what is missing, run the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libasound2-dev libsqlite3-dev pkg-config libjpeg62-turbo-dev libpng-dev
# Test-only: ONNX backend test data (conformance), ONNX Runtime (checks that it runs our exports;
# never a runtime dependency), the aarch64 toolchain + qemu for NEON kernels, the TTS engines the
# speech-data and voice tests synthesize words with; `wyoming` is the reference Wyoming client;
# systemd: systemd-analyze (unit checks) and systemd-socket-activate (socket activation test).
APT_TEST_PACKAGES := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user python3-pip espeak-ng flite systemd
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

PREFIX ?= /usr/local
DESTDIR ?=
SYSTEMD_UNIT_DIR ?= /etc/systemd/system
SYSUSERS_DIR ?= /usr/lib/sysusers.d
TMPFILES_DIR ?= /usr/lib/tmpfiles.d

.PHONY: run test deps test-deps build proto clean install-check install uninstall models-deps speech-data models models-match models-speech models-detection

# The daemon in the foreground on ./run/edge-assistant.sock (state ./var, models ./models).
# Try it from another shell: ./.build/release/edge-assistant query status
run: deps build
	@mkdir -p run var
	exec $(BIN) serve --socket run/edge-assistant.sock --state-dir var --models models

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/edge-assistant
	install -d $(DESTDIR)$(PREFIX)/share/edge-assistant/models
	cp -r models/. $(DESTDIR)$(PREFIX)/share/edge-assistant/models/
	sed 's|/usr/local|$(PREFIX)|g' systemd/edge-assistant.service > edge-assistant.service.tmp
	install -D -m 0644 edge-assistant.service.tmp $(DESTDIR)$(SYSTEMD_UNIT_DIR)/edge-assistant.service
	rm -f edge-assistant.service.tmp
	install -D -m 0644 systemd/edge-assistant.socket $(DESTDIR)$(SYSTEMD_UNIT_DIR)/edge-assistant.socket
	install -D -m 0644 systemd/edge-assistant.sysusers $(DESTDIR)$(SYSUSERS_DIR)/edge-assistant.conf
	install -D -m 0644 systemd/edge-assistant.tmpfiles $(DESTDIR)$(TMPFILES_DIR)/edge-assistant.conf
	install -D -m 0644 docs/config.example.yaml $(DESTDIR)/etc/edge-assistant/config.yaml.example
	@[ -n "$(DESTDIR)" ] || { systemd-sysusers edge-assistant.conf 2>/dev/null || true; systemd-tmpfiles --create edge-assistant.conf 2>/dev/null || true; systemctl daemon-reload 2>/dev/null || true; }

uninstall:
	-@[ -n "$(DESTDIR)" ] || systemctl disable --now edge-assistant.socket edge-assistant.service 2>/dev/null || true
	rm -f $(DESTDIR)$(PREFIX)/bin/edge-assistant
	rm -rf $(DESTDIR)$(PREFIX)/share/edge-assistant
	rm -f $(DESTDIR)$(SYSTEMD_UNIT_DIR)/edge-assistant.service $(DESTDIR)$(SYSTEMD_UNIT_DIR)/edge-assistant.socket
	rm -f $(DESTDIR)$(SYSUSERS_DIR)/edge-assistant.conf $(DESTDIR)$(TMPFILES_DIR)/edge-assistant.conf
	rm -f $(DESTDIR)/etc/edge-assistant/config.yaml.example
	-@[ -n "$(DESTDIR)" ] || systemctl daemon-reload 2>/dev/null || true

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

# The shipped model families, retrained from scratch (each family's build.sh: data, teacher,
# student, compressed rungs, card.json and MODEL.md figures). Families join `models` as they land.
MATCH_DATA := data/match
DETECTION_DATA := data/detection
models: models-match models-speech models-detection

models-match: build
	BIN=$(BIN) WORK=$(MATCH_DATA) models/match-quality/build.sh

models-speech: models-deps build
	BIN=$(BIN) WORK=$(SPEECH_DATA) SEED=$(SPEECH_SEED) PER_WORD=$(SPEECH_PER_WORD) models/speech-commands/build.sh

# ar-landmarks: rendered scenes → detector teacher → distilled student → int8 + pruned rungs.
models-detection: build
	BIN=$(BIN) WORK=$(DETECTION_DATA) models/ar-landmarks/build.sh

# Regenerates Sources/EdgeONNX/Generated/onnx.pb.swift (needs protobuf-compiler and a built protoc-gen-swift).
proto:
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --swift_out=Sources/EdgeONNX/Generated \
	  --swift_opt=Visibility=Public -I Sources/EdgeONNX/Generated Sources/EdgeONNX/Generated/onnx.proto

clean:
	rm -rf .build run/demo-output

-include Makefile.kernels
