/// The boot allocator's reservations (`memblock.reserved`), placed as x86_64 places them.
///
/// memblock allocates top-down by default: each node's memmap (`sparse_init()`, 64 bytes of
/// struct page per page) and per-cpu areas (`setup_per_cpu_areas()`) land at the top of their
/// node, and the swiotlb bounce buffer (`swiotlb_init()`, `memblock_alloc_low()`) at the top of
/// memory below 4 GiB. kernelcore=/movablecore= do not change where memblock allocates, so on a
/// real machine part of these land inside ZONE_MOVABLE and make those blocks unremovable. The
/// `movable_node` boot option switches memblock to bottom-up above the kernel image and keeps it
/// out of hotpluggable memory (`memblock_set_bottom_up(true)`, MEMBLOCK_HOTPLUG regions skipped).
/// Sizes of fixed regions scale with the geometry, as the zone boundaries do.
struct Memblock {
    /// What each reservation is, for the inspector and the tests.
    enum Purpose: String, Sendable {
        case lowMemory = "real mode and BIOS (low 1 MiB)"
        case kernelImage = "kernel image"
        case memmap = "memmap (struct pages)"
        case percpu = "per-cpu areas"
        case swiotlb = "swiotlb bounce buffer"
    }

    struct Region: Equatable {
        var range: Range<Int>
        var purpose: Purpose
        var node: Int?
    }

    private(set) var regions: [Region] = []
    let totalPages: Int
    /// Ranges memblock must not allocate from (hotpluggable memory under movable_node).
    let avoid: [Range<Int>]
    let bottomUp: Bool

    init(totalPages: Int, avoid: [Range<Int>] = [], bottomUp: Bool = false) {
        self.totalPages = totalPages
        self.avoid = avoid
        self.bottomUp = bottomUp
    }

    /// `memblock_reserve()`: a fixed range (the low megabyte, the kernel image).
    mutating func reserve(_ r: Range<Int>, _ purpose: Purpose) {
        let c = r.clamped(to: 0..<totalPages)
        if !c.isEmpty { regions.append(Region(range: c, purpose: purpose, node: nil)) }
    }

    /// `memblock_alloc_try_nid()`: `count` pages within `limit` (top-down, or bottom-up from
    /// the end of the kernel image), else anywhere. Returns false when nothing fits.
    @discardableResult
    mutating func alloc(_ count: Int, _ purpose: Purpose, node: Int?, within limit: Range<Int>, bottomUpFrom floor: Int = 0) -> Bool {
        let c = max(1, count)
        let wanted = bottomUp ? max(limit.lowerBound, floor)..<limit.upperBound : limit
        if let r = findFree(c, in: wanted) ?? findFree(c, in: bottomUp ? floor..<totalPages : 0..<totalPages) {
            regions.append(Region(range: r, purpose: purpose, node: node))
            return true
        }
        return false
    }

    /// `memblock_find_in_range()`: the highest (or lowest) gap of `count` pages in `within`
    /// that is neither reserved nor to be avoided.
    private func findFree(_ count: Int, in within: Range<Int>) -> Range<Int>? {
        let lo = max(0, within.lowerBound), hi = min(totalPages, within.upperBound)
        guard hi - lo >= count else { return nil }
        let taken = (regions.map(\.range) + avoid).filter { $0.overlaps(lo..<hi) }.sorted { $0.lowerBound < $1.lowerBound }
        var gaps: [Range<Int>] = []
        var cursor = lo
        for t in taken {
            if t.lowerBound > cursor { gaps.append(cursor..<t.lowerBound) }
            cursor = max(cursor, t.upperBound)
        }
        if cursor < hi { gaps.append(cursor..<hi) }
        let fitting = gaps.filter { $0.count >= count }
        if bottomUp {
            return fitting.first.map { $0.lowerBound..<($0.lowerBound + count) }
        }
        return fitting.last.map { ($0.upperBound - count)..<$0.upperBound }
    }

    var reservedRanges: [Range<Int>] { regions.map(\.range) }
    var reservedPages: Int { regions.reduce(0) { $0 + $1.range.count } }

    /// The boot allocations of a machine with this layout, in the order x86_64 makes them.
    static func place(config: MachineConfig, nodeRanges: [Range<Int>], movable: [Range<Int>],
                      dmaEnd: Int, dma32End: Int) -> Memblock {
        let g = config.geometry
        let totalPages = config.totalPages
        func scaled(_ bytes: Int) -> Int { max(1, Int(Double(bytes) * g.scale) / g.pageSize) }
        var mb = Memblock(totalPages: totalPages, avoid: config.movableNode ? movable : [],
                          bottomUp: config.movableNode)
        // reserve_real_mode() / trim_low_memory_range(): the first megabyte.
        mb.reserve(0..<scaled(1 << 20), .lowMemory)
        // The kernel image at CONFIG_PHYSICAL_START (16 MiB).
        let imageEnd = dmaEnd + scaled(32 << 20)
        mb.reserve(dmaEnd..<imageEnd, .kernelImage)
        for (n, r) in nodeRanges.enumerated() {
            let top = min(r.upperBound, totalPages)
            guard top > r.lowerBound else { continue }
            // sparse_init(): the node's memmap, on the node.
            mb.alloc(r.count * 64 / g.pageSize, .memmap, node: n, within: r.lowerBound..<top, bottomUpFrom: imageEnd)
        }
        for (n, r) in nodeRanges.enumerated() {
            let top = min(r.upperBound, totalPages)
            guard top > r.lowerBound else { continue }
            // setup_per_cpu_areas(): one unit per cpu of the node.
            let cpus = (0..<config.cpus).filter { $0 % config.nodes == n }.count
            guard cpus > 0 else { continue }
            mb.alloc(cpus * scaled(2 << 20), .percpu, node: n, within: r.lowerBound..<top, bottomUpFrom: imageEnd)
        }
        // swiotlb_init(): memblock_alloc_low(), below 4 GiB.
        mb.alloc(scaled(64 << 20), .swiotlb, node: nil, within: 0..<min(totalPages, dma32End), bottomUpFrom: imageEnd)
        return mb
    }
}

extension MemoryAmount: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bytes(let b): ByteSize.format(b)
        case .percent(let p): "\(p)%"
        }
    }
}

extension MachineConfig {
    /// movable_node keeps memblock out of ZONE_MOVABLE, so the kernel zones must hold every
    /// boot allocation; a kernelcore= that leaves them no room contradicts it.
    func validateMovableNode() throws(ConfigError) {
        guard movableNode else { return }
        let layout = ZoneLayout(config: self)
        let need = layout.memblock.reservedPages
        if let kc = kernelcore, kc.pages(of: totalPages, pageSize: geometry.pageSize) < need {
            throw .invalid("--movable-node keeps boot memory out of ZONE_MOVABLE, but --kernelcore \(kc) leaves no kernel memory for it (it needs \(ByteSize.format(need * geometry.pageSize)))")
        }
        if layout.kernelZonePages < need {
            throw .invalid("--movable-node leaves \(ByteSize.format(layout.kernelZonePages * geometry.pageSize)) of kernel memory, less than the \(ByteSize.format(need * geometry.pageSize)) boot allocations need")
        }
    }
}
