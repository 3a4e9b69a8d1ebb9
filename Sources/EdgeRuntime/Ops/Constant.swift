/// Constant: a tensor from exactly one of the attributes `value`, `value_float`,
/// `value_floats`, `value_int`, `value_ints` (string and sparse values are unsupported).
/// Having no inputs, it is always folded at compile time.
enum ConstantOp: OpDefinition {
    static let opTypes = ["Constant"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = ctx.attributes
        let given = ["value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings", "sparse_value"]
            .filter { a.has($0) }
        guard given.count == 1 else {
            throw ctx.fail("needs exactly one value attribute, got \(given.isEmpty ? "none" : given.joined(separator: ", "))")
        }
        let tensor: Tensor
        switch given[0] {
        case "value": tensor = try a.tensor("value")!
        case "value_float": tensor = Tensor(scalar: try a.float("value_float")!)
        case "value_floats":
            let v = try a.floats("value_floats")!
            tensor = try Tensor(v, shape: [v.count])
        case "value_int": tensor = Tensor(scalar: Int64(try a.int("value_int")!))
        case "value_ints":
            let v = try a.ints("value_ints")!.map { Int64($0) }
            tensor = try Tensor(v, shape: [v.count])
        default:
            throw EdgeError(.unsupported, "\(ctx.node.label): attribute \(given[0]) is not supported")
        }
        let bytes = tensor.byteCount
        return Prepared(outputTypes: [TensorType(tensor.dtype, tensor.shape)]) { io in
            withExtendedLifetime(tensor) { io.output(0).copyMemory(from: tensor.rawPointer, byteCount: bytes) }
        }
    }
}
