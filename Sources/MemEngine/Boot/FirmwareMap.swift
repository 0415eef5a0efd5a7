/// The RAM the firmware reports, as `memblock.memory` holds it after `e820__memblock_setup()`.
///
/// An x86_64 PC has no RAM at pfn 0 (`trim_bios_range()` turns the first page into reserved)
/// nor from 636 KiB to 1 MiB (the EBDA, the VGA window, option ROMs and the BIOS), as qemu's
/// SeaBIOS reports it (/proc/iomem: `00001000-0009fbff : System RAM`, then
/// `00100000-... : System RAM`). From 1 MiB, RAM runs to the end of `--memory`: a qemu guest's
/// firmware keeps the top 128 KiB of its RAM below 4 GiB, so `-m 1G` is `--memory 1048448K`
/// here. These holes are present in no zone: the kernel counts kernelcore= and movablecore= in
/// present pages, and a block with a hole cannot go offline ("memory holes"). Sizes scale with
/// the geometry, as the zone boundaries do; the first page is a page whatever the scale.
struct FirmwareMap: Equatable {
    /// Pfn ranges with RAM behind them, ascending and disjoint.
    let ram: [Range<Int>]

    init(config: MachineConfig) {
        let g = config.geometry
        let end = config.totalPages
        let lowEnd = max(1, g.scaledPages(0x9_f000))
        let highStart = max(lowEnd, g.scaledPages(1 << 20))
        ram = [1..<min(lowEnd, end), min(highStart, end)..<end].filter { !$0.isEmpty }
    }

    /// The RAM ranges inside `range`.
    func ram(in range: Range<Int>) -> [Range<Int>] {
        ram.map { $0.clamped(to: range) }.filter { !$0.isEmpty }
    }

    /// Pages with RAM behind them inside `range`.
    func present(in range: Range<Int>) -> Int {
        ram.reduce(0) { $0 + $1.clamped(to: range).count }
    }

    /// Whether pfn `p` has RAM behind it.
    func contains(_ p: Int) -> Bool { ram.contains { $0.contains(p) } }
}

extension Geometry {
    /// Pages for a size on x86_64, scaled to this geometry (at least one page).
    func scaledPages(_ bytes: Int) -> Int { max(1, Int(Double(bytes) * scale) / pageSize) }
}
