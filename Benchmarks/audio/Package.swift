// swift-tools-version:6.1
import PackageDescription

/// Audio-path benchmarks, kept out of the main package's graph (swift-nio's nested
/// Benchmarks/Package.swift pattern). Run: `swift run -c release bench-audio` in this folder.
let package = Package(
    name: "AudioBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "EdgeAssistant", path: "../..")],
    targets: [
        .executableTarget(
            name: "bench-audio",
            dependencies: [.product(name: "EdgeAudio", package: "EdgeAssistant")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
