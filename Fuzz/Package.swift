// swift-tools-version:6.1
// libFuzzer targets for EdgeAssistant's parsers of untrusted input. Kept out of the main
// package because a libFuzzer executable has no `main` of its own. See README.md.
import PackageDescription

let package = Package(
    name: "EdgeAssistantFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "ModelLoaderFuzzer",
            dependencies: [
                .product(name: "EdgeRuntime", package: "main"),
                .product(name: "EdgeONNX", package: "main"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
