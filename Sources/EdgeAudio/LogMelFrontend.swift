import Foundation

/// The speech models' input features: log-mel energies of 16 kHz mono audio.
///
/// Per frame (25 ms window, 10 ms hop, no padding at either end, so 1 s → 98 frames):
/// 1. the 400 samples (floats in [-1, 1]) times a periodic Hann window `0.5 − 0.5·cos(2πn/400)`,
/// 2. zero-padded to 512 and transformed (`RealFFT`), power `|X[k]|²` for k = 0…256 (unscaled),
/// 3. 40 HTK-mel triangular bands over 20–7600 Hz (`MelFilterbank`),
/// 4. `log(mel + 1e-6)` (natural log).
/// No pre-emphasis, dither or mean normalisation: what the model sees is a pure function of
/// the samples, so the batch path here and the streaming path (`LogMelStream`) agree bit for bit.
/// Features are row-major `[frames, 40]`, matching the model input `[N, 1, 98, 40]`.
public struct LogMelFrontend: Sendable {
    /// Fixed parameters of the speech contract.
    public enum Contract {
        public static let sampleRate = 16_000
        public static let windowLength = 400
        public static let hopLength = 160
        public static let fftSize = 512
        public static let melBands = 40
        public static let lowHz = 20.0
        public static let highHz = 7600.0
        public static let logFloor: Float = 1e-6
        /// Samples in one model input window (1 s).
        public static let clipSamples = 16_000
        /// Frames in one model input window.
        public static let clipFrames = 98
    }

    let window: [Float]
    public let filterbank: MelFilterbank
    var fft: RealFFT
    var frame: [Float]   // windowed, zero-padded FFT input
    var power: [Float]
    var mel: [Float]

    public init() {
        let n = Contract.windowLength
        window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        filterbank = MelFilterbank(bands: Contract.melBands, fftSize: Contract.fftSize, sampleRate: Contract.sampleRate,
                                   lowHz: Contract.lowHz, highHz: Contract.highHz)
        fft = RealFFT(size: Contract.fftSize)
        frame = [Float](repeating: 0, count: Contract.fftSize)
        power = [Float](repeating: 0, count: Contract.fftSize / 2 + 1)
        mel = [Float](repeating: 0, count: Contract.melBands)
    }

    /// Frames produced by `count` samples: `1 + (count − 400) / 160`, or 0 below one window.
    public static func frameCount(samples count: Int) -> Int {
        count < Contract.windowLength ? 0 : 1 + (count - Contract.windowLength) / Contract.hopLength
    }

    /// Log-mel features of `samples` (16 kHz mono), row-major `[frameCount, 40]`.
    public mutating func features(_ samples: [Float]) -> [Float] {
        let frames = Self.frameCount(samples: samples.count)
        var out = [Float](repeating: 0, count: frames * Contract.melBands)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for f in 0..<frames {
                    computeFrame(UnsafeBufferPointer(rebasing: x[(f * Contract.hopLength)...].prefix(Contract.windowLength)),
                                 into: UnsafeMutableBufferPointer(rebasing: o[(f * Contract.melBands)..<((f + 1) * Contract.melBands)]))
                }
            }
        }
        return out
    }

    /// The one frame computation both paths share: 400 samples → 40 log-mel values.
    /// Allocation-free.
    mutating func computeFrame(_ samples: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(samples.count == Contract.windowLength && out.count == Contract.melBands)
        let fb = filterbank
        window.withUnsafeBufferPointer { w in
            frame.withUnsafeMutableBufferPointer { fr in
                for i in 0..<w.count { fr[i] = samples[i] * w[i] }
                power.withUnsafeMutableBufferPointer { p in
                    fft.powerSpectrum(UnsafeBufferPointer(fr), into: p)
                    fb.apply(UnsafeBufferPointer(p), into: out)
                }
            }
        }
        for m in 0..<out.count { out[m] = log(out[m] + Contract.logFloor) }
    }
}
