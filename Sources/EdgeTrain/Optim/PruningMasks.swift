import EdgeRuntime

/// Unstructured magnitude pruning during fine-tuning (`train/distill --prune S`): when training
/// starts, the ⌊S·n⌋ smallest-|w| weights of every prunable layer are zeroed, and after every
/// optimizer step they are zeroed again, so the rest of the network learns to do without them.
/// Prunable = the layers `EdgeCompress.MagnitudePruning` prunes after export: dense or grouped
/// convolutions (not depthwise) and linear layers. Zeros survive the export (batch norm folds by
/// scaling output channels), so `compress --method prune --sparsity S` on the exported model
/// picks exactly these weights and puts them on the sparse kernels, with the accuracy the
/// fine-tuning recovered instead of the drop of one-shot pruning.
public final class PruningMasks {
    /// Per pruned weight tensor: the flat indices kept at zero.
    private let masks: [(parameter: Parameter, zeroed: [Int])]

    /// Chooses the masks from the current weights of `layers`. `sparsity` in (0, 1).
    public init(layers: [Layer], sparsity: Float) throws(EdgeError) {
        guard sparsity > 0, sparsity < 1 else { throw EdgeError(.invalidInput, "pruning sparsity must be in (0, 1), got \(sparsity)") }
        var masks: [(Parameter, [Int])] = []
        for layer in layers {
            let weight: Parameter
            if let c = layer as? Conv2D {
                let g = c.geometry
                guard g.groups == 1 || g.inChannels / g.groups > 1 else { continue }   // depthwise stays dense
                weight = c.weight
            } else if let l = layer as? Linear {
                weight = l.weight
            } else { continue }
            let v = weight.value, k = Int(sparsity * Float(v.count))
            guard k > 0 else { continue }
            // Ties broken by position, as MagnitudePruning.zeroSmallest does.
            let order = v.indices.sorted { (abs(v[$0]), $0) < (abs(v[$1]), $1) }
            masks.append((weight, Array(order.prefix(k))))
        }
        guard !masks.isEmpty else { throw EdgeError(.invalidInput, "nothing to prune: no dense convolution or linear layer") }
        self.masks = masks
    }

    /// Weights held at zero, over all pruned tensors.
    public var prunedCount: Int { masks.reduce(0) { $0 + $1.zeroed.count } }

    /// Zeroes the masked weights (after initialisation and after every optimizer step).
    public func apply() {
        for (p, zeroed) in masks { for i in zeroed { p.value[i] = 0 } }
    }
}
