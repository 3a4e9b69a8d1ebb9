import EdgeRuntime
import XCTest
@testable import EdgeSpeechData

final class SpeechDataPlanTests: XCTestCase {
    private let langs = ["en-us", "en-gb", "en-029"]
    private let variants = (1...20).map { "v\($0)" }

    private func plan(seed: UInt64 = 9, perWord: Int = 20) throws -> SpeechDataPlan {
        try SpeechDataPlan(options: SpeechDataOptions(seed: seed, perWord: perWord), espeakLanguages: langs,
                           espeakVariants: variants, fliteVoices: ["slt", "kal16"])
    }

    func testEveryVoiceAndVariantBelongsToOneSplit() throws {
        let p = try plan()
        var splitOfVoice = [String: SpeechSplit](), splitOfVariant = [String: SpeechSplit]()
        for c in p.clips {
            guard let v = c.voice else { continue }
            XCTAssertEqual(splitOfVoice.updateValue(c.split, forKey: v.id) ?? c.split, c.split, v.id)
            if let variant = v.variant { XCTAssertEqual(splitOfVariant.updateValue(c.split, forKey: variant) ?? c.split, c.split, variant) }
            XCTAssertEqual(v.engine == .flite, c.split == .testEngine, "the held-out engine is flite, and only there")
        }
        XCTAssertEqual(p.voices[.test]?.count, 3 * 2)   // 10% of 20 variants × 3 languages
        XCTAssertEqual(p.voices[.val]?.count, 3 * 2)
        XCTAssertEqual(p.voices[.train]?.count, 3 * 16)
    }

    func testCountsPerSplitAndClass() throws {
        let p = try plan()
        var counts = [SpeechSplit: [String: Int]]()
        for c in p.clips { counts[c.split, default: [:]][c.label, default: 0] += 1 }
        for label in SpeechLabels.all {
            XCTAssertEqual(counts[.train]?[label], 16)
            XCTAssertEqual(counts[.val]?[label], 2)
            XCTAssertEqual(counts[.test]?[label], 2)
            XCTAssertEqual(counts[.testEngine]?[label], 4)
        }
        for c in p.clips {
            switch c.label {
            case SpeechLabels.silence: XCTAssertNil(c.word)
            case SpeechLabels.unknown: XCTAssertTrue(SpeechLabels.unknownWords.contains(c.word ?? ""))
            default: XCTAssertEqual(c.word, c.label)
            }
        }
        XCTAssertEqual(p.clips.map(\.index), Array(0..<p.clips.count))
    }

    func testDeterministicFromTheSeed() throws {
        let a = try plan(seed: 5), b = try plan(seed: 5), c = try plan(seed: 6)
        XCTAssertEqual(a.clips.map(\.seed), b.clips.map(\.seed))
        XCTAssertEqual(a.clips.map { $0.voice?.id }, b.clips.map { $0.voice?.id })
        XCTAssertNotEqual(a.clips.map(\.seed), c.clips.map(\.seed))
    }

    func testUnknownWordsAreNotCommands() {
        XCTAssertGreaterThanOrEqual(SpeechLabels.unknownWords.count, 20)
        XCTAssertTrue(Set(SpeechLabels.unknownWords).isDisjoint(with: SpeechLabels.commands))
        XCTAssertEqual(SpeechLabels.all.count, 12)
    }

    func testRejectsUnusableSelections() {
        let o = SpeechDataOptions(seed: 1, perWord: 3)
        XCTAssertThrowsError(try SpeechDataPlan(options: o, espeakLanguages: langs, espeakVariants: ["a", "b"], fliteVoices: ["slt"]))
        XCTAssertThrowsError(try SpeechDataPlan(options: o, espeakLanguages: [], espeakVariants: variants, fliteVoices: ["slt"]))
        XCTAssertThrowsError(try SpeechDataPlan(options: o, espeakLanguages: langs, espeakVariants: variants, fliteVoices: []))
        XCTAssertThrowsError(try SpeechDataPlan(options: SpeechDataOptions(seed: 1, perWord: 0), espeakLanguages: langs,
                                                espeakVariants: variants, fliteVoices: ["slt"]))
    }

    func testVoiceListsParseToolOutput() {
        let voices = """
        Pty Language       Age/Gender VoiceName          File                 Other Languages
         2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
         3  en-uk           --/M      english-mb-en1     mb/mb-en1            (en-gb 3)(en 2)
         2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
         5  en-us           --/M      us-mbrola-2        mb/mb-us2            (en 7)
         5  variant         --/M      Storm              !v/Storm             (en-us 5)
        """
        XCTAssertEqual(VoiceCatalog.parseEspeakVoices(voices), ["en-gb", "en-us"])
        let variants = """
        Pty Language       Age/Gender VoiceName          File                 Other Languages
         5  variant         --/M      Adam               !v/adam
         5  variant         --/F      Alicia             !v/Alicia
        """
        XCTAssertEqual(VoiceCatalog.parseEspeakVariants(variants), ["adam", "Alicia"])
        XCTAssertEqual(VoiceCatalog.parseFliteVoices("Voices available: kal awb_time kal16 slt \n"), ["kal", "kal16", "slt"])
    }
}
