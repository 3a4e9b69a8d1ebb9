import EdgeRuntime
import EdgeVision
import Foundation

/// One problem found in a detection dataset, with where it is.
public struct DatasetIssue: Sendable, Equatable, CustomStringConvertible {
    public var split: String
    public var message: String
    public var description: String { "\(split): \(message)" }
}

/// Checks a generated (or hand-edited) detection dataset before anything trains on it:
/// unknown classes, boxes outside their image, degenerate boxes, annotations of unknown images,
/// classes without a single box in a split, and tensors whose shape does not match the
/// annotations. Every problem is reported, not just the first.
public struct DetectionDatasetValidator: Sendable {
    /// Boxes narrower or shorter than this (pixels) are degenerate.
    public var minBoxSide: Double = 1
    public var classNames: [String] = LandmarkClass.labels

    public init() {}

    /// Validates `directory/<split>/` for every split present; a missing split is an issue.
    public func validate(directory: String, splits: [String] = DatasetSplit.allCases.map(\.rawValue)) -> [DatasetIssue] {
        splits.flatMap { split -> [DatasetIssue] in
            let dir = directory + "/" + split
            do throws(EdgeError) {
                let annotations = try DetectionAnnotations.read(path: dir + "/annotations.json")
                return validate(annotations, split: split) + validateTensors(directory: dir, split: split, annotations: annotations)
            } catch {
                return [DatasetIssue(split: split, message: error.message)]
            }
        }
    }

    /// Checks one split's annotations.
    public func validate(_ a: DetectionAnnotations, split: String) -> [DatasetIssue] {
        var issues: [DatasetIssue] = []
        func report(_ message: String) { issues.append(DatasetIssue(split: split, message: message)) }
        var categoryName: [Int: String] = [:]
        for c in a.categories {
            if classNames.contains(c.name) { categoryName[c.id] = c.name } else { report("category \(c.id) '\(c.name)' is not a known class (\(classNames.joined(separator: ", ")))") }
        }
        var images: [Int: DetectionAnnotations.Image] = [:]
        for image in a.images {
            if images[image.id] != nil { report("image id \(image.id) appears twice") }
            if image.width <= 0 || image.height <= 0 { report("image \(image.id) has size \(image.width)x\(image.height)") }
            images[image.id] = image
        }
        var perClass: [String: Int] = [:]
        for ann in a.annotations {
            let at = "annotation \(ann.id) (image \(ann.imageID))"
            guard let name = categoryName[ann.categoryID] else { report("\(at): unknown class id \(ann.categoryID)"); continue }
            guard let image = images[ann.imageID] else { report("\(at): image \(ann.imageID) is not in the split"); continue }
            guard ann.bbox.count == 4, ann.bbox.allSatisfy(\.isFinite) else { report("\(at): bbox \(ann.bbox) is not 4 finite numbers"); continue }
            let box = Box(x: ann.bbox[0], y: ann.bbox[1], width: ann.bbox[2], height: ann.bbox[3])
            if box.width < minBoxSide || box.height < minBoxSide {
                report("\(at): degenerate \(name) box \(box.width)x\(box.height) (minimum side \(minBoxSide) px)")
                continue
            }
            let tolerance = 1e-6
            if box.x < -tolerance || box.y < -tolerance || box.maxX > Double(image.width) + tolerance || box.maxY > Double(image.height) + tolerance {
                report("\(at): \(name) box [\(box.x), \(box.y), \(box.maxX), \(box.maxY)] lies outside the \(image.width)x\(image.height) image")
                continue
            }
            perClass[name, default: 0] += 1
        }
        for name in classNames where perClass[name, default: 0] == 0 {
            report("class '\(name)' has no boxes in this split (generate more images)")
        }
        return issues
    }

    /// `features.npy` and `boxes.npy` must exist with exactly the shapes the annotations imply.
    func validateTensors(directory: String, split: String, annotations a: DetectionAnnotations) -> [DatasetIssue] {
        let n = a.images.count, s = a.info.imageSize
        let expected: [(String, [Int])] = [("features", [n, 3, s, s]), ("boxes", [n, SceneGenerator.maxObjects, 5])]
        return expected.compactMap { name, shape in
            let path = "\(directory)/\(name).npy"
            let header = Npy.header(dtype: .float32, shape: shape)
            let size = shape.reduce(1, *) * 4 + header.count
            guard let handle = FileHandle(forReadingAtPath: path) else { return DatasetIssue(split: split, message: "\(name).npy is missing") }
            defer { try? handle.close() }
            let prefix = [UInt8](handle.readData(ofLength: header.count))
            let actual = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
            guard prefix == header, actual == size else {
                return DatasetIssue(split: split, message: "\(name).npy is not float32 \(shape) (\(size) bytes) as the annotations imply; it has \(actual) bytes")
            }
            return nil
        }
    }
}
