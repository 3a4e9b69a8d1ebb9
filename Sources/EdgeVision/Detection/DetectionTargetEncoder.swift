#if canImport(Glibc)
import Glibc
#endif

/// Training targets of the stride-4 anchor-free head (CenterNet / TTFNet style), one image at a
/// time: the inverse of `DetectionDecoder`, sharing its `DetectionHead.cellCentre`.
///
/// For an input of `size × size` pixels the grid is `G = size / 4`. Each object with box `b`
/// (input pixels):
/// - its centre cell is `(⌊cx / 4⌋, ⌊cy / 4⌋)` for the box centre `(cx, cy)`, clamped to the grid;
/// - `heatmap[class]` gets exactly 1 at that cell and an axis-aligned Gaussian around it with
///   σ = max(0.54 · side / 4 / 6, 0.3) cells per axis (TTFNet: elongated boxes get elongated
///   peaks), cut at 3σ + 1 cells, merged with other objects of the class by maximum;
/// - `boxes[:, cell]` = (left, top, right, bottom) distances from the cell centre to the box
///   edges, in input pixels (never negative); `mask[cell]` = 1.
/// Two objects on one cell: the smaller box keeps the cell (it has nowhere else to go).
public struct DetectionTargetEncoder: Sendable {
    public let imageSize: Int
    public let classCount: Int
    public var grid: Int { imageSize / DetectionHead.stride }

    public init(imageSize: Int, classCount: Int) {
        precondition(imageSize % DetectionHead.stride == 0, "image size must be a multiple of the stride")
        self.imageSize = imageSize
        self.classCount = classCount
    }

    /// Gaussian σ in cells for a box side of `pixels` (TTFNet's α = 0.54, floor 0.3 cell).
    public static func sigma(_ pixels: Double) -> Double {
        max(0.54 * pixels / Double(DetectionHead.stride) / 6, 0.3)
    }

    /// Writes one image's targets into `heatmap` (`C·G·G`), `boxes` (`4·G·G`) and `mask`
    /// (`G·G`), which must be zeroed. Class indices must be in `0..<classCount`.
    public func encode(_ objects: [(classIndex: Int, box: Box)], heatmap: UnsafeMutablePointer<Float>,
                       boxes: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>) {
        let g = grid, plane = g * g, stride = Double(DetectionHead.stride)
        // Larger first, so a smaller box sharing a centre cell overwrites it.
        for (classIndex, box) in objects.sorted(by: { $0.box.area > $1.box.area }) {
            precondition((0..<classCount).contains(classIndex), "class index out of range")
            let gx = min(g - 1, max(0, Int((box.centreX / stride).rounded(.down))))
            let gy = min(g - 1, max(0, Int((box.centreY / stride).rounded(.down))))
            let sx = Self.sigma(box.width), sy = Self.sigma(box.height)
            let heat = heatmap + classIndex * plane
            for y in max(0, gy - Int(3 * sy) - 1)...min(g - 1, gy + Int(3 * sy) + 1) {
                for x in max(0, gx - Int(3 * sx) - 1)...min(g - 1, gx + Int(3 * sx) + 1) {
                    let dx = Double(x - gx), dy = Double(y - gy)
                    let v = (x == gx && y == gy) ? 1 : Float(exp(-(dx * dx) / (2 * sx * sx) - (dy * dy) / (2 * sy * sy)))
                    heat[y * g + x] = max(heat[y * g + x], v)
                }
            }
            let cell = gy * g + gx
            let centreX = DetectionHead.cellCentre(gx), centreY = DetectionHead.cellCentre(gy)
            let ltrb = [centreX - box.x, centreY - box.y, box.maxX - centreX, box.maxY - centreY]
            for (c, v) in ltrb.enumerated() { boxes[c * plane + cell] = Float(max(v, 0)) }
            mask[cell] = 1
        }
    }
}
