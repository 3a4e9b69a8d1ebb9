import EdgeRuntime

/// The path a Conv's output channels take until they are consumed by layers whose weights index
/// them: what channel pruning must rewrite to stay consistent. Built conservatively — anything
/// not understood (residual Add, Concat, SE Mul, fan-out to other ops, graph outputs, reshapes
/// that mix channels) makes the trace fail with a reason, and the Conv is left alone.
struct ChannelChain {
    /// Nodes whose per-channel parameters are sliced on axis 0: BatchNormalization (inputs 1…4)
    /// and depthwise Convs (weights and bias; `group` set to the new count).
    var perChannel: [Int] = []
    /// Consumers whose weights are sliced on their input-channel axis: Conv (axis 1 of W),
    /// Gemm/MatMul after a global pool + flatten (the K axis of B).
    var terminals: [Int] = []

    /// Ops that act on each element alone: channels pass through unchanged.
    static let elementwise: Set<String> = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu",
                                           "Selu", "Softplus", "Softsign", "Gelu", "Mish", "Clip", "Identity", "Abs", "Neg"]
    /// Ops that keep the channel axis and never mix channels.
    static let channelwisePools: Set<String> = ["MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"]

    /// Follows `value` (the Conv's output, `channels` wide) to its terminals.
    static func trace(from value: String, channels: Int, in index: GraphIndex) -> Result<ChannelChain, SkipReason> {
        var chain = ChannelChain()
        var v = value
        var pooledToOne = false
        while true {
            guard !index.outputs.contains(v) else { return .failure("feeds graph output '\(v)'") }
            let readers = index.consumers[v] ?? []
            guard !readers.isEmpty else { return .failure("'\(v)' has no reader") }
            if readers.count > 1 {
                // Fan-out is only safe when every reader is a terminal indexing the channels.
                for r in readers {
                    guard isConvTerminal(index.graph.nodes[r], v, channels, index) else {
                        return .failure("'\(v)' also feeds \(index.graph.nodes[r].label)")
                    }
                }
                chain.terminals += readers
                return .success(chain)
            }
            let i = readers[0], node = index.graph.nodes[i]
            guard node.inputs.first == v, node.inputs.dropFirst().allSatisfy({ $0 != v }) else {
                return .failure("\(node.label) reads '\(v)' other than as its data input")
            }
            if isConvTerminal(node, v, channels, index) {
                chain.terminals.append(i)
                return .success(chain)
            }
            switch node.op {
            case "BatchNormalization":
                guard node.outputs.count == 1, (1...4).allSatisfy({ index.privateWeight(node, $0)?.shape == [channels] }) else {
                    return .failure("\(node.label) has shared or non-constant parameters")
                }
                chain.perChannel.append(i)
            case "Conv":
                guard isDepthwise(node, channels, index) else { return .failure("\(node.label) mixes channels in a way not handled") }
                chain.perChannel.append(i)
            case "Clip":
                guard node.inputs.dropFirst().allSatisfy({ $0.isEmpty || (index.graph.initializers[$0]?.count ?? 0) == 1 }) else {
                    return .failure("\(node.label) has non-scalar bounds")
                }
            case let op where elementwise.contains(op):
                break
            case let op where channelwisePools.contains(op):
                pooledToOne = pooledToOne || op.hasPrefix("Global")
            case "Flatten" where pooledToOne && intAttribute(node, "axis", 1) == 1:
                return flattenedTerminal(node, channels, index, chain)
            case "Reshape" where pooledToOne && reshapesToRows(node, index):
                return flattenedTerminal(node, channels, index, chain)
            default:
                return .failure("'\(v)' feeds \(node.label), which cannot be rewired")
            }
            guard node.outputs.count == 1 else { return .failure("\(node.label) has several outputs") }
            v = node.outputs[0]
        }
    }

    /// After a global pool, [N, C, 1, 1] flattened to [N, C]: the next Gemm/MatMul's K axis is
    /// the channel axis.
    private static func flattenedTerminal(_ flatten: Node, _ channels: Int, _ index: GraphIndex, _ chain: ChannelChain) -> Result<ChannelChain, SkipReason> {
        var chain = chain
        let flat = flatten.outputs[0]
        guard let c = index.soleConsumer(of: flat) else { return .failure("flattened '\(flat)' has several readers or is an output") }
        let node = index.graph.nodes[c]
        guard node.inputs.first == flat, let w = index.privateWeight(node, 1), w.rank == 2 else {
            return .failure("flattened '\(flat)' feeds \(node.label), which cannot be rewired")
        }
        switch node.op {
        case "Gemm" where intAttribute(node, "transA", 0) == 0:
            let k = intAttribute(node, "transB", 0) != 0 ? w.shape[1] : w.shape[0]
            guard k == channels else { return .failure("\(node.label) has K \(k), not \(channels)") }
        case "MatMul":
            guard w.shape[0] == channels else { return .failure("\(node.label) has K \(w.shape[0]), not \(channels)") }
        default:
            return .failure("flattened '\(flat)' feeds \(node.label), which cannot be rewired")
        }
        chain.terminals.append(c)
        return .success(chain)
    }

    /// Reshape to [n, -1] (n ≥ 0): keeps rows, so the channel axis becomes the row's axis.
    private static func reshapesToRows(_ node: Node, _ index: GraphIndex) -> Bool {
        guard node.inputs.count >= 2, let shape = index.graph.initializers[node.inputs[1]],
              let dims = try? shape.intValues(), dims.count == 2 else { return false }
        return dims[0] >= 0 && dims[1] == -1
    }

    /// A group-1 Conv reading `channels` input channels through its own constant weights.
    static func isConvTerminal(_ node: Node, _ value: String, _ channels: Int, _ index: GraphIndex) -> Bool {
        guard node.op == "Conv", node.inputs.first == value, node.inputs.dropFirst().allSatisfy({ $0 != value }),
              intAttribute(node, "group", 1) == 1, let w = index.privateWeight(node, 1) else { return false }
        return w.rank >= 3 && w.shape[1] == channels
    }

    /// A depthwise Conv (group = channels, one filter per channel) with private constant weights.
    static func isDepthwise(_ node: Node, _ channels: Int, _ index: GraphIndex) -> Bool {
        guard intAttribute(node, "group", 1) == channels, let w = index.privateWeight(node, 1),
              w.rank >= 3, w.shape[0] == channels, w.shape[1] == 1 else { return false }
        return node.inputs.count < 3 || node.inputs[2].isEmpty || index.privateWeight(node, 2)?.shape == [channels]
    }
}

/// Why a layer was not pruned (for the report).
struct SkipReason: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    let text: String
    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}
