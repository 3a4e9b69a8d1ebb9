import EdgeRuntime
import EdgeStore
import Foundation
import XCTest

final class ModelRegistryTests: StoreTestCase {
    func model(_ checksum: String) -> ModelRecord {
        ModelRecord(family: "speech-commands", variant: "int8", file: "models/speech-commands/int8.edge", checksum: checksum,
                    bytes: 123_456, registeredAt: Date(timeIntervalSince1970: 1000))
    }

    func profile(_ checksum: String, p50: Double = 1.2, p99: Double = 1.6, at: Double = 2000, host: String = "box") -> DeviceProfile {
        DeviceProfile(family: "speech-commands", variant: "int8", checksum: checksum, latencyP50Ms: p50, latencyP99Ms: p99,
                      cpuMs: 1.1, measuredAt: Date(timeIntervalSince1970: at), host: host, cpuModel: "Test CPU")
    }

    func testRegisterProfileAndLatest() async throws {
        let store = try StateStore(directory: stateDir)
        try await store.registerModel(model("crc32c:0001"))
        try await store.recordProfile(profile("crc32c:0001", p50: 1.0, p99: 1.5, at: 2000))
        try await store.recordProfile(profile("crc32c:0001", p50: 1.1, p99: 1.4, at: 3000))
        try await store.recordProfile(profile("crc32c:0001", p50: 9, p99: 9, at: 4000, host: "other"))
        let models = try await store.models()
        XCTAssertEqual(models, [model("crc32c:0001")])
        let latest = try await store.latestProfile(family: "speech-commands", variant: "int8")
        XCTAssertEqual(latest?.host, "other")
        let onBox = try await store.latestProfile(family: "speech-commands", variant: "int8", host: "box")
        XCTAssertEqual(onBox, profile("crc32c:0001", p50: 1.1, p99: 1.4, at: 3000))
    }

    func testReplacedFileHidesOldProfiles() async throws {
        let store = try StateStore(directory: stateDir)
        try await store.registerModel(model("crc32c:0001"))
        try await store.recordProfile(profile("crc32c:0001"))
        try await store.registerModel(model("crc32c:0002"))
        let latest = try await store.latestProfile(family: "speech-commands", variant: "int8")
        XCTAssertNil(latest, "the new file has not been measured")
        await assertThrowsEdgeError(.invalidInput, "registered file has crc32c:0002") { try await store.recordProfile(self.profile("crc32c:0001")) }
    }

    func testBadRegistryInputIsRefused() async throws {
        let store = try StateStore(directory: stateDir)
        await assertThrowsEdgeError(.invalidInput, "not registered") { try await store.recordProfile(self.profile("x")) }
        try await store.registerModel(model("x"))
        await assertThrowsEdgeError(.invalidInput, "below p50") { try await store.recordProfile(self.profile("x", p50: 2, p99: 1)) }
        await assertThrowsEdgeError(.invalidInput, "not a duration") { try await store.recordProfile(self.profile("x", p50: .nan)) }
        var bad = model("x")
        bad.family = "../etc"
        await assertThrowsEdgeError(.invalidInput, "model family") { try await store.registerModel(bad) }
        bad = model("")
        await assertThrowsEdgeError(.invalidInput, "checksum") { try await store.registerModel(bad) }
    }
}
