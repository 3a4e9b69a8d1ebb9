import EdgeRuntime

/// SpecAugment-style augmentation of log-mel batches ([B, 1, T, F] or [B, T, F], T frames × F
/// bands), applied to each training batch so the model cannot memorise the exact spectrogram of
/// a clip: a random time shift (the word moves inside the window; frames shifted in are filled
/// with the clip's quietest value, i.e. its noise floor), then `frequencyMasks` bands of up to
/// `frequencyWidth` mel bins and `timeMasks` spans of up to `timeWidth` frames set to the clip's
/// mean (Park et al., 2019; the mean instead of zero because our features are not normalised).
/// Every draw comes from the caller's generator, so a seeded run is reproducible.
public struct SpecAugment: Sendable, Equatable {
    public var maxShift: Int
    public var frequencyMasks: Int
    public var frequencyWidth: Int
    public var timeMasks: Int
    public var timeWidth: Int

    /// Defaults for 98 × 40 log-mel windows: ±8 frames (80 ms), two masks of ≤ 6 bands, two of ≤ 10 frames.
    public init(maxShift: Int = 8, frequencyMasks: Int = 2, frequencyWidth: Int = 6, timeMasks: Int = 2, timeWidth: Int = 10) {
        self.maxShift = maxShift
        self.frequencyMasks = frequencyMasks
        self.frequencyWidth = frequencyWidth
        self.timeMasks = timeMasks
        self.timeWidth = timeWidth
    }

    /// Augments every sample of `x` in place. Shapes other than [B, 1, T, F] / [B, T, F] throw.
    public func apply(_ x: inout TTensor, rng: inout SplitMix64) throws(EdgeError) {
        let s = x.shape
        guard (s.count == 4 && s[1] == 1) || s.count == 3, let t = s.dropLast().last, let f = s.last, t > 0, f > 0 else {
            throw EdgeError(.invalidInput, "SpecAugment needs [B, 1, T, F] or [B, T, F] features, got \(s)")
        }
        let item = t * f, samples = x.batch
        x.data.withUnsafeMutableBufferPointer { all in
            for b in 0..<samples {
                let clip = UnsafeMutableBufferPointer(rebasing: all[(b * item)..<((b + 1) * item)])
                augment(clip, frames: t, bands: f, rng: &rng)
            }
        }
    }

    private func augment(_ clip: UnsafeMutableBufferPointer<Float>, frames t: Int, bands f: Int, rng: inout SplitMix64) {
        let floor = clip.min() ?? 0
        let shift = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &rng) : 0
        if shift > 0 {          // later: frames move toward the end, the start fills with the floor
            for i in stride(from: t - 1, through: 0, by: -1) {
                for j in 0..<f { clip[i * f + j] = i >= shift ? clip[(i - shift) * f + j] : floor }
            }
        } else if shift < 0 {
            for i in 0..<t {
                for j in 0..<f { clip[i * f + j] = i - shift < t ? clip[(i - shift) * f + j] : floor }
            }
        }
        let mean = clip.reduce(0, +) / Float(clip.count)
        for _ in 0..<frequencyMasks where frequencyWidth > 0 {
            let w = Int.random(in: 0...min(frequencyWidth, f), using: &rng), start = Int.random(in: 0...(f - w), using: &rng)
            for i in 0..<t { for j in start..<(start + w) { clip[i * f + j] = mean } }
        }
        for _ in 0..<timeMasks where timeWidth > 0 {
            let w = Int.random(in: 0...min(timeWidth, t), using: &rng), start = Int.random(in: 0...(t - w), using: &rng)
            for i in start..<(start + w) { for j in 0..<f { clip[i * f + j] = mean } }
        }
    }
}
