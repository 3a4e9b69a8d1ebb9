/// One detected object, its box in source-image pixels.
public struct Detection: Sendable, Equatable {
    /// Index into the model's labels.
    public var classIndex: Int
    public var label: String
    /// Class score after sigmoid, 0…1.
    public var score: Double
    public var box: Box

    public init(classIndex: Int, label: String, score: Double, box: Box) {
        (self.classIndex, self.label, self.score, self.box) = (classIndex, label, score, box)
    }
}

/// The landmark classes of the `ar-landmarks` family, in model output order.
public enum LandmarkClass: Int, Sendable, CaseIterable, Codable {
    case stopSign, turnLeft, turnRight, crosswalk, exitSign

    /// The label used in model metadata, annotations and the API.
    public var label: String {
        switch self {
        case .stopSign: "stop_sign"
        case .turnLeft: "turn_left"
        case .turnRight: "turn_right"
        case .crosswalk: "crosswalk"
        case .exitSign: "exit_sign"
        }
    }

    /// All labels in class-index order.
    public static let labels: [String] = allCases.map(\.label)
}

/// Geometry of the stride-4 anchor-free head, shared by the decoder and the training-target
/// encoder so both use one definition of "cell centre".
public enum DetectionHead {
    /// Input pixels per output cell.
    public static let stride = 4

    /// Centre of cell `index` along one axis, in input pixels: the middle of its `stride`-pixel
    /// block, `(index + 0.5) · stride`.
    public static func cellCentre(_ index: Int) -> Double {
        (Double(index) + 0.5) * Double(stride)
    }
}
