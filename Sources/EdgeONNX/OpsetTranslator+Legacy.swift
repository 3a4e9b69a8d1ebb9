import EdgeRuntime

/// Rewrites that change the graph's structure: Upsample → Resize and opset < 7 broadcasting.
extension OpsetTranslator {
    /// Binary ops that before opset 7 took `broadcast` / `axis` attributes instead of numpy rules.
    static let legacyBroadcastOps: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less",
    ]

    /// Upsample (all versions; deprecated in opset 10) as Resize with the same arithmetic:
    /// output index i reads input index floor(i / scale) (nearest) or interpolates at
    /// i / scale (linear): Resize's "asymmetric" coordinates with `nearest_mode = floor`,
    /// the same mapping the ONNX version converter uses.
    mutating func upsampleToResize(_ node: Node) throws(EdgeError) -> Node {
        let a = node.attributes
        guard let x = node.inputs.first, !x.isEmpty else { throw EdgeError(.invalidModel, "\(node.label) has no input") }
        var mode = try a.string("mode", default: "nearest")
        if mode == "bilinear" { mode = "linear" } // Upsample-1 spelling
        guard mode == "nearest" || mode == "linear" else {
            throw EdgeError(.invalidModel, "\(node.label): unknown Upsample mode '\(mode)'")
        }
        var resize = Node(name: node.name, op: "Resize", inputs: [x, ""], outputs: Array(node.outputs.prefix(1)),
                          attributes: ["mode": .string(mode)])
        if node.inputs.count > 1, !node.inputs[1].isEmpty {
            resize.inputs.append(node.inputs[1]) // opset 9: scales is already an input
        } else {
            var scales: [Float]
            if let s = try a.floats("scales") {
                scales = s
            } else if let h = try a.float("height_scale"), let w = try a.float("width_scale") {
                scales = [1, 1, h, w] // Upsample-1 (experimental): NCHW only
            } else {
                throw EdgeError(.invalidModel, "\(node.label) has no scales")
            }
            guard scales.allSatisfy({ $0.isFinite && $0 >= 1 }) else {
                throw EdgeError(.invalidModel, "\(node.label): Upsample scales must be finite and ≥ 1, got \(scales)")
            }
            resize.inputs.append(constant(try Tensor(scales, shape: [scales.count]), for: node, "scales"))
        }
        setLegacyResizeModes(&resize)
        return resize
    }

    /// ImageScaler (experimental, removed in opset 10; used by old model-zoo exports such as
    /// Tiny YOLOv2): y = scale · x + bias[c] on NCHW input, as Mul by a scalar and Add of a
    /// [C, 1, 1] constant.
    mutating func imageScalerToMulAdd(_ node: Node) throws(EdgeError) -> [Node] {
        guard node.inputs.count == 1, node.outputs.count == 1, !node.inputs[0].isEmpty else {
            throw EdgeError(.invalidModel, "\(node.label) needs one input and one output")
        }
        let scale = try node.attributes.float("scale", default: 1)
        let bias = try node.attributes.floats("bias") ?? []
        let scaled = freshName("\(node.outputs[0])__scaled")
        let scaleName = constant(Tensor(scalar: scale), for: node, "scale")
        let biasName = constant(try Tensor(bias, shape: [bias.count, 1, 1]), for: node, "bias")
        return [
            Node(name: freshName("\(node.name)__mul"), op: "Mul", inputs: [node.inputs[0], scaleName], outputs: [scaled]),
            Node(name: node.name, op: "Add", inputs: [scaled, biasName], outputs: node.outputs),
        ]
    }

    /// Resize-10 and Upsample coordinate mapping expressed in Resize-11+ attributes.
    func setLegacyResizeModes(_ node: inout Node) {
        node.attributes["coordinate_transformation_mode"] = .string("asymmetric")
        if (try? node.attributes.string("mode", default: "nearest")) == "nearest" {
            node.attributes["nearest_mode"] = .string("floor")
        }
    }

    /// PRelu-6 applies a 1-D slope of C values per channel (dimension 1); PRelu-7 broadcasts
    /// numpy-style (trailing alignment). A 1-D slope is therefore aligned at axis 1 exactly
    /// like the legacy binary broadcast (harmless for a single shared value).
    mutating func legacyPerChannelSlope(_ node: Node) throws(EdgeError) -> [Node] {
        guard node.inputs.count == 2, ranks[node.inputs[1]] == 1, (ranks[node.inputs[0]] ?? 2) >= 2 else { return [node] }
        var aligned = node
        aligned.attributes["broadcast"] = .int(1)
        aligned.attributes["axis"] = .int(1)
        return try legacyBroadcast(aligned)
    }

    /// Opset < 7 `broadcast = 1, axis = a`: B's dimensions line up with A's starting at `a`
    /// (A: [2,3,4,5], B: [3,4], axis 1). Numpy rules align trailing dimensions instead, so B is
    /// given trailing size-1 dimensions first (B → [3,4,1]). Without `axis` the legacy rule
    /// already equals numpy's suffix alignment, so the attributes are simply dropped.
    mutating func legacyBroadcast(_ original: Node) throws(EdgeError) -> [Node] {
        var node = original
        let broadcast = try node.attributes.int("broadcast", default: 0)
        let axis = try node.attributes.int("axis")
        node.attributes["broadcast"] = nil
        node.attributes["axis"] = nil
        guard broadcast != 0, let axis, node.inputs.count == 2 else { return [node] }
        let a = node.inputs[0], b = node.inputs[1]
        guard let rankB = ranks[b] else {
            throw EdgeError(.unsupported, "\(node.label): legacy broadcast with axis needs the rank of '\(b)', which the model does not declare")
        }
        if let rankA = ranks[a] {
            let start = axis < 0 ? axis + rankA : axis
            guard start >= 0, start + rankB <= rankA else {
                throw EdgeError(.invalidModel, "\(node.label): broadcast axis \(axis) does not fit rank \(rankB) into rank \(rankA)")
            }
            let trailing = rankA - start - rankB
            guard trailing > 0 else { return [node] }
            let axes = try Tensor((rankB..<(rankB + trailing)).map { Int64($0) }, shape: [trailing])
            let expanded = freshName("\(b)__aligned")
            ranks[expanded] = rankB + trailing
            let unsqueeze = Node(name: freshName("\(node.name)__align"), op: "Unsqueeze",
                                 inputs: [b, constant(axes, for: node, "align_axes")], outputs: [expanded])
            node.inputs[1] = expanded
            return [unsqueeze, node]
        }
        // A's rank is only known at run time: B's new shape is Shape(B) followed by as many
        // ones as A has dimensions after the aligned block; the shape nodes fold at compile time.
        guard axis >= 0 else {
            throw EdgeError(.unsupported, "\(node.label): negative broadcast axis needs the rank of '\(a)', which the model does not declare")
        }
        func value(_ role: String) -> String { freshName("\(node.name)__\(role)") }
        let tail = value("tail_dims"), tailRank = value("tail_rank"), ones = value("ones")
        let shapeB = value("b_shape"), newShape = value("b_new_shape"), expanded = value("b_aligned")
        let nodes = [
            Node(name: value("shape_tail"), op: "Shape", inputs: [a], outputs: [tail], attributes: ["start": .int(axis + rankB)]),
            Node(name: value("shape_tail_rank"), op: "Shape", inputs: [tail], outputs: [tailRank]),
            Node(name: value("ones_node"), op: "ConstantOfShape", inputs: [tailRank], outputs: [ones],
                 attributes: ["value": .tensor(try Tensor([Int64(1)], shape: [1]))]),
            Node(name: value("shape_b"), op: "Shape", inputs: [b], outputs: [shapeB]),
            Node(name: value("concat_shape"), op: "Concat", inputs: [shapeB, ones], outputs: [newShape], attributes: ["axis": .int(0)]),
            Node(name: value("reshape_b"), op: "Reshape", inputs: [b, newShape], outputs: [expanded]),
        ]
        node.inputs[1] = expanded
        return nodes + [node]
    }
}
