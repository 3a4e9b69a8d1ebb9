import EdgeAudio
import EdgeRuntime
import Foundation
import XCTest
@testable import EdgeSpeechData

/// Runs espeak-ng and flite (installed by `make test-deps`): a tiny set (one clip per class and
/// split, 48 clips) made twice must be byte-identical, validate cleanly, and every corruption
/// the validator exists for must be reported.
final class SpeechDataGeneratorTests: XCTestCase {
    static let tiny: SpeechDataOptions = {
        var o = SpeechDataOptions(seed: 11, perWord: 1)
        o.espeakLanguages = ["en-us", "en-gb"]
        o.espeakVariants = ["m3", "f2", "Alex", "klatt"]
        o.fliteVoices = ["slt", "kal"]   // kal is 8 kHz: the resampler is on the path
        return o
    }()

    private func makeTiny(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "speechdata-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try SpeechDataGenerator.plan(Self.tiny)
        _ = try SpeechDataGenerator.generate(plan, options: Self.tiny, into: dir)
        return dir
    }

    /// A private copy of one generated set (made once per run: synthesis is the slow part).
    private func copyOfTiny(_ name: String) throws -> String {
        if Self.shared == nil {
            let dir = NSTemporaryDirectory() + "speechdata-shared-\(getpid())"
            try? FileManager.default.removeItem(atPath: dir)
            _ = try SpeechDataGenerator.generate(try SpeechDataGenerator.plan(Self.tiny), options: Self.tiny, into: dir)
            Self.shared = dir
        }
        let dir = NSTemporaryDirectory() + "speechdata-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.copyItem(atPath: Self.shared!, toPath: dir)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    nonisolated(unsafe) private static var shared: String?

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(atPath: shared) }
        super.tearDown()
    }

    private func files(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasSuffix("/") && FileManager.default.contents(atPath: "\(dir)/\($0)") != nil }.sorted()
    }

    func testSameSeedGivesIdenticalBytesAndAValidSet() throws {
        let a = try copyOfTiny("a"), b = try makeTiny("b")
        let fa = files(a)
        XCTAssertEqual(fa, files(b))
        XCTAssertEqual(fa.filter { $0.hasSuffix(".wav") }.count, 48)
        for f in fa {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(a)/\(f)"), FileManager.default.contents(atPath: "\(b)/\(f)"), f)
        }
        let report = try SpeechDataValidator.validate(directory: a)
        XCTAssertTrue(report.isValid, report.render())
        // Features are the frontend applied to the stored WAV, row by row.
        let entries = try Manifest.decode(Array(FileManager.default.contents(atPath: "\(a)/manifest.jsonl")!))
        let e = try XCTUnwrap(entries.first { $0.split == .testEngine && $0.label == "go" })
        XCTAssertEqual(e.engine, "flite")
        let clip = try WAVDecoder.decode(Array(FileManager.default.contents(atPath: "\(a)/\(e.path)")!))
        var fe = LogMelFrontend()
        let features = try Npy.read(path: "\(a)/test_engine/features.npy").scalars(as: Float.self)
        XCTAssertEqual(Array(features[(e.row * 3920)..<((e.row + 1) * 3920)]), fe.features(clip.samples))
        XCTAssertGreaterThan(rms(clip.samples), 1e-3, "the word is audible")
    }

    func testValidatorReportsBadData() throws {
        let dir = try copyOfTiny("bad")
        let entries = try Manifest.decode(Array(FileManager.default.contents(atPath: "\(dir)/manifest.jsonl")!))
        let train = entries.filter { $0.split == .train }
        // Wrong sample rate, wrong length.
        try WAVEncoder.write(try AudioClip(mono: [Float](repeating: 0.1, count: 8000), sampleRate: 8000), to: "\(dir)/\(train[0].path)")
        try WAVEncoder.write(try AudioClip(mono: [Float](repeating: 0.1, count: 12_000), sampleRate: 16_000), to: "\(dir)/\(train[1].path)")
        // NaN in the features.
        let f = try Npy.read(path: "\(dir)/val/features.npy")
        f.storage.bytes.storeBytes(of: Float.nan, toByteOffset: 4 * 3920 + 8, as: Float.self)
        try Npy.write(f, path: "\(dir)/val/features.npy")
        // An empty class: drop test's 'stop' lines from the manifest.
        let kept = entries.filter { !($0.split == .test && $0.label == "stop") }
        try Data(Manifest.encode(kept)).write(to: URL(fileURLWithPath: "\(dir)/manifest.jsonl"))

        let report = try SpeechDataValidator.validate(directory: dir)
        XCTAssertFalse(report.isValid)
        let text = report.problems.joined(separator: "\n")
        for needle in ["wrong sample rate 8000 Hz", "clip length 12000 samples", "NaN or infinity in row 1",
                       "empty class: test has no 'stop' clips", "test/features.npy is float32 [12, 1, 98, 40], expected float32 [11, 1, 98, 40]"] {
            XCTAssertTrue(text.contains(needle), "missing '\(needle)' in:\n\(text)")
        }
    }

    func testUnknownVoiceIsAClearError() {
        var o = Self.tiny
        o.fliteVoices = ["hal9000"]
        XCTAssertThrowsError(try SpeechDataGenerator.plan(o)) { error in
            XCTAssertTrue((error as? EdgeError)?.message.contains("flite voice 'hal9000' is not installed") ?? false, "\(error)")
        }
    }
}
