@testable import EdgeServer
import XCTest

final class ModelRegistryTests: XCTestCase {
    let admin = PeerCredentials(pid: 1, uid: 0, gid: 0)

    func testLevelsSwapAtomicallyAndLeasesSurvive() throws {
        let (tmp, catalog) = try Fixtures.catalog()
        _ = tmp
        let sink = RecordingSink()
        let registry = ModelRegistry(catalog: catalog, events: sink)
        XCTAssertEqual(registry.status().first?.activeVariant, "teacher")
        XCTAssertTrue(registry.status().first!.reason.hasPrefix("auto"))
        let leased = try XCTUnwrap(registry.lease("speech"))

        let s = try registry.setLevel("speech", .pinned("int8"), by: admin)
        XCTAssertEqual(s.activeVariant, "int8")
        XCTAssertEqual(s.level, .pinned("int8"))
        XCTAssertEqual(registry.lease("speech")?.name, "int8")
        // The in-flight request keeps its session.
        XCTAssertEqual(leased.name, "teacher")
        XCTAssertNoThrow(try leased.session.run([try .init([1, 1] as [Float], shape: [1, 2])]))
        XCTAssertEqual(sink.events, [.levelSwitch(family: "speech", from: "teacher", to: "int8", level: "int8", reason: "pinned by uid 0")])

        try registry.setLevel("speech", .auto, by: admin)
        XCTAssertEqual(registry.lease("speech")?.name, "teacher")
        XCTAssertEqual(sink.events.count, 2)
    }

    func testUnknownModelAndVariant() throws {
        let (tmp, catalog) = try Fixtures.catalog()
        _ = tmp
        let registry = ModelRegistry(catalog: catalog)
        XCTAssertThrowsError(try registry.setLevel("nope", .auto, by: admin)) {
            XCTAssertEqual(($0 as? APIError)?.status, .notFound)
        }
        XCTAssertThrowsError(try registry.setLevel("speech", .pinned("int4"), by: admin)) {
            XCTAssertEqual(($0 as? APIError)?.code, "unknown_variant")
            XCTAssertTrue(($0 as? APIError)?.message.contains("auto, teacher, int8") == true)
        }
        XCTAssertNil(registry.lease("nope"))
    }

    struct Fixed: ModelLevelController {
        let pick: String
        func automaticVariant(for family: ModelCard) -> (variant: String, reason: String)? { (pick, "budget low") }
    }

    func testControllerDecidesAutoAndReloadKeepsPins() throws {
        let (tmp, catalog) = try Fixtures.catalog(["speech", "vision"])
        let registry = ModelRegistry(catalog: catalog, controller: Fixed(pick: "int8"))
        XCTAssertEqual(registry.lease("speech")?.name, "int8")
        XCTAssertEqual(registry.status().first?.reason, "auto: budget low")
        try registry.setLevel("vision", .pinned("teacher"), by: admin)

        // Reload: vision still has "teacher"; speech loses int8 → falls back to the first variant.
        try FileManager.default.removeItem(atPath: tmp.path("models/speech"))
        try Fixtures.writeFamily(in: tmp.path("models"), "speech", variants: ["small"])
        registry.replaceCatalog(try ModelCatalog.load(directory: tmp.path("models")))
        XCTAssertEqual(registry.lease("vision")?.name, "teacher")
        XCTAssertEqual(registry.status().first { $0.family == "vision" }?.level, .pinned("teacher"))
        XCTAssertEqual(registry.lease("speech")?.name, "small")
    }
}
