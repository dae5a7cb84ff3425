/// Token counts when a server omits `usage`.
///
/// The estimate is one token per 4 UTF-8 bytes, rounded up, plus 4 tokens of chat
/// framing per message (the ChatML overhead of `<|im_start|>role\n … <|im_end|>\n`).
/// For English and code with BPE tokenizers this is typically within ±25 %; results
/// built from it carry `usageEstimated = true`.
public enum TokenEstimate {
    public static let bytesPerToken = 4
    public static let tokensPerChatMessage = 4

    public static func tokens(in text: String) -> Int {
        (text.utf8.count + bytesPerToken - 1) / bytesPerToken
    }

    public static func promptTokens(_ prompt: [String], chat: Bool) -> Int {
        prompt.reduce(0) { $0 + tokens(in: $1) + (chat ? tokensPerChatMessage : 0) }
    }
}
