import EdgeRuntime
import EdgeTrain
import EdgeVision
import Foundation

/// `eval` for detectors (the ar-landmarks family): the model's `image` input is fed
/// `features.npy` [N, 3, S, S] in batches, each image's `heatmap` + `boxes` outputs are decoded
/// by the production `DetectionDecoder` (3×3 peaks, score threshold, per-class NMS at IoU 0.5,
/// identity letterbox: the split is already at the model's input size) and scored with
/// `COCOEvaluator` against `boxes.npy` (rows (class, x0, y0, x1, y1), class −1 padding; image
/// id = row). Reports COCO mAP@0.5, mAP@0.5:0.95 and AP@0.5 per class.
enum EvalDetector {
    static func report(_ m: Model, data: String, batch: Int, threads: Int, scoreThreshold: Double, json: Bool) throws {
        let dir = URL(fileURLWithPath: data)
        let x = try Npy.read(path: dir.appendingPathComponent("features.npy").path)
        let boxes = try Npy.read(path: dir.appendingPathComponent("boxes.npy").path)
        let labels = m.metadata.labels.isEmpty ? LandmarkClass.labels : m.metadata.labels
        let decoder = DetectionDecoder(labels: labels, scoreThreshold: scoreThreshold)
        let r = try evaluate(m.graph, features: x, boxes: boxes, decoder: decoder, batch: batch, threads: threads)
        let perClass = zip(labels, r.classAP50).compactMap { name, ap in ap.map { (name, $0) } }
        if json {
            let classes = perClass.map { String(format: "\"%@\": %.6f", $0.0, $0.1) }.joined(separator: ", ")
            print(String(format: "{\"model\": \"%@\", \"images\": %d, \"map_50\": %.6f, \"map_50_95\": %.6f, \"ap_50\": {%@}}",
                         m.metadata.name, x.shape.first ?? 0, r.mAP50, r.mAP, classes))
        } else {
            print(String(format: "images %d  mAP@0.5 %.4f  mAP@0.5:0.95 %.4f", x.shape.first ?? 0, r.mAP50, r.mAP))
            for (label, ap) in perClass { print(String(format: "  %-10@ AP@0.5 %.4f", label, ap)) }
        }
    }

    /// Detects on every image of `features` ([N, 3, S, S] float32) and evaluates against the box
    /// lists of `boxes` ([N, M, 5]).
    static func evaluate(_ graph: Graph, features x: Tensor, boxes: Tensor, decoder: DetectionDecoder,
                         batch: Int, threads: Int) throws -> COCOResult {
        guard let input = graph.runtimeInputs.first, graph.runtimeInputs.count == 1,
              graph.outputs.contains(where: { $0.name == "heatmap" }), graph.outputs.contains(where: { $0.name == "boxes" }) else {
            throw EdgeError(.invalidModel, "not a detector: needs one input and outputs heatmap, boxes (got inputs \(graph.runtimeInputs.map(\.name)), outputs \(graph.outputs.map(\.name)))")
        }
        guard x.dtype == .float32, x.shape.count == 4, x.shape[0] > 0, x.shape[1] == 3, x.shape[2] == x.shape[3], x.shape[2] % DetectionHead.stride == 0 else {
            throw EdgeError(.invalidInput, "features.npy: \(x.dtype) \(x.shape), expected float32 [N > 0, 3, S, S] with S a multiple of \(DetectionHead.stride)")
        }
        let (n, side) = (x.shape[0], x.shape[2])
        let truth = try DataLoading.boxLists(boxes, count: n, classes: decoder.labels.count, width: side, height: side,
                                             requireEveryClass: false)
        let groundTruth = truth.enumerated().flatMap { image, list in
            list.map { COCOEvaluator.GroundTruth(imageID: image, classIndex: $0.label,
                                                 box: Box(minX: Double($0.x0), minY: Double($0.y0), maxX: Double($0.x1), maxY: Double($0.y1))) }
        }
        let letterbox = Letterbox(sourceWidth: side, sourceHeight: side, targetWidth: side, targetHeight: side)
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: threads))
        let row = x.count / n
        let all = x.scalars(as: Float.self)
        var detections: [Int: [Detection]] = [:]
        var start = 0
        while start < n {
            let end = min(start + batch, n)
            let feed = try Tensor(Array(all[start * row..<end * row]), shape: [end - start, 3, side, side])
            let out = try session.run([input.name: feed])
            for i in 0..<(end - start) {
                detections[start + i] = try decoder.decode(heatmap: out["heatmap"]!, boxes: out["boxes"]!, letterbox: letterbox, batchIndex: i)
            }
            start = end
        }
        return try COCOEvaluator(classCount: decoder.labels.count).evaluate(imageIDs: Array(0..<n), groundTruth: groundTruth, detections: detections)
    }
}
