import EdgeRuntime

/// Embedding lookups for K categorical columns sharing one table: column j with cardinality
/// c_j owns rows [offset_j, offset_j + c_j). Input [N, K] category ids, output [N, K·D].
/// Exported as Add(ids, offsets) → Gather(table) → Flatten, over an int64 input.
public final class Embedding: Layer {
    public let name: String
    public let cardinalities: [Int]
    public let dimension: Int
    public let table: Parameter
    let offsets: [Int]

    public init(name: String, cardinalities: [Int], dimension: Int, rng: inout SplitMix64) {
        self.name = name
        self.cardinalities = cardinalities
        self.dimension = dimension
        var offs = [Int](), total = 0
        for c in cardinalities { offs.append(total); total += c }
        offsets = offs
        let values = (0..<total * dimension).map { _ in rng.normal() * 0.05 }
        table = Parameter(name: "\(name).table", shape: [total, dimension], value: values, decays: false)
    }

    public var parameters: [Parameter] { [table] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0] == [cardinalities.count] else {
            throw EdgeError(.invalidGraph, "\(name): expects one [\(cardinalities.count)] id input, got \(inputs)")
        }
        return [cardinalities.count * dimension]
    }

    /// Table row of id `v` in column `j`; throws for ids that are not integers in [0, c_j).
    private func row(_ v: Float, column j: Int) throws(EdgeError) -> Int {
        guard v >= 0, v < Float(cardinalities[j]), v == v.rounded() else {
            throw EdgeError(.invalidInput, "\(name): category id \(v) of column \(j) is outside [0, \(cardinalities[j]))")
        }
        return offsets[j] + Int(v)
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let ids = inputs[0], (n, k, d) = (ids.batch, cardinalities.count, dimension)
        var y = TTensor(shape: [n, k * d])
        for i in 0..<n { for j in 0..<k {
            let r = try row(ids.data[i * k + j], column: j)
            for e in 0..<d { y.data[(i * k + j) * d + e] = table.value[r * d + e] }
        } }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let ids = inputs[0], (n, k, d) = (ids.batch, cardinalities.count, dimension)
        for i in 0..<n { for j in 0..<k {
            let r = offsets[j] + Int(ids.data[i * k + j]) // validated by forward
            for e in 0..<d { table.grad[r * d + e] += dy.data[(i * k + j) * d + e] }
        } }
        return [nil]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let offs = graph.constant("\(name).offsets", shape: [offsets.count], ints: offsets.map(Int64.init))
        let t = graph.constant(table.name, shape: table.shape, values: table.value)
        graph.node("Add", name: "\(name).offset", inputs: [inputs[0], offs], output: "\(name).rows")
        graph.node("Gather", name: name, inputs: [t, "\(name).rows"], output: "\(name).gathered", ["axis": .int(0)])
        graph.node("Flatten", name: "\(name).flatten", inputs: ["\(name).gathered"], output: output, ["axis": .int(1)])
    }
}
