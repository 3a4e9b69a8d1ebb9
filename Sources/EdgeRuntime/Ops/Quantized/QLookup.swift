import CEdgeKernels

/// Internal op written by `QDQLookup`: y[i] = table[byte of x[i]] (`ek_lookup_u8`) for 8-bit x,
/// the 256-entry 8-bit table (input 1, a constant) holding what DequantizeLinear → float op →
/// QuantizeLinear gives for each of the 256 input values. Output dtype = the table's.
/// `QLookupComposition` writes it with inputs [x, table] only (execution-time, never exported).
///
/// Inputs 2…5 (x scale, x zero point, y scale, y zero point) and any further inputs (the float
/// op's own constant inputs, e.g. Clip's min/max), plus the attribute `lookup_op` (the float op's
/// type) and the float op's attributes, only describe the original triple so the exporter can
/// write it back (StandardForm+Quantized); they are checked for consistency here, not used.
enum QLookupOp: OpDefinition {
    static let opTypes = ["QLookup"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.uint8, .int8])
        let table = try ctx.requireConstant(1, "lookup table")
        guard table.dtype == .uint8 || table.dtype == .int8, table.count == 256 else {
            throw ctx.fail("lookup table must be 256 uint8/int8 values, got \(table.dtype) \(table.shape)")
        }
        if ctx.hasInput(3), try ctx.input(3).dtype != x.dtype {
            throw ctx.fail("input is \(x.dtype) but its zero point is \(try ctx.input(3).dtype)")
        }
        let n = x.count
        let t = UnsafePointer(table.storage.bytes.assumingMemoryBound(to: UInt8.self))
        return Prepared(outputTypes: [TensorType(table.dtype, x.shape)]) { io in
            withExtendedLifetime(table) {
                ek_lookup_u8(io.input(0).assumingMemoryBound(to: UInt8.self), io.output(0).assumingMemoryBound(to: UInt8.self), n, t)
            }
        }
    }
}
