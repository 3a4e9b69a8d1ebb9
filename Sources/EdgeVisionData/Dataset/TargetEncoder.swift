import EdgeVision
import Foundation

/// Training targets for the stride-4 head (CenterNet-style), one image at a time.
///
/// For an `S × S` image the grid is `G = S / 4`. Each object with box `b` (input pixels):
/// - its centre cell is `(⌊cx / 4⌋, ⌊cy / 4⌋)` for the box centre `(cx, cy)`, clamped to the grid;
/// - `heatmap[class]` gets a Gaussian peak of 1 at that cell (CenterNet `draw_umich_gaussian`:
///   radius `r = max(0, ⌊gaussian_radius(h/4, w/4, 0.7)⌋)` cells, σ = (2r + 1) / 6), merged
///   with other objects of the class by maximum;
/// - `boxes[:, cell]` = (left, top, right, bottom) distances from the cell centre
///   `DetectionHead.cellCentre` to the box edges, in input pixels; `mask[cell]` = 1.
/// Two objects on one cell: the smaller box keeps the cell (it has nowhere else to go).
public struct TargetEncoder: Sendable {
    public let imageSize: Int
    public let classCount: Int
    public var grid: Int { imageSize / DetectionHead.stride }

    public init(imageSize: Int, classCount: Int = LandmarkClass.allCases.count) {
        precondition(imageSize % DetectionHead.stride == 0, "image size must be a multiple of the stride")
        self.imageSize = imageSize
        self.classCount = classCount
    }

    /// Writes one image's targets into `heatmap` (`C·G·G`), `boxes` (`4·G·G`) and `mask`
    /// (`G·G`), which must be zeroed.
    public func encode(_ objects: [(classIndex: Int, box: Box)], heatmap: UnsafeMutablePointer<Float>,
                       boxes: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>) {
        let g = grid, plane = g * g
        // Larger first, so a smaller box sharing a centre cell overwrites it.
        for (classIndex, box) in objects.sorted(by: { $0.box.area > $1.box.area }) {
            precondition((0..<classCount).contains(classIndex), "class index out of range")
            let stride = Double(DetectionHead.stride)
            let cx = min(g - 1, max(0, Int((box.centreX / stride).rounded(.down))))
            let cy = min(g - 1, max(0, Int((box.centreY / stride).rounded(.down))))
            let radius = max(0, Int(Self.gaussianRadius(height: box.height / stride, width: box.width / stride)))
            let sigma = Double(2 * radius + 1) / 6
            let heat = heatmap + classIndex * plane
            for dy in -radius...radius {
                for dx in -radius...radius {
                    let x = cx + dx, y = cy + dy
                    guard x >= 0, x < g, y >= 0, y < g else { continue }
                    let v = Float(exp(-Double(dx * dx + dy * dy) / (2 * sigma * sigma)))
                    heat[y * g + x] = max(heat[y * g + x], v)
                }
            }
            let cell = cy * g + cx
            let centreX = DetectionHead.cellCentre(cx), centreY = DetectionHead.cellCentre(cy)
            boxes[cell] = Float(centreX - box.x)
            boxes[plane + cell] = Float(centreY - box.y)
            boxes[2 * plane + cell] = Float(box.maxX - centreX)
            boxes[3 * plane + cell] = Float(box.maxY - centreY)
            mask[cell] = 1
        }
    }

    /// CenterNet's `gaussian_radius` (min over its three overlap cases, kept exactly as the
    /// reference implementation computes it), sizes in grid cells.
    public static func gaussianRadius(height: Double, width: Double, minOverlap: Double = 0.7) -> Double {
        let b1 = height + width
        let c1 = width * height * (1 - minOverlap) / (1 + minOverlap)
        let r1 = (b1 + (b1 * b1 - 4 * c1).squareRoot()) / 2
        let b2 = 2 * (height + width)
        let c2 = (1 - minOverlap) * width * height
        let r2 = (b2 + (b2 * b2 - 16 * c2).squareRoot()) / 2
        let a3 = 4 * minOverlap
        let b3 = -2 * minOverlap * (height + width)
        let c3 = (minOverlap - 1) * width * height
        let r3 = (b3 + (b3 * b3 - 4 * a3 * c3).squareRoot()) / 2
        return min(r1, r2, r3)
    }
}
