// KernelConformanceTests.swift — runs the C conformance checks of CEdgeKernels (Tests/CEdgeKernelTests)
// for every ISA this CPU supports and asserts zero failures. One test per kernel group; set
// EK_TEST_VERBOSE=1 to print the per-group report (first failures with their values).
import CEdgeKernelTests
import XCTest

final class KernelConformanceTests: XCTestCase {
    private var verbose: Int32 {
        ProcessInfo.processInfo.environment["EK_TEST_VERBOSE"].flatMap { Int32($0) } ?? 0
    }

    private func check(_ name: String, _ group: (Int32) -> Int32, file: StaticString = #filePath, line: UInt = #line) {
        var failures = group(verbose)
        if failures != 0 && verbose == 0 {
            failures = group(1)  // re-run verbosely so the log shows what failed
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) conformance failures", file: file, line: line)
    }

    func testDispatch() { check("dispatch", ekt_dispatch) }
    func testThreadPool() { check("pool", ekt_pool) }
    func testSgemm() { check("sgemm", ekt_sgemm) }
    func testSgemmThreaded() { check("sgemm_threads", ekt_sgemm_threads) }
    func testSgemmPacked() { check("sgemm_packed", ekt_sgemm_packed) }
    func testSgemmSmallM() { check("sgemm_small_m", ekt_sgemm_small_m) }
    func testIm2col() { check("im2col", ekt_im2col) }
    func testDepthwise() { check("depthwise", ekt_depthwise) }
    func testConvSmallCin() { check("conv_small_cin", ekt_conv_small_cin) }
    func testActivations() { check("activations", ekt_activations) }
    func testSoftmax() { check("softmax", ekt_softmax) }
    func testPool2d() { check("pool2d", ekt_pool2d) }
    func testGlobalPool() { check("global_pool", ekt_global_pool) }
    func testCrc32c() { check("crc32c", ekt_crc32c) }
}
