/// A 128-bit FNV-1a digest as 32 hex digits: stable across runs and machines (unlike
/// `Hasher`), enough to key a few thousand recorded prompts without collisions.
enum StableHash {
    static func hex(_ parts: [String]) -> String {
        var low: UInt64 = 0xcbf2_9ce4_8422_2325
        var high: UInt64 = 0x6c62_272e_07bb_0142
        let prime: UInt64 = 0x0000_0100_0000_01b3
        for part in parts {
            // Length-prefix each part so ["ab","c"] and ["a","bc"] differ.
            for byte in Array("\(part.utf8.count):".utf8) + Array(part.utf8) {
                low = (low ^ UInt64(byte)) &* prime
                high = (high ^ UInt64(byte)) &* prime &+ 0x9e37_79b9
            }
        }
        return hex64(high) + hex64(low)
    }

    private static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
