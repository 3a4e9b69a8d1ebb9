import EdgeAudio
import Foundation

// Times the audio path on one thread: what one second of audio costs in each stage.
// Speed is measured here, never asserted in tests.

func seconds(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// Median of `runs` timings of `body`, which processes `audioSeconds` of audio.
func report(_ name: String, audioSeconds: Double, runs: Int = 7, _ body: () -> Void) {
    body()   // warm-up
    let times = (0..<runs).map { _ in seconds(body) }.sorted()
    let perSecond = times[runs / 2] / audioSeconds
    print(name.padding(toLength: 40, withPad: " ", startingAt: 0)
          + String(format: "%9.1f µs per s of audio  (%.3f%% of one core in real time)", perSecond * 1e6, perSecond * 100))
}

let rate = 16_000
let audioSeconds = 10.0
let audio = (0..<Int(audioSeconds) * rate).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }

var frontend = LogMelFrontend()
var sink: Float = 0
report("log-mel batch (98 frames/s)", audioSeconds: audioSeconds) { sink += frontend.features(audio)[0] }

var stream = LogMelStream()
var vad = VoiceActivityDetector()
let period = 320   // 20 ms ALSA period
for withVAD in [false, true] {
    report("log-mel stream\(withVAD ? " + VAD" : ""), 20 ms pushes", audioSeconds: audioSeconds) {
        audio.withUnsafeBufferPointer { a in
            var i = 0
            while i + period <= a.count {
                stream.push(UnsafeBufferPointer(rebasing: a[i..<(i + period)])) { f in
                    sink += f[0]
                    if withVAD { vad.process(logMel: f) }
                }
                i += period
            }
        }
    }
}

for from in [44_100, 48_000, 22_050, 8_000] {
    let input = (0..<Int(audioSeconds) * from).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / Double(from))) }
    let r = try! Resampler(from: from, to: 16_000)
    report("resample \(from) → 16000 Hz", audioSeconds: audioSeconds, runs: 3) { sink += r.process(input)[100] }
}

let wav = WAVEncoder.encode(try! AudioClip(sampleRate: 44_100, channels: 2, samples: [Float](repeating: 0.1, count: 2 * 44_100 * 10)))
report("WAV decode 44.1 kHz stereo 16-bit", audioSeconds: audioSeconds) { sink += try! WAVDecoder.decode(wav).samples[7] }
print("checksum \(sink)")
