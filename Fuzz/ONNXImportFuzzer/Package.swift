// swift-tools-version:6.1
import PackageDescription

/// libFuzzer harness for the ONNX importer, kept out of the main package's dependency graph
/// (like swift-protobuf's FuzzTesting). Build and run instructions: ../README.md.
let package = Package(
    name: "ONNXImportFuzzer",
    dependencies: [
        .package(name: "EdgeAssistant", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ONNXImportFuzzer",
            dependencies: [
                .product(name: "EdgeONNX", package: "EdgeAssistant"),
                .product(name: "EdgeRuntime", package: "EdgeAssistant"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
