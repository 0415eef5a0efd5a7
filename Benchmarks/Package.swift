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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "BenchSupport", dependencies: [.product(name: "MemEngine", package: "memtop")]),
        suite("EngineBoot"),
        suite("Offline"),
        suite("Workload"),
        suite("Invariants"),
        suite("Footprint"),
        // The map's frames (issue 12): the app's own sources, linked in as FrameSupport.
        .executableTarget(
            name: "Frame",
            dependencies: ["FrameSupport", .product(name: "MemEngine", package: "memtop"),
                           .product(name: "Benchmark", package: "package-benchmark")],
            path: "Benchmarks/Frame",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // `swift run -c release footprint`: the engine's bytes per simulated page, by its own
        // accounting and by the process's resident memory.
        .executableTarget(name: "footprint", dependencies: ["BenchSupport", .product(name: "MemEngine", package: "memtop")]),
        // `offline-profile`: one offline of a 128 MiB block and nothing else, for callgrind.
        .executableTarget(name: "offline-profile", dependencies: ["BenchSupport", .product(name: "MemEngine", package: "memtop")]),
        // The app (Sources/memtop, through the link in Sources/FrameSupport) as a library, without
        // its @main, and the ncursesw shims it imports: the frame benchmarks render with it.
        .target(name: "FrameCNcurses", publicHeadersPath: "."),
        .target(
            name: "FrameSupport",
            dependencies: ["FrameCNcurses", .product(name: "MemEngine", package: "memtop"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["memtop/CLI/Memtop.swift"]
        ),
        // `frame-profile`: frames of the map at a screen size, CPU ms per frame (issue 12).
        .executableTarget(name: "frame-profile", dependencies: ["FrameSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
