import EdgeAudio
import Foundation

/// The last `frames` log-mel frames (a ring), copied out in time order as the model's input.
///
/// Starts filled with the log floor (what digital silence produces), so a command spoken in
/// the first second after the microphone opens is still heard. Allocation-free after `init`.
struct FeatureWindow {
    let frames: Int
    let bands: Int
    private var data: [Float]
    private var next = 0

    init(frames: Int, bands: Int) {
        self.frames = frames
        self.bands = bands
        data = [Float](repeating: 0, count: frames * bands)
        reset()
    }

    /// Refills with silence.
    mutating func reset() {
        let silence = log(LogMelFrontend.Contract.logFloor)
        for i in 0..<data.count { data[i] = silence }
        next = 0
    }

    /// Appends one frame (`bands` values), replacing the oldest.
    mutating func append(_ frame: UnsafeBufferPointer<Float>) {
        precondition(frame.count == bands)
        let base = next * bands
        data.withUnsafeMutableBufferPointer { d in
            for i in 0..<bands { d[base + i] = frame[i] }
        }
        next = (next + 1) % frames
    }

    /// Writes the window oldest frame first, `frames × bands` floats, row-major.
    func copy(into out: UnsafeMutablePointer<Float>) {
        data.withUnsafeBufferPointer { d in
            let split = next * bands
            // Oldest part: from `next` to the end of the ring; then the newest from the start.
            (out).update(from: d.baseAddress! + split, count: d.count - split)
            (out + (d.count - split)).update(from: d.baseAddress!, count: split)
        }
    }
}
