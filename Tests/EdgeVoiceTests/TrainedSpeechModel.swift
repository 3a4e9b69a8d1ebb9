import Foundation
import XCTest
@testable import EdgeVoice

/// The trained speech-commands student (issue 4), which the daemon serves by default:
/// `models/speech-commands/student.edge` relative to the package root.
enum TrainedSpeechModel {
    static var path: String {
        // Tests/EdgeVoiceTests/<this file> → package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/speech-commands/student.edge").path
    }

    /// The model, or a skip naming the missing file.
    static func load() throws -> SpeechModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("the trained speech model is absent (\(path)); `make models` (issue 4) produces it")
        }
        return try SpeechModel.load(path: path)
    }
}
