// swift-tools-version:6.1
import PackageDescription

/// EdgeAssistant: an on-device inference engine and assistant daemon for Linux edge boxes.
///
/// Layers (dependencies point down only):
///   edge-assistant (CLI) → EdgeONNX → EdgeRuntime → CEdgeKernels
///   edge-assistant (CLI) → EdgeCompress → EdgeRuntime
let package = Package(
    name: "EdgeAssistant",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "edge-assistant", targets: ["EdgeAssistantCLI"]),
        .library(name: "EdgeRuntime", targets: ["EdgeRuntime"]),
        .library(name: "EdgeONNX", targets: ["EdgeONNX"]),
        .library(name: "EdgeCompress", targets: ["EdgeCompress"]),
        .library(name: "EdgeAudio", targets: ["EdgeAudio"]),
        .library(name: "EdgeVision", targets: ["EdgeVision"]),
        .library(name: "EdgeVoice", targets: ["EdgeVoice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C micro-kernels with runtime CPU dispatch (AVX-512, AVX2+FMA, NEON, scalar reference).
        .target(
            name: "CEdgeKernels",
            cSettings: [
                .unsafeFlags(["-O3"]),
            ]
        ),
        // Tensors, graph IR, shape inference, optimizer passes, memory planner, executor, model file.
        .target(
            name: "EdgeRuntime",
            dependencies: ["CEdgeKernels"]
        ),
        // ONNX import/export. Generated/onnx.pb.swift comes from Generated/onnx.proto (`make proto`).
        .target(
            name: "EdgeONNX",
            dependencies: [
                "EdgeRuntime",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Generated/onnx.proto"]
        ),
        // Compression toolkit: magnitude / channel pruning, low-rank factorization, reports.
        .target(
            name: "EdgeCompress",
            dependencies: ["EdgeRuntime"]
        ),
        // Match-quality data: players, match results, the GRDB player store, pair features, simulator.
        .target(
            name: "EdgeMatch",
            dependencies: ["EdgeRuntime", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The daemon's state database (state.sqlite): model registry, device profiles, event log, players.
        .target(
            name: "EdgeStore",
            dependencies: ["EdgeMatch", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Training: reverse-mode gradients over a static layer graph, optimizers, checkpoints,
        // architectures, distillation, fake-quant fine-tuning, export to a .edge Graph.
        .target(
            name: "EdgeTrain",
            dependencies: ["EdgeRuntime", "CEdgeKernels", "EdgeVision"]
        ),
        // The daemon core: HTTP/1.1 + JSON over a Unix socket (SwiftNIO), limits, peer
        // credentials, model catalog and levels, metrics, systemd integration, config.
        .target(
            name: "EdgeServer",
            dependencies: [
                "EdgeRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "EdgeAssistantCLI",
            dependencies: [
                "EdgeRuntime",
                "EdgeONNX",
                "EdgeCompress",
                "EdgeMatch",
                "EdgeGovernor",
                "EdgeTrain",
                "EdgeSpeechData",
                "EdgeVisionData",
                "EdgeAudio",
                "EdgeVoice",
                "EdgeServer",
                "EdgeDaemonApp",
                "EdgeVoiceEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Scalar-reference conformance checks for every optimized kernel, shared by the Swift
        // tests and the standalone C runner used under qemu-aarch64 (`make test-kernels-aarch64`).
        .target(
            name: "CEdgeKernelTests",
            dependencies: ["CEdgeKernels"],
            path: "Tests/CEdgeKernelTests",
            exclude: ["runner"]
        ),
        .target(
            name: "EdgeTestSupport",
            dependencies: ["EdgeRuntime", "CAllocationCounter"],
            path: "Tests/EdgeTestSupport"
        ),
        // Counts heap allocations per thread (interposes malloc in the test executable only).
        .target(
            name: "CAllocationCounter",
            path: "Tests/CAllocationCounter"
        ),
        .testTarget(
            name: "CEdgeKernelsTests",
            dependencies: ["CEdgeKernelTests", "CEdgeKernels"]
        ),
        .testTarget(
            name: "EdgeRuntimeTests",
            dependencies: ["EdgeRuntime", "EdgeTestSupport"]
        ),
        // Runs the built `edge-assistant` binary: the CLI contract scripts rely on.
        .testTarget(
            name: "EdgeAssistantCLITests",
            dependencies: ["EdgeAssistantCLI", "EdgeRuntime", "EdgeTestSupport"]
        ),
        .testTarget(
            name: "EdgeCompressTests",
            dependencies: ["EdgeCompress", "EdgeRuntime", "EdgeTestSupport"]
        ),
        .testTarget(
            name: "EdgeONNXTests",
            dependencies: ["EdgeONNX", "EdgeRuntime", "EdgeTestSupport", "EdgeCompress"]
        ),
        .testTarget(
            name: "EdgeMatchTests",
            dependencies: ["EdgeMatch", "EdgeRuntime", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Child process of the crash-safety test: writes, prints each acknowledged id, gets SIGKILLed.
        .executableTarget(
            name: "EdgeStoreCrashWriter",
            dependencies: ["EdgeStore"],
            path: "Tests/EdgeStoreCrashWriter"
        ),
        .testTarget(
            name: "EdgeStoreTests",
            dependencies: ["EdgeStore", "EdgeMatch", "EdgeStoreCrashWriter", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Runtime governor: power/CPU/thermal signals (sysfs/procfs under configurable roots) and
        // the pure policy state machine that picks a variant per model. Needs only EdgeError.
        .target(
            name: "EdgeGovernor",
            dependencies: ["EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeGovernorTests",
            dependencies: ["EdgeGovernor", "EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeTrainTests",
            dependencies: ["EdgeTrain", "EdgeRuntime", "EdgeTestSupport"]
        ),
        // WAV/raw PCM decoding, resampling, the log-mel speech frontend (batch + streaming), VAD.
        .target(
            name: "EdgeAudio",
            dependencies: ["EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeAudioTests",
            dependencies: ["EdgeAudio", "EdgeRuntime", "EdgeTestSupport"]
        ),
        // Synthetic speech-commands data set: TTS (espeak-ng, flite), augmentation, splits, features.
        .target(
            name: "EdgeSpeechData",
            dependencies: ["EdgeAudio", "EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeSpeechDataTests",
            dependencies: ["EdgeSpeechData", "EdgeAudio", "EdgeRuntime"]
        ),
        // Debian's libjpeg-turbo and libpng, and the setjmp/longjmp shim libjpeg's errors need.
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .target(
            name: "CEdgeImage",
            dependencies: ["CJPEG"]
        ),
        // Image decoding (JPEG/PNG/raw frames), letterbox, detection decoding + NMS, COCO mAP.
        .target(
            name: "EdgeVision",
            dependencies: ["EdgeRuntime", "CEdgeImage", "CPNG"]
        ),
        // Synthetic AR scenes for the detector: rasterizer, scene generator, targets, validator.
        .target(
            name: "EdgeVisionData",
            dependencies: ["EdgeVision", "EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeVisionTests",
            dependencies: ["EdgeVision", "CEdgeImage", "CPNG", "EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeVisionDataTests",
            dependencies: ["EdgeVisionData", "EdgeVision", "EdgeRuntime"]
        ),
        // libasound (ALSA) through pkg-config `alsa` (Debian: libasound2-dev).
        .systemLibrary(
            name: "CAlsa",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        // Voice commands: ALSA capture, streaming recognition, event fan-out (SSE), Wyoming protocol.
        .target(
            name: "EdgeVoice",
            dependencies: ["EdgeAudio", "EdgeRuntime", "CAlsa"]
        ),
        .testTarget(
            name: "EdgeVoiceTests",
            dependencies: ["EdgeVoice", "EdgeAudio", "EdgeRuntime", "EdgeTestSupport", "EdgeVoiceTestSupport"]
        ),
        // The scripted PCM source, shared by the voice and daemon tests.
        .target(
            name: "EdgeVoiceTestSupport",
            dependencies: ["EdgeVoice"],
            path: "Tests/EdgeVoiceTestSupport"
        ),
        // Measuring voice commands: long test streams with known commands, scoring, threshold tuning.
        .target(
            name: "EdgeVoiceEval",
            dependencies: ["EdgeVoice", "EdgeSpeechData", "EdgeAudio", "EdgeRuntime"]
        ),
        .testTarget(
            name: "EdgeVoiceEvalTests",
            dependencies: ["EdgeVoiceEval", "EdgeVoice", "EdgeSpeechData", "EdgeRuntime"]
        ),
        // The daemon's glue: inference routes, governor, event log, players and voice plugged
        // into EdgeServer's seams (Integration.swift).
        .target(
            name: "EdgeDaemonApp",
            dependencies: ["EdgeServer", "EdgeStore", "EdgeMatch", "EdgeGovernor", "EdgeVision", "EdgeVoice", "EdgeAudio",
                           "EdgeRuntime", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        .testTarget(
            name: "EdgeServerTests",
            dependencies: [
                "EdgeServer", "EdgeRuntime", "EdgeTestSupport", "EdgeDaemonApp", "EdgeStore", "EdgeMatch", "EdgeVision", "EdgeAudio",
                "EdgeVoice", "EdgeVoiceTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
