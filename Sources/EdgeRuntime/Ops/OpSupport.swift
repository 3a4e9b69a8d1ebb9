/// Helpers shared by the shape, data-movement and reduction ops: reading compile-time integer
/// inputs and normalising axis lists.
extension PrepareContext {
    /// Integer values of optional input `i` (which must be a compile-time constant if present),
    /// or nil when the input is absent.
    func optionalInts(_ i: Int, _ what: String) throws(EdgeError) -> [Int]? {
        guard hasInput(i) else { return nil }
        let t = try requireConstant(i, what)
        guard t.dtype == .int64 || t.dtype == .int32 else {
            throw fail("\(what) must be int64 or int32, got \(t.dtype)")
        }
        guard t.shape.count <= 1 else { throw fail("\(what) must be a 1-D tensor, got shape \(t.shape)") }
        return try t.intValues()
    }

    /// Integer values of required constant input `i`.
    func requireInts(_ i: Int, _ what: String) throws(EdgeError) -> [Int] {
        _ = try input(i)
        return try optionalInts(i, what) ?? []
    }

    /// Normalises `axes` (possibly negative) against `rank`; rejects out-of-range and repeated axes.
    func normalizedAxes(_ axes: [Int], rank: Int) throws(EdgeError) -> [Int] {
        var seen = Set<Int>()
        var result: [Int] = []
        for a in axes {
            let n = a < 0 ? a + rank : a
            guard n >= 0, n < rank else { throw fail("axis \(a) out of range for rank \(rank)") }
            guard seen.insert(n).inserted else { throw fail("axis \(a) appears more than once") }
            result.append(n)
        }
        return result
    }

    /// A single (possibly negative) axis attribute normalised against `rank`.
    func axisAttribute(_ name: String = "axis", default value: Int, rank: Int) throws(EdgeError) -> Int {
        let a = try attributes.int(name, default: value)
        let n = a < 0 ? a + rank : a
        guard n >= 0, n < rank else { throw fail("\(name) \(a) out of range for rank \(rank)") }
        return n
    }

    /// Whether output `i` is consumed (optional outputs may be unnamed and must not be written).
    func hasOutput(_ i: Int) -> Bool { i < node.outputs.count && !node.outputs[i].isEmpty }
}

extension Array where Element == Int {
    /// Product of the elements in `range` (1 for an empty range).
    func product(_ range: Range<Int>) -> Int {
        var p = 1
        for i in range { p *= self[i] }
        return p
    }
}

extension PrepareContext {
    /// The spatial kernel of convolution weights `w` ([M, C, k1, k2, …]), checked against an
    /// explicit `kernel_shape` attribute.
    func convKernel(weights w: TensorType) throws(EdgeError) -> [Int] {
        let kernel = Array(w.shape[2...])
        if let ks = try attributes.ints("kernel_shape"), ks != kernel {
            throw fail("kernel_shape \(ks) does not match the weights \(w.shape)")
        }
        return kernel
    }

    /// Whether the optional float bias input `index` is present; it must have shape [channels].
    func hasChannelBias(at index: Int, channels: Int) throws(EdgeError) -> Bool {
        guard hasInput(index) else { return false }
        let b = try input(index, oneOf: [.float32])
        guard b.shape == [channels] else { throw fail("bias shape \(b.shape) must be [\(channels)]") }
        return true
    }
}
