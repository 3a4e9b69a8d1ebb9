import Foundation

/// Ranking metrics for the match-quality model (the card's AUC and NDCG@10).
public enum RankingMetrics {
    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative (ties count ½), computed from average ranks (Mann–Whitney U). Nil when the
    /// labels hold only one class, where AUC is undefined.
    public static func auc(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "one label per score")
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositive = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1  // ranks are 1-based; ties share the mean
            for k in i...j where labels[order[k]] { rankSumPositive += averageRank }
            i = j + 1
        }
        let u = rankSumPositive - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }

    /// Mean NDCG@k over groups (rows with the same group id form one query). Gains are the
    /// labels (0/1), discount 1/log2(rank + 1); groups with no positive are skipped (their
    /// ideal DCG is 0). Ties in score keep row order. Nil if no group has a positive.
    public static func ndcg(scores: [Double], labels: [Bool], groups: [Int64], k: Int = 10) -> Double? {
        precondition(scores.count == labels.count && labels.count == groups.count, "one label and group per score")
        var rowsByGroup: [Int64: [Int]] = [:]
        for (i, g) in groups.enumerated() { rowsByGroup[g, default: []].append(i) }
        var total = 0.0, counted = 0
        for rows in rowsByGroup.values {
            let positives = rows.filter { labels[$0] }.count
            guard positives > 0 else { continue }
            let ranked = rows.enumerated().sorted { a, b in
                scores[a.element] != scores[b.element] ? scores[a.element] > scores[b.element] : a.offset < b.offset
            }.map(\.element)
            var dcg = 0.0, ideal = 0.0
            for r in 0..<min(k, ranked.count) {
                let discount = 1 / log2(Double(r) + 2)
                if labels[ranked[r]] { dcg += discount }
                if r < positives { ideal += discount }
            }
            total += dcg / ideal
            counted += 1
        }
        return counted > 0 ? total / Double(counted) : nil
    }
}
