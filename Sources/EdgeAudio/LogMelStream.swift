/// The incremental form of `LogMelFrontend`: push audio in chunks of any size, receive each
/// 40-value log-mel frame as soon as its 400 samples have arrived.
///
/// Frames equal the batch path's bit for bit (both call `LogMelFrontend.computeFrame` on the
/// same 400 contiguous samples). A 400-sample buffer holds the current window; after each
/// frame the last 240 samples move to the front (a 960-byte move every 10 ms is cheaper than
/// the copy a ring buffer would need to hand the FFT contiguous input). After `init`, `push`
/// allocates nothing, so a capture thread can run it forever.
///
/// ```
/// var stream = LogMelStream()
/// stream.push(chunk) { frame in model.append(frame) }   // frame: UnsafeBufferPointer<Float>, 40 values
/// ```
public struct LogMelStream: Sendable {
    private typealias C = LogMelFrontend.Contract
    private var frontend = LogMelFrontend()
    private var pending = [Float](repeating: 0, count: C.windowLength)
    private var filled = 0
    private var out = [Float](repeating: 0, count: C.melBands)
    /// Frames emitted since `init` or `reset`.
    public private(set) var framesEmitted = 0

    public init() {}

    /// Forgets buffered samples (e.g. after a capture gap), so the next frame starts fresh.
    public mutating func reset() {
        filled = 0
        framesEmitted = 0
    }

    /// Appends float samples (16 kHz mono, [-1, 1]); calls `onFrame` once per completed frame.
    public mutating func push(_ samples: UnsafeBufferPointer<Float>, onFrame: (UnsafeBufferPointer<Float>) -> Void) {
        var i = 0
        while i < samples.count {
            let n = min(samples.count - i, C.windowLength - filled)
            pending.withUnsafeMutableBufferPointer { p in
                for j in 0..<n { p[filled + j] = samples[i + j] }
            }
            filled += n
            i += n
            if filled == C.windowLength { emit(onFrame) }
        }
    }

    /// Appends signed 16-bit samples (as ALSA captures them), scaled by 1/32768 like `RawPCM`.
    public mutating func push(s16 samples: UnsafeBufferPointer<Int16>, onFrame: (UnsafeBufferPointer<Float>) -> Void) {
        var i = 0
        while i < samples.count {
            let n = min(samples.count - i, C.windowLength - filled)
            pending.withUnsafeMutableBufferPointer { p in
                for j in 0..<n { p[filled + j] = Float(samples[i + j]) / 32768 }
            }
            filled += n
            i += n
            if filled == C.windowLength { emit(onFrame) }
        }
    }

    /// Array convenience for `push(_:onFrame:)`.
    public mutating func push(_ samples: [Float], onFrame: (UnsafeBufferPointer<Float>) -> Void) {
        samples.withUnsafeBufferPointer { push($0, onFrame: onFrame) }
    }

    private mutating func emit(_ onFrame: (UnsafeBufferPointer<Float>) -> Void) {
        pending.withUnsafeMutableBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                frontend.computeFrame(UnsafeBufferPointer(p), into: o)
                onFrame(UnsafeBufferPointer(o))
            }
            // Keep the overlap (window − hop samples) for the next frame.
            let keep = C.windowLength - C.hopLength
            p.baseAddress!.update(from: p.baseAddress! + C.hopLength, count: keep)
        }
        filled = C.windowLength - C.hopLength
        framesEmitted += 1
    }
}
