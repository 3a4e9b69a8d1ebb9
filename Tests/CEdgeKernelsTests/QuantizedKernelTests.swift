// QuantizedKernelTests.swift — runs the C conformance checks of the quantized / sparse kernels
// (edge_qkernels.h, Tests/CEdgeKernelTests/test_q*.c) for every ISA and dot-product variant this CPU
// supports and asserts zero failures: int8 results bit-exact vs the scalar spec, int4 / sparse within
// the stated float tolerance. Set EK_TEST_VERBOSE=1 to print the per-group report.
import CEdgeKernelTests
import CEdgeKernels
import XCTest

final class QuantizedKernelTests: XCTestCase {
    func testQuantizeHelpers() { assertConformance("quantize", ekt_quantize) }
    func testQuantizeLinearAndLookup() { assertConformance("qelementwise", ekt_qelementwise) }
    func testInt8Gemm() { assertConformance("qgemm", ekt_qgemm) }
    func testInt8GemmThreaded() { assertConformance("qgemm_threads", ekt_qgemm_threads) }
    func testInt8GemmExtremeK() { assertConformance("qgemm_extreme", ekt_qgemm_extreme) }
    func testInt8ConvAndDepthwise() { assertConformance("qconv", ekt_qconv) }
    func testInt4Gemm() { assertConformance("q4gemm", ekt_q4gemm) }
    func testQuantizedEmbeddings() { assertConformance("qembed", ekt_qembed) }
    func testSparseGemm() { assertConformance("spgemm", ekt_spgemm) }

    /// The Swift-visible struct has the layout the C side asserts.
    func testOutputStructLayout() {
        XCTAssertEqual(MemoryLayout<ek_qoutput>.size, 56)
        XCTAssertEqual(MemoryLayout<ek_qoutput>.offset(of: \ek_qoutput.act), 44)
        XCTAssertEqual(Int(EK_QGEMM_MAX_K), 65536)
    }

    /// End-to-end from Swift: quantize a float Gemm dynamically and compare the float output.
    func testDynamicGemmFromSwift() {
        let M = 3, K = 37, N = 5
        let x: [Float] = (0..<(M * K)).map { Float(($0 * 7919) % 201) / 100 - 1 }
        let w: [Float] = (0..<(N * K)).map { Float(($0 * 104729) % 199) / 99 - 1 }  // [N, K] (transB)
        var wq = [Int8](repeating: 0, count: N * K)
        var wscale = [Float](repeating: 0, count: N)
        ek_quantize_s8_per_row(w, Int64(N), Int64(K), Int64(K), &wq, &wscale)
        let size = ek_qgemm_packed_b_size(Int64(K), Int64(N))
        let packed = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { packed.deallocate() }
        ek_qgemm_pack_b(1, Int64(K), Int64(N), wq, Int64(K), packed)
        var xq = [UInt8](repeating: 0, count: M * K)
        var sa: Float = 0
        var za: Int32 = 0
        ek_quantize_u8_dynamic(x, Int64(M), Int64(K), Int64(K), &xq, Int64(K), &sa, &za)
        var y = [Float](repeating: 0, count: M * N)
        let rc = wscale.withUnsafeBufferPointer { ws -> Int32 in
            var q = ek_qoutput(multiplier: ws.baseAddress, bias_i32: nil, bias_f32: nil, scale: sa,
                               a_zero_point: za, out_zero_point: 0, qmin: 0, qmax: 255,
                               act: ek_activation(kind: 0, alpha: 0, beta: 0))
            return ek_qgemm_packed_b(Int64(M), Int64(N), Int64(K), xq, Int64(K), packed, &y, Int64(N),
                                     Int32(EK_QOUT_F32.rawValue), &q, nil)
        }
        XCTAssertEqual(rc, 0)
        for i in 0..<M {
            for j in 0..<N {
                var ref: Float = 0
                for k in 0..<K { ref += x[i * K + k] * w[j * K + k] }
                XCTAssertEqual(y[i * N + j], ref, accuracy: 0.05 * Float(K).squareRoot())
            }
        }
    }
}
