/// ConstantOfShape: a tensor of the shape given by input 0 (a compile-time int64 vector) filled
/// with the one-element `value` attribute (default float32 0). Any dtype.
enum ConstantOfShapeOp: OpDefinition {
    static let opTypes = ["ConstantOfShape"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let shape = try ctx.requireInts(0, "shape")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ctx.fail("shape \(shape) has a negative dimension") }
        let count = try ShapeMath.elementCount(shape)
        let value = try ctx.attributes.tensor("value") ?? Tensor(scalar: Float(0))
        guard value.count == 1 else { throw ctx.fail("value must have exactly one element, has \(value.count)") }
        let es = value.dtype.byteSize
        return Prepared(outputTypes: [TensorType(value.dtype, shape)]) { io in
            withExtendedLifetime(value) { fillElements(io.output(0), count: count, elementSize: es, value: value.rawPointer) }
        }
    }
}
