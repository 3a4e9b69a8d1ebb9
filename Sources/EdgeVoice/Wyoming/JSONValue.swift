import EdgeRuntime

extension JSONValue {
    /// Deepest array/object nesting in JSON text (strings skipped), computed without recursion,
    /// so hostile input is refused before a recursive decoder sees it.
    static func nestingDepth(_ bytes: some Collection<UInt8>) -> Int {
        var depth = 0, maxDepth = 0, inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; maxDepth = max(maxDepth, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return maxDepth
    }
}
