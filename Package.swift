// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "memtop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "memtop", targets: ["memtop"]),
        .library(name: "MemEngine", targets: ["MemEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // ncursesw's shims (shim.h) and the one C file that must exist once: the signal flags.
        .target(
            name: "CNcurses",
            publicHeadersPath: "."
        ),
        .target(
            name: "MemEngine",
            // The engine is optimised in debug builds too: `swift run memtop` animates whole
            // machines and `swift test` checks invariants after every step of thousands of runs.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "memtop",
            dependencies: [
                "MemEngine",
                "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MemEngineTests", dependencies: ["MemEngine"]),
        .testTarget(
            name: "memtopTests",
            dependencies: ["memtop", "MemEngine"],
            // Golden screens are read by path from the source tree, not bundled.
            exclude: ["Golden/Screens"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
