import EdgeRuntime
import EdgeVision
import Foundation

/// One split's `annotations.json`: COCO's detection layout (`images`, `categories`,
/// `annotations` with `bbox` = [x, y, width, height] in pixels) plus an `info` block.
/// Category ids are class index + 1 (COCO ids start at 1); image ids are the row index in the
/// split's `.npy` tensors.
public struct DetectionAnnotations: Codable, Sendable, Equatable {
    public struct Info: Codable, Sendable, Equatable {
        public var generator: String
        public var version: Int
        public var seed: UInt64
        public var split: String
        public var imageSize: Int
        enum CodingKeys: String, CodingKey {
            case generator, version, seed, split
            case imageSize = "image_size"
        }
    }

    public struct Image: Codable, Sendable, Equatable {
        public var id: Int
        public var fileName: String
        public var width: Int
        public var height: Int
        enum CodingKeys: String, CodingKey {
            case id, width, height
            case fileName = "file_name"
        }
    }

    public struct Category: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
    }

    public struct Annotation: Codable, Sendable, Equatable {
        public var id: Int
        public var imageID: Int
        public var categoryID: Int
        public var bbox: [Double]
        public var area: Double
        public var iscrowd: Int
        /// Share of the landmark's silhouette not hidden by occluders (generator extension).
        public var visibleFraction: Double?
        enum CodingKeys: String, CodingKey {
            case id, bbox, area, iscrowd
            case imageID = "image_id"
            case categoryID = "category_id"
            case visibleFraction = "visible_fraction"
        }
    }

    public var info: Info
    public var images: [Image]
    public var categories: [Category]
    public var annotations: [Annotation]

    /// The five landmark categories with COCO ids.
    public static let landmarkCategories = LandmarkClass.allCases.map { Category(id: $0.rawValue + 1, name: $0.label) }

    public static func read(path: String) throws(EdgeError) -> DetectionAnnotations {
        guard let data = FileManager.default.contents(atPath: path) else { throw EdgeError(.io, "cannot read \(path)") }
        do { return try JSONDecoder().decode(DetectionAnnotations.self, from: data) } catch {
            throw EdgeError(.invalidInput, "\(path) is not a valid annotations file: \(error)")
        }
    }

    public func write(path: String) throws(EdgeError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Ground truth for `COCOEvaluator` (class index = category id - 1).
    public func groundTruth() throws(EdgeError) -> [COCOEvaluator.GroundTruth] {
        var result: [COCOEvaluator.GroundTruth] = []
        for a in annotations {
            guard a.bbox.count == 4 else { throw EdgeError(.invalidInput, "annotation \(a.id): bbox must have 4 numbers") }
            result.append(.init(imageID: a.imageID, classIndex: a.categoryID - 1, box: Box(x: a.bbox[0], y: a.bbox[1], width: a.bbox[2], height: a.bbox[3])))
        }
        return result
    }
}
