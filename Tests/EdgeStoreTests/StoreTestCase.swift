import EdgeRuntime
import EdgeStore
import Foundation
import XCTest

/// A fresh state directory per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var stateDir: String!

    override func setUpWithError() throws {
        stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)/nested").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: (stateDir as NSString).deletingLastPathComponent)
    }

    var dbPath: String { stateDir + "/" + StateStore.fileName }

    /// Asserts an async call throws `EdgeError` with `code` and a message containing `fragment`.
    func assertThrowsEdgeError<T>(_ code: EdgeError.Code, _ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                                  _ body: () async throws -> T) async {
        do {
            _ = try await body()
            XCTFail("expected \(code) containing '\(fragment)'", file: file, line: line)
        } catch let e as EdgeError {
            XCTAssertEqual(e.code, code, e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: line)
        } catch {
            XCTFail("expected EdgeError, got \(error)", file: file, line: line)
        }
    }
}
