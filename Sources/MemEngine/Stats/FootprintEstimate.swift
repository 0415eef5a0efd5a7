/// What a machine will cost before it is booted, so that a front end can refuse a `--memory`
/// this computer cannot hold instead of failing in the middle of an allocation.
extension MachineConfig {
    /// Bytes the engine holds per simulated page, rounded up from `Machine.footprintBytes`
    /// (13 bytes of page arrays; page-cache chunks, 2.5 after boot and at most 4 when reads
    /// have touched every chunk; page tables, a PMD word per THP and 4 bytes a page mapped by
    /// PTEs, so up to 4 with `--thp never`: 15.6 at 64 GiB after boot with THP on), with room
    /// for the arrays' growth while the workload runs.
    public static let estimatedBytesPerPage = 24

    /// The largest machine the engine models: 1 TiB, 256M pages, about 4 GB of engine state.
    public static let maximumMemoryBytes = 1 << 40

    /// `estimatedBytesPerPage` × pages: what booting this machine will take, roughly.
    public var estimatedFootprintBytes: Int {
        totalPages.multipliedReportingOverflow(by: Self.estimatedBytesPerPage).overflow
            ? Int.max : totalPages * Self.estimatedBytesPerPage
    }
}
