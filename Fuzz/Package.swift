// swift-tools-version:6.1
// libFuzzer targets for EdgeAssistant's parsers of untrusted input. Kept out of the main
// package because a libFuzzer executable has no `main` of its own. See README.md.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which differs between checkouts
/// (`main`, a CI clone's directory, …): derive it instead of hard-coding it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "EdgeAssistantFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "ModelLoaderFuzzer",
            dependencies: [
                .product(name: "EdgeRuntime", package: rootIdentity),
                .product(name: "EdgeONNX", package: rootIdentity),
            ]
        ),
        .executableTarget(
            name: "ImageDecoderFuzzer",
            dependencies: [
                .product(name: "EdgeRuntime", package: rootIdentity),
                .product(name: "EdgeVision", package: rootIdentity),
            ]
        ),
    ]
)
