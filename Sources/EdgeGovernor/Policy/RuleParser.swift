import EdgeRuntime

/// Parses mode rules.
///
/// Grammar (one rule per line or per config string; `#` starts a comment):
///
///     rule      := condition ("and" condition)* "->" mode
///     condition := metric op number ["%"] | ["not"] flag
///     metric    := battery | thermal | temperature | pressure | load | throttled
///     flag      := discharging | on_ac | has_battery
///     op        := < | <= | > | >= | == | !=
///     mode      := performance | balanced | eco
///
/// Errors name the rule, the column and what was expected, e.g.
/// `rule 2 "batery < 20 -> eco", column 1: unknown signal "batery" (expected battery, …)`.
public enum RuleParser {
    /// Parses every non-empty, non-comment line of `text`; line numbers are used in errors.
    public static func parse(text: String) throws(EdgeError) -> [Rule] {
        try parse(rules: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// Parses a list of rule strings (e.g. from a config array); blank and comment-only entries
    /// are skipped but still counted in the numbering.
    public static func parse(rules: [String]) throws(EdgeError) -> [Rule] {
        var result: [Rule] = []
        for (i, raw) in rules.enumerated() {
            let source = String(raw.prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)
            if source.isEmpty { continue }
            do {
                result.append(try parse(rule: source))
            } catch {
                throw EdgeError(.invalidRule, "rule \(i + 1) \"\(source)\", \(error.message)")
            }
        }
        return result
    }

    /// Parses a single rule; errors carry the column but not the rule number.
    public static func parse(rule source: String) throws(EdgeError) -> Rule {
        var tokens = try RuleTokenizer.tokenize(source)[...]
        var conditions: [Condition] = []
        while true {
            conditions.append(try condition(&tokens, source: source))
            guard let next = tokens.popFirst() else { throw error(at: source.count + 1, "expected \"and\" or \"->\" then a mode, found the end") }
            if next.text == "and" { continue }
            guard next.text == "->" else { throw error(at: next.column, "expected \"and\" or \"->\", found \"\(next.text)\"") }
            break
        }
        guard let modeToken = tokens.popFirst() else { throw error(at: source.count + 1, "expected a mode after \"->\" (\(list(EffectiveMode.allCases.map(\.rawValue)))), found the end") }
        guard let mode = EffectiveMode(rawValue: modeToken.text) else {
            throw error(at: modeToken.column, "unknown mode \"\(modeToken.text)\" (expected \(list(EffectiveMode.allCases.map(\.rawValue))))")
        }
        if let extra = tokens.first { throw error(at: extra.column, "unexpected \"\(extra.text)\" after the mode") }
        return Rule(conditions: conditions, mode: mode, source: source)
    }

    private static func condition(_ tokens: inout ArraySlice<RuleTokenizer.Token>, source: String) throws(EdgeError) -> Condition {
        guard var word = tokens.popFirst() else { throw error(at: source.count + 1, "expected a condition, found the end") }
        var negated = false
        if word.text == "not" {
            negated = true
            guard let flagWord = tokens.popFirst() else { throw error(at: source.count + 1, "expected a flag after \"not\", found the end") }
            word = flagWord
        }
        if let flag = Flag(rawValue: word.text) { return .flag(flag, negated: negated) }
        guard !negated, let metric = Metric(rawValue: word.text) else {
            let expected = negated ? list(Flag.allCases.map(\.rawValue)) : list(Metric.allCases.map(\.rawValue) + Flag.allCases.map(\.rawValue))
            throw error(at: word.column, "unknown signal \"\(word.text)\" (expected \(expected))")
        }
        guard let opToken = tokens.popFirst() else { throw error(at: source.count + 1, "expected a comparison after \"\(metric.rawValue)\", found the end") }
        guard let op = Comparison(rawValue: opToken.text) else {
            throw error(at: opToken.column, "expected a comparison (\(list(Comparison.allCases.map(\.rawValue)))) after \"\(metric.rawValue)\", found \"\(opToken.text)\"")
        }
        guard let numberToken = tokens.popFirst() else { throw error(at: source.count + 1, "expected a number after \"\(op.rawValue)\", found the end") }
        var text = numberToken.text
        let percent = text.hasSuffix("%")
        if percent { text.removeLast() }
        guard let value = Double(text), value.isFinite, !text.contains(where: { $0.isLetter }) else {
            throw error(at: numberToken.column, "expected a number after \"\(op.rawValue)\", found \"\(numberToken.text)\"")
        }
        if percent && !metric.acceptsPercent {
            throw error(at: numberToken.column, "\"\(metric.rawValue)\" is in °C; write it without %")
        }
        return .compare(metric, op, percent && metric.percentIsFraction ? value / 100 : value)
    }

    private static func error(at column: Int, _ message: String) -> EdgeError {
        EdgeError(.invalidRule, "column \(column): \(message)")
    }

    private static func list(_ names: [String]) -> String { names.joined(separator: ", ") }
}

/// Splits a rule into words, numbers (with an optional `%`) and operators, with 1-based columns.
enum RuleTokenizer {
    struct Token: Equatable {
        var text: String
        var column: Int
    }

    static func tokenize(_ source: String) throws(EdgeError) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var i = 0
        func take(while predicate: (Character) -> Bool) -> String {
            let start = i
            while i < chars.count && predicate(chars[i]) { i += 1 }
            return String(chars[start..<i])
        }
        while i < chars.count {
            let c = chars[i], column = i + 1
            if c.isWhitespace {
                i += 1
            } else if c.isLetter || c == "_" {
                tokens.append(Token(text: take { $0.isLetter || $0.isNumber || $0 == "_" }, column: column))
            } else if c.isNumber || c == "." || c == "-" && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".") {
                i += 1
                let rest = take { $0.isNumber || $0 == "." || $0.isLetter || $0 == "%" }
                tokens.append(Token(text: String(c) + rest, column: column))
            } else if "<>=!-".contains(c) {
                let op = take { "<>=!-".contains($0) }
                guard Comparison(rawValue: op) != nil || op == "->" else {
                    throw EdgeError(.invalidRule, "column \(column): unknown operator \"\(op)\" (expected <, <=, >, >=, ==, != or ->)")
                }
                tokens.append(Token(text: op, column: column))
            } else {
                throw EdgeError(.invalidRule, "column \(column): unexpected character \"\(c)\"")
            }
        }
        return tokens
    }
}
