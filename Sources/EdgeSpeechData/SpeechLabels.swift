/// The 12 classes of the speech-commands contract and the vocabulary behind them.
public enum SpeechLabels {
    /// Model output order (card.json `labels`): silence, unknown, then the ten commands.
    public static let all = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    public static let silence = "_silence_"
    public static let unknown = "_unknown_"
    /// The ten command words.
    public static var commands: [String] { Array(all.dropFirst(2)) }

    /// Non-command words spoken for `_unknown_`: Speech Commands' auxiliary words plus a few
    /// more; none is a command word or contains one as a whole word.
    public static let unknownWords = [
        "bed", "bird", "cat", "dog", "eight", "five", "four", "happy", "house", "marvin", "nine", "one",
        "seven", "sheila", "six", "three", "tree", "two", "wow", "zero", "hello", "learn", "follow",
        "forward", "backward", "visual", "window", "yellow", "table", "music",
    ]

    /// Index of `label` in `all`, or nil.
    public static func index(of label: String) -> Int? { all.firstIndex(of: label) }
}
