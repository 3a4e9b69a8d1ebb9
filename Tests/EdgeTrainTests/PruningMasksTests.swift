import EdgeRuntime
@testable import EdgeTrain
import XCTest

final class PruningMasksTests: XCTestCase {
    /// Fine-tuning with --prune keeps exactly ⌊S·n⌋ zeros in every dense conv / linear weight —
    /// the smallest-|w| ones at the start — leaves depthwise weights dense, still learns, and the
    /// zeros survive export with batch norm folded in.
    func testPrunedFineTuningHoldsTheMaskAndLearns() throws {
        let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, width: 8, seed: 3)
        var warm = TrainConfig()
        warm.epochs = 2
        warm.batchSize = 16
        warm.learningRate = 0.01
        try Trainer(network: net, objective: .classification(smoothing: 0), config: warm).fit(TrainingTests.blobs(96, seed: 1))

        let convs = net.graph.layers.compactMap { $0 as? Conv2D }
        let dense = convs.filter { $0.geometry.groups == 1 }.map(\.weight) + net.graph.layers.compactMap { ($0 as? Linear)?.weight }
        let depthwise = convs.filter { $0.geometry.groups > 1 }.map(\.weight)
        XCTAssertFalse(depthwise.isEmpty, "smallCNN has a depthwise layer to leave alone")
        let smallest = dense.map { p in Set(p.value.indices.sorted { (abs(p.value[$0]), $0) < (abs(p.value[$1]), $1) }.prefix(p.count / 2)) }

        var c = warm
        c.epochs = 3
        c.pruneSparsity = 0.5
        let trainer = Trainer(network: net, objective: .classification(smoothing: 0), config: c)
        try trainer.fit(TrainingTests.blobs(96, seed: 1))
        for (p, chosen) in zip(dense, smallest) {
            let zeros = Set(p.value.indices.filter { p.value[$0] == 0 })
            XCTAssertEqual(zeros, chosen, "\(p.name): the zeros are the smallest half at the start, kept through training")
        }
        for p in depthwise { XCTAssertFalse(p.value.contains(0), "\(p.name) is depthwise and stays dense") }
        XCTAssertGreaterThan(try trainer.evaluate(TrainingTests.blobs(64, seed: 2)).accuracy!, 0.9)

        let graph = try net.graph.exportGraph()
        for p in dense where p.shape.count == 4 {
            // The exported (BN-folded) conv weight with this parameter's shape has the same zeros.
            let candidates = graph.initializers.values.filter { $0.shape == p.shape }.map { $0.scalars(as: Float.self) }
            XCTAssertTrue(candidates.contains { w in w.indices.allSatisfy { (w[$0] == 0) == (p.value[$0] == 0) } }, "\(p.name) zeros after export")
        }
    }

    func testBadSparsityAndNothingToPruneAreErrors() throws {
        let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 1)
        XCTAssertThrowsError(try PruningMasks(layers: net.graph.layers, sparsity: 1))
        XCTAssertThrowsError(try PruningMasks(layers: net.graph.layers, sparsity: 0))
        XCTAssertThrowsError(try PruningMasks(layers: [], sparsity: 0.5))
    }
}
