// KernelConformanceTests.swift — runs the C conformance checks of CEdgeKernels (Tests/CEdgeKernelTests)
// for every ISA this CPU supports and asserts zero failures. One test per kernel group; set
// EK_TEST_VERBOSE=1 to print the per-group report (first failures with their values).
import CEdgeKernelTests
import XCTest

final class KernelConformanceTests: XCTestCase {
    func testDispatch() { assertConformance("dispatch", ekt_dispatch) }
    func testThreadPool() { assertConformance("pool", ekt_pool) }
    func testSgemm() { assertConformance("sgemm", ekt_sgemm) }
    func testSgemmThreaded() { assertConformance("sgemm_threads", ekt_sgemm_threads) }
    func testSgemmPacked() { assertConformance("sgemm_packed", ekt_sgemm_packed) }
    func testSgemmSmallM() { assertConformance("sgemm_small_m", ekt_sgemm_small_m) }
    func testIm2col() { assertConformance("im2col", ekt_im2col) }
    func testDepthwise() { assertConformance("depthwise", ekt_depthwise) }
    func testConvSmallCin() { assertConformance("conv_small_cin", ekt_conv_small_cin) }
    func testActivations() { assertConformance("activations", ekt_activations) }
    func testSoftmax() { assertConformance("softmax", ekt_softmax) }
    func testPool2d() { assertConformance("pool2d", ekt_pool2d) }
    func testGlobalPool() { assertConformance("global_pool", ekt_global_pool) }
    func testCrc32c() { assertConformance("crc32c", ekt_crc32c) }
    func testTrainBatchNorm() { assertConformance("train_batchnorm", ekt_train_batchnorm) }
    func testTrainActivation() { assertConformance("train_activation", ekt_train_activation) }
    func testTrainDepthwise() { assertConformance("train_depthwise", ekt_train_depthwise) }
    func testCol2im() { assertConformance("col2im", ekt_col2im) }
}
