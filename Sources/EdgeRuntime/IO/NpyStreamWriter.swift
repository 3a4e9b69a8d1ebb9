import Foundation

/// Writes one `.npy` array of known shape piece by piece (e.g. one image's rows at a time), so
/// a dataset larger than memory can be saved. The file appears under its final name only when
/// `finish` has written every element (written to `PATH.partial`, then renamed).
public final class NpyStreamWriter {
    public let path: String
    public let dtype: DType
    public let shape: [Int]
    private let handle: FileHandle
    private var remaining: Int

    /// Creates `path.partial` and writes the header.
    public init(path: String, dtype: DType, shape: [Int]) throws(EdgeError) {
        self.path = path
        self.dtype = dtype
        self.shape = shape
        remaining = try ShapeMath.elementCount(shape) * dtype.byteSize
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: Data(Npy.header(dtype: dtype, shape: shape))),
              let handle = FileHandle(forWritingAtPath: partial) else {
            throw EdgeError(.io, "cannot create \(partial)")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// Appends the next elements (raw little-endian bytes of `dtype`).
    public func append(_ bytes: UnsafeRawBufferPointer) throws(EdgeError) {
        guard bytes.count <= remaining else { throw EdgeError(.invalidInput, "\(path): more data than shape \(shape) holds") }
        do { try handle.write(contentsOf: Data(bytes)) } catch { throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)") }
        remaining -= bytes.count
    }

    /// Appends float32 values.
    public func append(_ values: [Float]) throws(EdgeError) {
        precondition(dtype == .float32, "append([Float]) on a \(dtype) array")
        var failure: EdgeError?
        values.withUnsafeBytes { raw in
            do throws(EdgeError) { try append(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes the file and moves it into place; throws if elements are missing.
    public func finish() throws(EdgeError) {
        try? handle.close()
        guard remaining == 0 else { throw EdgeError(.invalidInput, "\(path): \(remaining) bytes short of shape \(shape)") }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        } catch {
            throw EdgeError(.io, "cannot move \(path).partial into place: \(error.localizedDescription)")
        }
    }
}
