import EdgeRuntime
import EdgeVision
import Foundation

/// The splits of a generated detection dataset and how many images each gets.
public enum DatasetSplit: String, CaseIterable, Sendable {
    case train, val, test

    /// Stream namespace: image `i` of this split is rendered from
    /// `SceneRandom.forImage(seed:split:index:)`, so splits never share a scene.
    public var streamID: UInt64 {
        switch self {
        case .train: 1
        case .val: 2
        case .test: 3
        }
    }

    /// 80 / 10 / 10 of `total`, each split at least one image when `total` ≥ 3.
    public static func sizes(total: Int) -> [DatasetSplit: Int] {
        let val = total >= 3 ? max(1, total / 10) : 0
        let test = total >= 3 ? max(1, total / 10) : 0
        return [.train: total - val - test, .val: val, .test: test]
    }
}

/// Writes `edge-assistant data detection` output (layout in docs/DATA.md):
///
/// ```
/// DIR/<split>/images/000000.png …   rendered scenes
/// DIR/<split>/annotations.json       COCO-style boxes
/// DIR/<split>/features.npy           float32 [N, 3, S, S]  RGB / 255 (the detector's `image`)
/// DIR/<split>/boxes.npy              float32 [N, M, 5]     (class, x0, y0, x1, y1), class −1 = padding
/// ```
/// `features.npy` + `boxes.npy` are `edge-assistant train --task detection`'s layout
/// (docs/TRAINING.md), so a split trains as it is; M = `SceneGenerator.maxObjects`.
public struct DetectionDatasetWriter: Sendable {
    public var seed: UInt64
    public var imageSize: Int
    /// Rendering threads (images are independent; output does not depend on this).
    public var threads: Int
    public static let version = 1

    public init(seed: UInt64, imageSize: Int, threads: Int = 1) {
        self.seed = seed
        self.imageSize = imageSize
        self.threads = max(1, threads)
    }

    /// Renders image `index` of `split`: the same bytes for the same seed, always.
    public func scene(split: DatasetSplit, index: Int) -> GeneratedScene {
        var rng = SceneRandom.forImage(seed: seed, split: split.streamID, index: UInt64(index))
        return SceneGenerator(size: imageSize).render(&rng)
    }

    /// Generates `count` images of `split` into `directory/<split>/`.
    public func write(split: DatasetSplit, count: Int, directory: String) throws(EdgeError) {
        let dir = directory + "/" + split.rawValue
        do { try FileManager.default.createDirectory(atPath: dir + "/images", withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(dir)/images: \(error.localizedDescription)")
        }
        let s = imageSize, m = SceneGenerator.maxObjects
        let features = try NpyStreamWriter(path: dir + "/features.npy", dtype: .float32, shape: [count, 3, s, s])
        let boxes = try NpyStreamWriter(path: dir + "/boxes.npy", dtype: .float32, shape: [count, m, 5])
        var annotations = DetectionAnnotations(
            info: .init(generator: "edge-assistant data detection", version: Self.version, seed: seed, split: split.rawValue, imageSize: s),
            images: [], categories: DetectionAnnotations.landmarkCategories, annotations: [])
        let chunk = 64
        for start in stride(from: 0, to: count, by: chunk) {
            let rendered = try renderChunk(split: split, range: start..<min(count, start + chunk))
            for (offset, item) in rendered.enumerated() {
                let index = start + offset
                let name = String(format: "images/%06d.png", index)
                do { try Data(item.png).write(to: URL(fileURLWithPath: dir + "/" + name)) } catch {
                    throw EdgeError(.io, "cannot write \(dir)/\(name): \(error.localizedDescription)")
                }
                annotations.images.append(.init(id: index, fileName: name, width: s, height: s))
                for object in item.scene.objects {
                    let b = object.box
                    annotations.annotations.append(.init(id: annotations.annotations.count + 1, imageID: index, categoryID: object.landmark.rawValue + 1,
                                                         bbox: [b.x, b.y, b.width, b.height], area: b.area, iscrowd: 0,
                                                         visibleFraction: (object.visibleFraction * 1000).rounded() / 1000))
                }
                try features.append(Self.planar(item.scene.image))
                try boxes.append(Self.boxRows(item.scene.objects, capacity: m))
            }
        }
        for writer in [features, boxes] { try writer.finish() }
        try annotations.write(path: dir + "/annotations.json")
    }

    /// Writes the first `count` images of the train split as `directory/image_<k>.npy`, float32
    /// [1, 3, S, S] each: int8 calibration samples named after the detector's input (`compress
    /// --calibration`) and single frames for `bench --input image=…`. Re-rendered from the seed,
    /// so they equal rows 0..<count of `train/features.npy`.
    public func writeCalibration(count: Int, directory: String) throws(EdgeError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(directory): \(error.localizedDescription)")
        }
        for k in 0..<count {
            let image = Self.planar(scene(split: .train, index: k).image)
            try Npy.write(try Tensor(image, shape: [1, 3, imageSize, imageSize]), path: "\(directory)/image_\(k).npy")
        }
    }

    /// One image's box list: `capacity` rows of (class, x0, y0, x1, y1) in pixels, unused rows
    /// (class −1, 0, 0, 0, 0).
    public static func boxRows(_ objects: [SceneObject], capacity: Int) -> [Float] {
        precondition(objects.count <= capacity, "more objects than box rows")
        var rows = [Float](repeating: 0, count: capacity * 5)
        for k in 0..<capacity {
            guard k < objects.count else { rows[k * 5] = -1; continue }
            let b = objects[k].box
            rows.replaceSubrange(k * 5..<k * 5 + 5, with: [Float(objects[k].landmark.rawValue), Float(b.x), Float(b.y), Float(b.maxX), Float(b.maxY)])
        }
        return rows
    }

    /// RGB bytes → planar float32 `[3, S, S]` in [0, 1] (exactly PNG byte / 255).
    public static func planar(_ image: RGBImage) -> [Float] {
        let plane = image.width * image.height
        var out = [Float](repeating: 0, count: plane * 3)
        for i in 0..<plane {
            out[i] = Float(image.pixels[i * 3]) / 255
            out[plane + i] = Float(image.pixels[i * 3 + 1]) / 255
            out[2 * plane + i] = Float(image.pixels[i * 3 + 2]) / 255
        }
        return out
    }

    private struct Rendered: Sendable {
        var scene: GeneratedScene
        var png: [UInt8]
    }

    /// Renders and PNG-encodes a range of images on `threads` threads.
    private func renderChunk(split: DatasetSplit, range: Range<Int>) throws(EdgeError) -> [Rendered] {
        let results = UnsafeMutableBufferPointer<Result<Rendered, EdgeError>?>.allocate(capacity: range.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        let work: @Sendable (Int) -> Void = { k in
            let scene = self.scene(split: split, index: range.lowerBound + k)
            do throws(EdgeError) { slots[k] = .success(Rendered(scene: scene, png: try PNGCodec.encode(scene.image, fast: true))) } catch { slots[k] = .failure(error) }
        }
        if threads == 1 {
            for k in 0..<range.count { work(k) }
        } else {
            // Each slot is written by exactly one iteration.
            DispatchQueue.concurrentPerform(iterations: range.count) { work($0) }
        }
        var out: [Rendered] = []
        for slot in results {
            switch slot! {
            case .success(let r): out.append(r)
            case .failure(let e): throw e
            }
        }
        return out
    }
}
