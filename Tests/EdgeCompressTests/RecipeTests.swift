@testable import EdgeCompress
import EdgeRuntime
import XCTest

final class RecipeTests: XCTestCase {
    func testParsesSingleMethodsAndRecipes() throws {
        var o = RecipeOptions()
        o.sparsity = 0.8; o.scope = "global"; o.ratio = 0.3; o.norm = "l2"
        XCTAssertEqual(try Recipe.parse("prune", o), [.prune(sparsity: 0.8, scope: .global)])
        XCTAssertEqual(try Recipe.parse("channel-prune+prune", o), [.channelPrune(ratio: 0.3, norm: .l2), .prune(sparsity: 0.8, scope: .global)])
        o.energy = 0.9
        XCTAssertEqual(try Recipe.parse("lowrank, prune", o), [.lowRank(.energy(0.9)), .prune(sparsity: 0.8, scope: .global)])
    }

    func testRejectsBadMethodsAndParameters() {
        func expect(_ method: String, _ configure: (inout RecipeOptions) -> Void, contains text: String, line: UInt = #line) {
            var o = RecipeOptions()
            configure(&o)
            XCTAssertThrowsError(try Recipe.parse(method, o), line: line) { error in
                guard let e = error as? EdgeError else { return XCTFail("not an EdgeError: \(error)", line: line) }
                XCTAssertEqual(e.code, .invalidInput, line: line)
                XCTAssertTrue(e.message.contains(text), "'\(e.message)' lacks '\(text)'", line: line)
            }
        }
        expect("distill", { _ in }, contains: "unknown compression method 'distill'")
        expect("", { _ in }, contains: "--method is empty")
        expect("prune++lowrank", { $0.sparsity = 0.5 }, contains: "--method is empty")
        expect("prune", { _ in }, contains: "needs --sparsity")
        expect("prune", { $0.sparsity = 1.0 }, contains: "must be in (0, 1)")
        expect("prune", { $0.sparsity = 0 }, contains: "must be in (0, 1)")
        expect("prune", { $0.sparsity = 0.5; $0.scope = "model" }, contains: "--scope must be")
        expect("channel-prune", { $0.ratio = -0.1 }, contains: "must be in (0, 1)")
        expect("channel-prune", { $0.ratio = 1.5 }, contains: "must be in (0, 1)")
        expect("channel-prune", { $0.ratio = 0.5; $0.norm = "linf" }, contains: "--norm must be")
        expect("lowrank", { _ in }, contains: "exactly one of")
        expect("lowrank", { $0.rankRatio = 0.5; $0.energy = 0.9 }, contains: "exactly one of")
        expect("lowrank", { $0.energy = 1 }, contains: "must be in (0, 1)")
    }
}
