#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Singular value decomposition A = U·diag(σ)·Vᵀ by one-sided (Hestenes) Jacobi rotations, in
/// double precision. Chosen over LAPACK because weights are at most a few thousand wide (one
/// decomposition per layer, offline), the method is short enough to test completely, needs no
/// system library on the edge box, and is accurate to full relative precision in σ.
///
/// Rotations orthogonalise the columns of A (working on Aᵀ when A is wide); at convergence the
/// column norms are σ, the normalised columns are U and the accumulated rotations are V.
public struct SVD: Sendable {
    /// A's dimensions.
    public let rows: Int, cols: Int
    /// Singular values, descending; count = min(rows, cols).
    public let sigma: [Double]
    /// Left singular vectors, column-major [rows × min(rows, cols)]: column j is u_j.
    public let u: [Double]
    /// Right singular vectors, column-major [cols × min(rows, cols)]: column j is v_j.
    public let v: [Double]

    public var rank: Int { sigma.count }

    /// u_j[i] and v_j[i].
    public func u(_ i: Int, _ j: Int) -> Double { u[j * rows + i] }
    public func v(_ i: Int, _ j: Int) -> Double { v[j * cols + i] }

    /// Decomposes the row-major matrix `a` [rows, cols].
    /// - Parameter maxSweeps: sweeps over all column pairs; 30 is far above the ~6–10 needed.
    public init(rowMajor a: [Double], rows: Int, cols: Int, maxSweeps: Int = 30) {
        precondition(a.count == rows * cols, "matrix has \(a.count) values, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        let tall = rows >= cols
        // Work matrix W (m × n, m ≥ n) column-major: W = A (tall) or Aᵀ (wide).
        let m = tall ? rows : cols, n = tall ? cols : rows
        var w = [Double](repeating: 0, count: m * n)
        for r in 0..<rows {
            for c in 0..<cols {
                if tall { w[c * m + r] = a[r * cols + c] } else { w[r * m + c] = a[r * cols + c] }
            }
        }
        var rot = [Double](repeating: 0, count: n * n)
        for i in 0..<n { rot[i * n + i] = 1 }
        SVD.orthogonalize(&w, m: m, n: n, rot: &rot, maxSweeps: maxSweeps)
        // σ_j = ‖w_j‖; left vectors w_j/σ_j; sort descending.
        var norms = (0..<n).map { j in sqrt((0..<m).reduce(0.0) { $0 + w[j * m + $1] * w[j * m + $1] }) }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        var left = [Double](repeating: 0, count: m * n), right = [Double](repeating: 0, count: n * n)
        for (dst, src) in order.enumerated() {
            let s = norms[src]
            for i in 0..<m { left[dst * m + i] = s > 0 ? w[src * m + i] / s : 0 }
            for i in 0..<n { right[dst * n + i] = rot[src * n + i] }
        }
        norms = order.map { norms[$0] }
        sigma = norms
        // A = W (tall): U = left, V = rotations. A = Wᵀ (wide): roles swap.
        u = tall ? left : right
        v = tall ? right : left
    }

    /// Cyclic sweeps of plane rotations over column pairs (p, q) until every pair is orthogonal
    /// to relative precision; `rot` accumulates the same rotations (the right factor).
    private static func orthogonalize(_ w: inout [Double], m: Int, n: Int, rot: inout [Double], maxSweeps: Int) {
        let eps = 1e-15
        w.withUnsafeMutableBufferPointer { a in
            rot.withUnsafeMutableBufferPointer { r in
                for _ in 0..<maxSweeps {
                    var rotated = false
                    for p in 0..<max(n - 1, 0) {
                        for q in (p + 1)..<n {
                            let cp = a.baseAddress! + p * m, cq = a.baseAddress! + q * m
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for i in 0..<m {
                                alpha += cp[i] * cp[i]
                                beta += cq[i] * cq[i]
                                gamma += cp[i] * cq[i]
                            }
                            guard alpha > 0, beta > 0, abs(gamma) > eps * sqrt(alpha * beta) else { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + sqrt(1 + zeta * zeta))
                            let c = 1 / sqrt(1 + t * t), s = c * t
                            for i in 0..<m {
                                let x = cp[i], y = cq[i]
                                cp[i] = c * x - s * y
                                cq[i] = s * x + c * y
                            }
                            let vp = r.baseAddress! + p * n, vq = r.baseAddress! + q * n
                            for i in 0..<n {
                                let x = vp[i], y = vq[i]
                                vp[i] = c * x - s * y
                                vq[i] = s * x + c * y
                            }
                        }
                    }
                    if !rotated { return }
                }
            }
        }
    }
}
