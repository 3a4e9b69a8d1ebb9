#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory. Tensors loaded from a model file borrow its pages, so
/// several variants of a model share the page cache and loading costs no copy.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawPointer
    public let count: Int

    /// Maps `path`. Throws `.io` if it cannot be opened or mapped.
    public init(path: String) throws(EdgeError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw EdgeError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw EdgeError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw EdgeError(.io, "\(path) is not a regular file")
        }
        let size = Int(st.st_size)
        guard size > 0 else {
            throw EdgeError(.invalidModel, "\(path) is empty")
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw EdgeError(.io, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        self.bytes = UnsafeRawPointer(p)
        self.count = size
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes), count)
    }

    /// The bytes in `range`, or nil if the range is not inside the file.
    public func slice(offset: Int, length: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { return nil }
        return UnsafeRawBufferPointer(start: bytes + offset, count: length)
    }
}
