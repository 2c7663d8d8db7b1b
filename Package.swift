// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "oneproxy",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "oneproxy", targets: ["oneproxy"]),
        .library(name: "OneProxyKit", targets: ["OneProxyKit"]),
        .library(name: "OneProxyShell", targets: ["OneProxyShell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The science: data, encodings, statistics, solvers, predictors, search. No terminal code.
        // Optimised in debug builds too: its numeric code (least squares, solvers, evolution) runs
        // ~10x slower unoptimised, which made `swift test` take 15 minutes on 2 cores instead of
        // about one. The shell and the tests stay unoptimised for debugging.
        .target(
            name: "OneProxyKit",
            exclude: ["README.md"],
            resources: [.copy("Resources/data")],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The command language: lexer, parser, values, session, commands, rendering of values to text.
        // Its command registry is generated from Commands/ (one file per command) by the plugin below.
        .target(name: "OneProxyShell", dependencies: ["OneProxyKit"], exclude: ["README.md"], plugins: ["CommandRegistry"]),
        .executableTarget(name: "oneproxy-registry"),
        .plugin(name: "CommandRegistry", capability: .buildTool(), dependencies: ["oneproxy-registry"]),
        // libedit, through a small C shim that declares the few functions it uses and links the
        // runtime library libedit.so.2 (so no -dev package is needed to build).
        .target(
            name: "CEditLine",
            linkerSettings: [.linkedLibrary(":libedit.so.2", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "oneproxy",
            dependencies: [
                "OneProxyShell", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release-mode benchmark: `swift run -c release oneproxy-bench`.
        .executableTarget(name: "oneproxy-bench", dependencies: ["OneProxyKit", "OneProxyShell"]),
        .testTarget(name: "OneProxyKitTests", dependencies: ["OneProxyKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OneProxyShellTests", dependencies: ["OneProxyShell"]),
        .testTarget(name: "OneProxyCLITests", dependencies: ["oneproxy"]),
    ],
    swiftLanguageModes: [.v6]
)
