import XCTest

/// Runs one C conformance group (returns its failure count) and asserts it found none;
/// on failure it runs the group again verbosely so the log shows the failing values.
/// Set EK_TEST_VERBOSE=1 to print every group's report.
func assertConformance(_ name: String, _ group: (Int32) -> Int32, file: StaticString = #filePath, line: UInt = #line) {
    let verbose = ProcessInfo.processInfo.environment["EK_TEST_VERBOSE"].flatMap { Int32($0) } ?? 0
    var failures = group(verbose)
    if failures != 0 && verbose == 0 { failures = group(1) }
    XCTAssertEqual(failures, 0, "\(name): \(failures) conformance failures", file: file, line: line)
}
