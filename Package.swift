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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
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
                "EdgeServer",
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
            dependencies: ["EdgeONNX", "EdgeRuntime", "EdgeTestSupport"]
        ),
        .testTarget(
            name: "EdgeServerTests",
            dependencies: [
                "EdgeServer", "EdgeRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
