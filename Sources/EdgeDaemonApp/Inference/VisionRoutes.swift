import EdgeRuntime
import EdgeServer
import EdgeVision
import Foundation

/// `POST /v1/vision/detect`: a JPEG or PNG body, or a raw frame with
/// `?format=rgb24|rgba|gray8|nv12&width=&height=`, through the detection family's active
/// variant; boxes come back in source-image pixels.
enum VisionRoutes {
    /// The detection contract's default input side when the graph leaves it symbolic.
    static let defaultInputSide = 128

    static func routes(_ services: InferenceServices) -> [Route] {
        [Route(.POST, "/v1/vision/detect", group: .inference, .offloaded { request in
            let constraints = try ConstraintParameters.fromQuery(request.query)
            let image = try decodeImage(request)
            let answer = try services.withVariant(task: "detection", constraints: constraints) { lease in
                try detect(image, lease)
            }
            return try Response.inference(answer)
        })]
    }

    /// The request's image: raw when `format` is given, else JPEG/PNG sniffed from the bytes.
    static func decodeImage(_ request: Request) throws -> RGBImage {
        guard let formatName = request.query["format"] else {
            guard !request.body.isEmpty else { throw APIError(.badRequest, "invalid_image", "request body is empty; send a JPEG or PNG image or a raw frame with ?format=") }
            do { return try ImageDecoder.decode(request.body) } catch { throw APIError(.badRequest, "invalid_image", error.message) }
        }
        let format: RawFrameFormat
        do { format = try RawFrame.format(named: formatName) } catch { throw APIError(.badRequest, "invalid_image", error.message) }
        guard let w = request.query["width"].flatMap(Int.init), let h = request.query["height"].flatMap(Int.init) else {
            throw APIError(.badRequest, "invalid_image", "a raw frame needs integer ?width= and ?height=")
        }
        do { return try RawFrame.decode(request.body, format: format, width: w, height: h) } catch {
            throw APIError(error.code == .tooLarge ? .payloadTooLarge : .badRequest, "invalid_image", error.message)
        }
    }

    static func detect(_ image: RGBImage, _ lease: InferenceLease) throws -> DetectResponse {
        let (family, variant) = (lease.family, lease.variant)
        let (height, width) = inputSize(variant.session)
        let letterbox = Letterbox(sourceWidth: image.width, sourceHeight: image.height, targetWidth: width, targetHeight: height)
        let input = try letterbox.tensor(from: image)
        let clock = ContinuousClock()
        let start = clock.now
        let outputs = try variant.session.run(["image": input])
        guard let heatmap = outputs["heatmap"], let boxes = outputs["boxes"] else {
            throw APIError.internal("detection model '\(family.name)/\(variant.name)' lacks the 'heatmap' and 'boxes' outputs")
        }
        let decoder = DetectionDecoder(labels: family.card.labels)
        let detections = try decoder.decode(heatmap: heatmap, boxes: boxes, letterbox: letterbox)
        return DetectResponse(
            detections: detections.map { d in
                DetectResponse.Item(label: d.label, score: d.score,
                                    box: .init(x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height))
            },
            model: lease.model,
            latencyMs: (clock.now - start).milliseconds, image: .init(width: image.width, height: image.height))
    }

    /// The graph's fixed `image` height and width, else the contract's default.
    static func inputSize(_ session: InferenceSession) -> (Int, Int) {
        guard let shape = session.inputs.first?.shape, shape.count == 4 else { return (defaultInputSide, defaultInputSide) }
        return (shape[2].value ?? defaultInputSide, shape[3].value ?? defaultInputSide)
    }
}

struct DetectResponse: InferenceAnswer {
    struct Item: Encodable {
        var label: String
        var score: Double
        var box: BoxJSON
    }
    struct BoxJSON: Encodable {
        var x, y, width, height: Double
    }
    struct Size: Encodable {
        var width, height: Int
    }
    var detections: [Item]
    var model: ModelRef
    var latencyMs: Double
    var image: Size

    enum CodingKeys: String, CodingKey {
        case detections, model, image
        case latencyMs = "latency_ms"
    }
}
