/// Counts written to fit a fixed column, as top and btop write them: exact while they fit,
/// then with a unit (k, M, G, T: powers of 1000) and one decimal where there is room.
///
/// A column never cuts a number: 5505024 in five columns is "5.5M", never "55050".
enum CountText {
    private static let units: [(Character, Double)] = [("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15)]

    /// `n` in at most `width` characters (`width` 3 or more), left as is when it fits.
    static func compact(_ n: Int, width: Int) -> String {
        let plain = String(n)
        if plain.count <= width { return plain }
        let value = Double(n)
        for (unit, scale) in units {
            let scaled = value / scale
            // Four digits of a unit read worse than one decimal of the next: 5.5M, not 5505k.
            guard scaled < 999.5 || unit == "P" else { continue }
            // One decimal while it fits and says something (below 100 of the unit).
            if scaled < 99.95 {
                let tenths = Int((scaled * 10).rounded())
                let decimal = "\(tenths / 10).\(tenths % 10)\(unit)"
                if decimal.count <= width { return decimal }
            }
            let whole = String(Int(scaled.rounded())) + String(unit)
            if whole.count <= width { return whole }
        }
        return String(repeating: "#", count: max(1, width))
    }

    /// `n` compacted and right-aligned in exactly `width` columns.
    static func column(_ n: Int, width: Int) -> String {
        let text = compact(n, width: width)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
