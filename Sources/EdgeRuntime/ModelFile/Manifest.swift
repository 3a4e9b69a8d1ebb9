/// The JSON manifest of a model file: graph structure, tensor table and metadata.
/// Tensor bytes are not in it; the table points into the data section.
struct Manifest: Codable {
    var format: String = ModelFile.formatName
    var version: Int = ModelFile.version
    var metadata: ModelMetadata
    var graph: GraphEntry
    var tensors: [TensorEntry]

    struct GraphEntry: Codable {
        var name: String
        var inputs: [ValueInfo]
        var outputs: [ValueInfo]
        var nodes: [NodeEntry]
        /// Value name → index into `tensors`.
        var initializers: [String: Int]
    }

    struct NodeEntry: Codable {
        var name: String
        var op: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [String: AttributeEntry]
    }

    /// One attribute; exactly the field named by `type` is set. Tensor attributes refer to
    /// the tensor table.
    struct AttributeEntry: Codable {
        var type: String
        var i: Int?
        var f: Float?
        var s: String?
        var ints: [Int]?
        var floats: [Float]?
        var strings: [String]?
        var tensor: Int?
    }

    /// One stored tensor. `encoding` says how its bytes represent the values:
    /// "raw" = dense little-endian elements of `dtype`; "csr" = compressed sparse rows of a
    /// float32 tensor (`CSREncoding`). Future encodings (per-channel int8,
    /// group-wise int4, block-sparse) add their parameters as extra fields and a new
    /// encoding name, so older readers fail with a clear "unknown encoding" error instead of
    /// misreading bytes — no format break.
    struct TensorEntry: Codable {
        var name: String
        var dtype: String
        var shape: [Int]
        var encoding: String
        /// Offset from the start of the data section; a multiple of 64.
        var offset: Int
        var length: Int
        /// Nonzero count of a `csr` tensor (see `CSREncoding`); absent for `raw`.
        var nnz: Int? = nil
    }
}
