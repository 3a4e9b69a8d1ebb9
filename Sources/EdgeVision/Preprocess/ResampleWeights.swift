/// Per-output-sample filter taps for resampling one axis with the bilinear (triangle) filter,
/// widened by the scale factor when shrinking so every source pixel contributes (Pillow's
/// antialiased `BILINEAR`; plain bilinear when enlarging). Sample centres are at half pixels.
struct ResampleWeights {
    /// First source index each output sample reads.
    var start: [Int]
    /// Tap count per output sample.
    var count: [Int]
    /// `maxTaps` weights per output sample (row-major), normalised to sum to 1.
    var weights: [Float]
    var maxTaps: Int

    init(inputSize: Int, outputSize: Int) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filterScale  // triangle radius 1, stretched
        maxTaps = Int(support.rounded(.up)) * 2 + 1
        start = [Int](repeating: 0, count: outputSize)
        count = [Int](repeating: 0, count: outputSize)
        weights = [Float](repeating: 0, count: outputSize * maxTaps)
        for o in 0..<outputSize {
            let centre = (Double(o) + 0.5) * scale
            let lo = max(0, Int(centre - support + 0.5))
            let hi = min(inputSize, Int(centre + support + 0.5))
            var taps = [Double]()
            for i in lo..<max(lo, hi) {
                taps.append(max(0, 1 - abs((Double(i) - centre + 0.5) / filterScale)))
            }
            let total = taps.reduce(0, +)
            start[o] = lo
            count[o] = taps.count
            for (k, w) in taps.enumerated() {
                weights[o * maxTaps + k] = Float(total > 0 ? w / total : 1 / Double(taps.count))
            }
        }
    }
}
