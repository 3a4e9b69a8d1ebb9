/// An axis-aligned box in COCO form: top-left corner plus size, in pixels, where pixel `(i, j)`
/// covers `[i, i+1) × [j, j+1)`.
public struct Box: Sendable, Equatable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The box spanning two corners.
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var area: Double { width * height }
    public var centreX: Double { x + width / 2 }
    public var centreY: Double { y + height / 2 }

    /// True when the box has no area (or is malformed: NaN, negative size).
    public var isEmpty: Bool { !(width > 0 && height > 0) }

    /// Intersection over union, computed as pycocotools does (`bbIou` in maskApi.c) so the
    /// evaluator matches it bit for bit; 0 when the boxes do not overlap.
    public func iou(_ other: Box) -> Double {
        let w = min(x + width, other.x + other.width) - max(x, other.x)
        guard w > 0 else { return 0 }
        let h = min(y + height, other.y + other.height) - max(y, other.y)
        guard h > 0 else { return 0 }
        let intersection = w * h
        return intersection / (area + other.area - intersection)
    }

    /// The part of the box inside `[0, width] × [0, height]` (may be empty).
    public func clipped(width imageWidth: Double, height imageHeight: Double) -> Box {
        let x0 = min(max(x, 0), imageWidth), y0 = min(max(y, 0), imageHeight)
        let x1 = min(max(maxX, 0), imageWidth), y1 = min(max(maxY, 0), imageHeight)
        return Box(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }
}
