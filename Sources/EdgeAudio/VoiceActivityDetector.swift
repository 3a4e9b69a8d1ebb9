import Foundation

/// Per-frame speech / non-speech decisions from log-mel frames, with onset and hangover.
///
/// A frame is *active* when both hold:
/// - its energy (`10·log10 Σ mel`) exceeds the tracked noise floor by `marginDB` and is above
///   `minEnergyDB` (absolute silence never counts, however quiet the floor);
/// - its spectral flatness over band densities (`mel[m] / width[m]`, geometric over arithmetic
///   mean) is below `maxFlatness`: voiced speech and tones concentrate energy in a few bands,
///   broadband noise spreads it evenly (flatness near 1), so loud noise alone stays non-speech.
/// The noise floor follows the energy down at once and rises by at most `floorRiseDBPerFrame`
/// (a minimum tracker), so a long word does not become the floor.
/// The decision turns on after `onsetFrames` consecutive active frames and stays on for
/// `hangoverFrames` after the last active frame, bridging the unvoiced gaps inside words.
/// State is a few scalars: `process` allocates nothing.
public struct VoiceActivityDetector: Sendable {
    /// Tunables; defaults suit 10 ms frames of the speech contract.
    public struct Options: Sendable {
        public var marginDB: Float = 9
        public var minEnergyDB: Float = -30
        public var maxFlatness: Float = 0.35
        public var floorRiseDBPerFrame: Float = 0.03
        public var onsetFrames = 2
        public var hangoverFrames = 20
        public init() {}
    }

    public let options: Options
    private let bandWidths: [Float]
    private var floorDB: Float?
    private var activeRun = 0
    private var sinceActive = Int.max
    /// The decision for the last processed frame.
    public private(set) var isSpeech = false
    /// Energy (dB) and flatness of the last frame, for diagnostics and tests.
    public private(set) var lastEnergyDB: Float = -.infinity
    public private(set) var lastFlatness: Float = 1

    public init(options: Options = Options(), filterbank: MelFilterbank = LogMelFrontend().filterbank) {
        self.options = options
        bandWidths = filterbank.bandWidths.map { max($0, 1e-6) }
    }

    /// Clears the floor and the decision (e.g. when the microphone is switched back on).
    public mutating func reset() {
        floorDB = nil
        activeRun = 0
        sinceActive = .max
        isSpeech = false
    }

    /// Updates with one log-mel frame (as `LogMelStream` emits it) and returns the decision.
    @discardableResult
    public mutating func process(logMel frame: UnsafeBufferPointer<Float>) -> Bool {
        precondition(frame.count == bandWidths.count)
        var total: Float = 0, logDensity: Float = 0, density: Float = 0
        bandWidths.withUnsafeBufferPointer { w in
            for m in 0..<frame.count {
                let e = exp(frame[m])
                total += e
                let d = e / w[m]
                density += d
                logDensity += log(d)
            }
        }
        let n = Float(frame.count)
        let energyDB = 10 * log10(total)
        let flatness = exp(logDensity / n) / max(density / n, .leastNormalMagnitude)
        lastEnergyDB = energyDB
        lastFlatness = flatness

        let floor = floorDB.map { energyDB < $0 ? energyDB : $0 + options.floorRiseDBPerFrame } ?? energyDB
        floorDB = floor
        let active = energyDB > floor + options.marginDB && energyDB > options.minEnergyDB && flatness < options.maxFlatness
        activeRun = active ? activeRun + 1 : 0
        if activeRun >= options.onsetFrames {
            sinceActive = 0
        } else if active && isSpeech {
            sinceActive = 0
        } else if sinceActive != .max {
            sinceActive += 1
        }
        isSpeech = sinceActive <= options.hangoverFrames
        return isSpeech
    }

    /// Decisions for a whole feature matrix `[frames, 40]` (row-major).
    public mutating func process(features: [Float]) -> [Bool] {
        let bands = bandWidths.count
        return features.withUnsafeBufferPointer { f in
            (0..<(f.count / bands)).map { i in process(logMel: UnsafeBufferPointer(rebasing: f[(i * bands)..<((i + 1) * bands)])) }
        }
    }
}
