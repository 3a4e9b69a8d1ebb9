import CEdgeKernels
import EdgeRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Training checkpoints: parameters and buffers, optimizer slots and step, in one file:
///
///     "EDGECKP1" | u64 payload bytes | u32 CRC-32C of payload | payload
///     payload = u32 JSON length | JSON manifest | float32 data (little-endian)
///
/// Written to `<path>.tmp`, fsynced, then renamed over `path`, so a crash leaves either the
/// old or the new checkpoint. Reading checks the magic, sizes, checksum, manifest and that
/// every tensor matches the network by name and shape; any mismatch is an `EdgeError`.
public enum Checkpoint {
    static let magic: [UInt8] = Array("EDGECKP1".utf8)
    static let maxBytes = 1 << 34

    struct Entry: Codable {
        var name: String
        var shape: [Int]
        var offset: Int
    }

    struct Manifest: Codable {
        var version: Int
        var step: Int
        var epoch: Int
        var optimizer: String
        var tensors: [Entry]
        var slots: [Entry]
    }

    /// What a checkpoint restores besides the tensors.
    public struct Progress: Sendable, Equatable {
        public var step: Int
        public var epoch: Int
        public init(step: Int, epoch: Int) { self.step = step; self.epoch = epoch }
    }

    /// Serializes `state` (parameters + buffers) and `optimizer`.
    public static func encode(state: [Parameter], optimizer: Optimizer, epoch: Int) throws(EdgeError) -> [UInt8] {
        var floats = [Float]()
        var tensors = [Entry](), slots = [Entry]()
        for p in state {
            tensors.append(Entry(name: p.name, shape: p.shape, offset: floats.count))
            floats += p.value
        }
        for name in optimizer.slots.keys.sorted() {
            let v = optimizer.slots[name]!
            slots.append(Entry(name: name, shape: [v.count], offset: floats.count))
            floats += v
        }
        let manifest = Manifest(version: 1, step: optimizer.stepCount, epoch: epoch, optimizer: optimizer.kind.name, tensors: tensors, slots: slots)
        let json: [UInt8]
        do { json = Array(try JSONEncoder().encode(manifest)) } catch { throw EdgeError(.io, "cannot encode checkpoint manifest: \(error)") }
        var payload = [UInt8]()
        appendLE(&payload, UInt32(json.count))
        payload += json
        floats.withUnsafeBytes { payload += $0 }
        var out = magic
        appendLE(&out, UInt64(payload.count))
        appendLE(&out, ek_crc32c(0, payload, payload.count))
        return out + payload
    }

    /// Writes a checkpoint atomically (temporary file, fsync, rename).
    public static func save(to path: String, state: [Parameter], optimizer: Optimizer, epoch: Int) throws(EdgeError) {
        let bytes = try encode(state: state, optimizer: optimizer, epoch: epoch)
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw EdgeError(.io, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = bytes.withUnsafeBytes { buf -> Bool in
            while written < buf.count {
                let r = write(fd, buf.baseAddress! + written, buf.count - written)
                if r <= 0 { if errno == EINTR { continue }; return false }
                written += r
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw EdgeError(.io, "cannot write checkpoint \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads `path` into `state` and `optimizer` (nil: parameters only, e.g. to start QAT or
    /// fine-tuning from a trained model) after validating everything; on error nothing is changed.
    @discardableResult
    public static func load(from path: String, state: [Parameter], optimizer: Optimizer?) throws(EdgeError) -> Progress {
        guard let f = fopen(path, "rb") else { throw EdgeError(.io, "cannot open checkpoint \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            bytes += chunk[0..<n]
            guard bytes.count <= maxBytes else { throw EdgeError(.tooLarge, "checkpoint \(path) is larger than \(maxBytes) bytes") }
        }
        return try decode(bytes, into: state, optimizer: optimizer, source: path)
    }

    /// Validates and applies a serialized checkpoint.
    @discardableResult
    public static func decode(_ bytes: [UInt8], into state: [Parameter], optimizer: Optimizer?, source: String = "checkpoint") throws(EdgeError) -> Progress {
        func bad(_ why: String) -> EdgeError { EdgeError(.invalidInput, "\(source) is not a valid checkpoint: \(why)") }
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else { throw bad("missing EDGECKP1 header") }
        let length = readLE(bytes, 8, UInt64.self)
        guard length == UInt64(bytes.count - 20) else { throw bad("payload is \(bytes.count - 20) bytes, header says \(length) (truncated?)") }
        let payload = Array(bytes[20...])
        guard ek_crc32c(0, payload, payload.count) == readLE(bytes, 16, UInt32.self) else { throw bad("checksum mismatch (corrupt file)") }
        guard payload.count >= 4 else { throw bad("no manifest") }
        let jsonLength = Int(readLE(payload, 0, UInt32.self))
        guard jsonLength <= payload.count - 4, (payload.count - 4 - jsonLength) % 4 == 0 else { throw bad("manifest length out of range") }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(payload[4..<(4 + jsonLength)])) } catch { throw bad("manifest: \(error)") }
        guard manifest.version == 1 else { throw bad("unsupported version \(manifest.version)") }
        if let optimizer, manifest.optimizer != optimizer.kind.name { throw bad("optimizer \(manifest.optimizer), training uses \(optimizer.kind.name)") }
        let floats: [Float] = payload[(4 + jsonLength)...].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        func values(_ e: Entry) throws(EdgeError) -> [Float] {
            let count = e.shape.reduce(1, *)
            guard e.offset >= 0, count >= 0, e.offset <= floats.count - count else { throw bad("tensor \(e.name) lies outside the data") }
            return Array(floats[e.offset..<(e.offset + count)])
        }
        let byName = Dictionary(manifest.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var restored = [[Float]]()
        for p in state {
            guard let e = byName[p.name] else { throw bad("tensor \(p.name) is missing (different architecture?)") }
            guard e.shape == p.shape else { throw bad("tensor \(p.name) has shape \(e.shape), the network expects \(p.shape)") }
            restored.append(try values(e))
        }
        guard manifest.tensors.count == state.count else { throw bad("holds \(manifest.tensors.count) tensors, the network has \(state.count)") }
        var slots = [String: [Float]]()
        for e in manifest.slots { slots[e.name] = try values(e) }
        for (p, v) in zip(state, restored) { p.value = v }
        if let optimizer {
            optimizer.slots = slots
            optimizer.stepCount = manifest.step
        }
        return Progress(step: manifest.step, epoch: manifest.epoch)
    }

    static func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func readLE<T: FixedWidthInteger>(_ b: [UInt8], _ offset: Int, _: T.Type) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(b[offset + i]) << (8 * i) }
        return v
    }
}

import Foundation
