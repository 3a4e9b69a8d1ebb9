import EdgeAudio
import EdgeRuntime
import EdgeServer
import EdgeVoice
import Foundation

/// The speech family's active variant as the voice pipeline's model source: every call leases
/// the registry's current variant, so a governor switch takes effect at the next model run.
public struct RegistrySpeechProvider: SpeechModelProvider {
    let services: InferenceServices

    public init(services: InferenceServices) { self.services = services }

    public func currentSpeechModel() -> SpeechModel? {
        guard let family = try? services.family(for: "speech"), let variant = services.registry.lease(family.name) else { return nil }
        return SpeechModel(session: variant.session, labels: family.card.labels, variant: variant.name)
    }
}

/// `POST /v1/speech/recognize`: WAV (any common PCM; resampled) or raw s16le 16 kHz mono →
/// the commands in it, through the same streaming recognizer as the microphone.
enum SpeechRoutes {
    static func routes(_ services: InferenceServices) -> [Route] {
        [Route(.POST, "/v1/speech/recognize", group: .inference, .offloaded { request in
            guard !request.body.isEmpty else {
                throw APIError(.badRequest, "invalid_audio", "request body is empty; send a WAV file or raw s16le 16 kHz mono")
            }
            let constraints = try ConstraintParameters.fromQuery(request.query)
            let answer = try services.withVariant(task: "speech", constraints: constraints) { lease in
                try recognize(request.body, lease)
            }
            return try Response.inference(answer)
        })]
    }

    static func recognize(_ body: [UInt8], _ lease: InferenceLease) throws -> RecognizeResponse {
        let (family, variant) = (lease.family, lease.variant)
        // Pin the leased variant for the whole upload, so one answer never mixes two variants.
        let model = SpeechModel(session: variant.session, labels: family.card.labels, variant: variant.name)
        let clock = ContinuousClock()
        let start = clock.now
        let commands: [VoiceCommand]
        do {
            try model.validate()
            commands = try SpeechUpload.recognize(body, provider: FixedSpeechModel(model))
        } catch {
            switch error.code {
            case .invalidInput, .invalidAudio: throw APIError(.badRequest, "invalid_audio", error.message)
            case .tooLarge: throw APIError(.payloadTooLarge, "too_large", error.message)
            default: throw APIError(.serviceUnavailable, "model_unavailable", "speech model '\(family.name)/\(variant.name)': \(error.message)")
            }
        }
        return RecognizeResponse(
            commands: commands.map { .init(label: $0.label, confidence: Double($0.confidence), startMs: $0.startMs, endMs: $0.endMs) },
            model: lease.model, latencyMs: (clock.now - start).milliseconds)
    }
}

struct RecognizeResponse: InferenceAnswer {
    struct Command: Encodable {
        var label: String
        var confidence: Double
        var startMs: Int
        var endMs: Int
        enum CodingKeys: String, CodingKey {
            case label, confidence
            case startMs = "start_ms", endMs = "end_ms"
        }
    }
    var commands: [Command]
    var model: ModelRef
    var latencyMs: Double

    enum CodingKeys: String, CodingKey {
        case commands, model
        case latencyMs = "latency_ms"
    }
}
