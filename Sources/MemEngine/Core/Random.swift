/// The engine's only source of randomness: a seeded xoshiro256** generator kept in the state,
/// so a copy of the machine continues the same sequence. No `SystemRandomNumberGenerator`.
public struct SeededRandom: RandomNumberGenerator, Codable, Equatable, Sendable {
    var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A number in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// True with probability p / 1000.
    public mutating func chance(permille p: Int) -> Bool { below(1000) < p }

    public static func == (a: SeededRandom, b: SeededRandom) -> Bool {
        a.s.0 == b.s.0 && a.s.1 == b.s.1 && a.s.2 == b.s.2 && a.s.3 == b.s.3
    }

    enum CodingKeys: CodingKey { case state }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let a = try c.decode([UInt64].self, forKey: .state)
        guard a.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "need 4 words")
        }
        s = (a[0], a[1], a[2], a[3])
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([s.0, s.1, s.2, s.3], forKey: .state)
    }
}
