// swift-tools-version:6.1
// A package of its own, so that `swift test` at the root never builds package-benchmark.
// Run from this folder: `swift package benchmark` (all suites) and `swift run -c release footprint`.
import PackageDescription

/// A package-benchmark suite: Benchmarks/<name>/<name>.swift.
func suite(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "BenchSupport",
            .product(name: "MemEngine", package: "memtop"),
            .product(name: "Benchmark", package: "package-benchmark"),
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
    )
}

let package = Package(
    name: "memtop-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // Named, so that the identity does not depend on what the checkout folder is called.
        .package(name: "memtop", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "BenchSupport", dependencies: [.product(name: "MemEngine", package: "memtop")]),
        suite("EngineBoot"),
        suite("Offline"),
        suite("Workload"),
        suite("Invariants"),
        suite("Footprint"),
        // `swift run -c release footprint`: the engine's bytes per simulated page, by its own
        // accounting and by the process's resident memory.
        .executableTarget(name: "footprint", dependencies: ["BenchSupport", .product(name: "MemEngine", package: "memtop")]),
        // `offline-profile`: one offline of a 128 MiB block and nothing else, for callgrind.
        .executableTarget(name: "offline-profile", dependencies: ["BenchSupport", .product(name: "MemEngine", package: "memtop")]),
    ],
    swiftLanguageModes: [.v6]
)
