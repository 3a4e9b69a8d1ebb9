import EdgeRuntime

/// The identifier rule shared by player ids, match ids and model family/variant names: they
/// become URL path segments and SQLite keys, so they are 1–64 characters of `[A-Za-z0-9_.-]`.
public enum SafeName {
    public static let maxLength = 64

    /// Throws `invalid_input` naming `what` when `name` breaks the rule.
    public static func validate(_ name: String, what: String) throws(EdgeError) {
        guard !name.isEmpty, name.utf8.count <= maxLength else {
            throw EdgeError(.invalidInput, "\(what) must be 1–\(maxLength) characters, got \(name.utf8.count)")
        }
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E || c == 0x2D
        }
        guard allowed else {
            throw EdgeError(.invalidInput, "\(what) '\(name.prefix(80))' may only contain A–Z, a–z, 0–9, '_', '.' and '-'")
        }
    }
}
