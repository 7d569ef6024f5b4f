// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: RanchhandEvents <- RanchhandClients <- handlers <- executables.
// Network I/O lives only in RanchhandHTTP (AsyncHTTPClient + swift-crypto); see README "Dependencies".
let package = Package(
    name: "ranchhand",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ranchhand", targets: ["ranchhand"]),
        .library(name: "RanchhandEvents", targets: ["RanchhandEvents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Static binaries on glibc >= 2.35 pick up hypot@GLIBC_2.35 from Foundation; this pins the
        // 2.2.5 versions so one binary runs on Amazon Linux 2023 (glibc 2.34).
        .target(name: "CGlibcCompat"),
        .target(name: "RanchhandEvents"),
        .target(name: "RanchhandClients", dependencies: ["RanchhandEvents"]),
        .target(
            name: "RanchhandLambda",
            dependencies: ["RanchhandClients", "RanchhandEvents", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "RanchhandHTTP",
            dependencies: [
                "RanchhandClients",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fake Rancher + Kubernetes API + IMDSv2 servers (Hummingbird, HTTP and HTTPS on loopback) for tests and the demo.
        .target(
            name: "RanchhandSandbox",
            dependencies: [
                "RanchhandClients",
                "RanchhandEvents",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `decode` runs on every event: this binary links only the event model. `demo` and `sandbox`
        // are handed over (exec) to ranchhand-demo, built beside it (by `ranchhand` itself on the first
        // `swift run ranchhand demo`: depending on it here would link its libraries into this binary).
        .executableTarget(
            name: "ranchhand",
            dependencies: [
                "RanchhandEvents",
                "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ranchhand-demo",
            dependencies: [
                "RanchhandEvents",
                "RanchhandSandbox",
                "RanchhandHandlers",
                "RanchhandHTTP",
                "RanchhandLambda",
                "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The tools' pure decisions and executors, one folder per tool.
        .target(
            name: "RanchhandHandlers",
            dependencies: [
                "RanchhandEvents", "RanchhandClients", "RanchhandLambda", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ranchhand-scale-in",
            dependencies: [
                "RanchhandHandlers", "RanchhandHTTP", "RanchhandLambda", "RanchhandClients", "RanchhandEvents", "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ranchhand-capacity",
            dependencies: [
                "RanchhandHandlers", "RanchhandHTTP", "RanchhandLambda",
                "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Node bootstrap agent (issue #6): wiring only; plan, executor and settings live in RanchhandHandlers/Bootstrap.
        .executableTarget(
            name: "ranchhand-bootstrap",
            dependencies: [
                "RanchhandHandlers", "RanchhandHTTP", "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Against the sandbox (fake Rancher + IMDSv2), moto with lifecycle waits, and a debootstrapped Debian chroot.
        .testTarget(
            name: "RanchhandBootstrapIntegrationTests",
            dependencies: ["RanchhandHandlers", "RanchhandHTTP", "RanchhandSandbox", "RanchhandTestSupport"]
        ),
        .executableTarget(
            name: "capacity-benchmark",
            dependencies: [
                "RanchhandHandlers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/capacity",
            exclude: ["traces", "results"]
        ),
        .testTarget(name: "RanchhandHandlersTests", dependencies: ["RanchhandHandlers"]),
        .testTarget(
            name: "RanchhandScaleInIntegrationTests",
            dependencies: ["RanchhandHandlers", "RanchhandHTTP", "RanchhandLambda", "RanchhandSandbox", "RanchhandTestSupport", "ranchhand-scale-in",
                           "lease-drill"]
        ),
        // The cross-process lease test's second process (Tests/LeaseDrill/main.swift).
        .executableTarget(
            name: "lease-drill",
            dependencies: ["RanchhandClients", "RanchhandHandlers", "RanchhandHTTP", "RanchhandTestSupport", .product(name: "Logging", package: "swift-log")],
            path: "Tests/LeaseDrill"
        ),
        .testTarget(name: "RanchhandEventsTests", dependencies: ["RanchhandEvents"]),
        .testTarget(name: "RanchhandLambdaTests", dependencies: ["RanchhandLambda"]),
        // Test support only (moto/fault-proxy processes, seeding, a recording log handler): test targets depend on it, nothing else.
        .target(
            name: "RanchhandTestSupport",
            dependencies: ["RanchhandHTTP", "RanchhandClients", "RanchhandEvents", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "RanchhandHTTPTests", dependencies: ["RanchhandHTTP", "RanchhandTestSupport", "RanchhandSandbox"]),
        .testTarget(name: "RanchhandSandboxTests", dependencies: ["RanchhandSandbox", "RanchhandClients"]),
        // DNS/ingress syncer (issue #7): wiring only; the plan and executor live in RanchhandHandlers/DNSSync.
        .executableTarget(
            name: "ranchhand-dns",
            dependencies: [
                "RanchhandHandlers", "RanchhandHTTP", "RanchhandLambda", "CGlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Against moto (Route53, EC2, Auto Scaling), the fault proxy and the sandbox's Kubernetes API.
        .testTarget(
            name: "RanchhandDNSIntegrationTests",
            dependencies: ["RanchhandHandlers", "RanchhandHTTP", "RanchhandSandbox", "RanchhandTestSupport", "RanchhandLambda", "RanchhandClients",
                           "RanchhandEvents", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "RanchhandCapacityIntegrationTests",
            dependencies: ["RanchhandHandlers", "RanchhandHTTP", "RanchhandLambda", "RanchhandSandbox", "RanchhandTestSupport", "ranchhand-capacity"]
        ),
        // `ranchhand demo` run as users run it.
        .testTarget(name: "RanchhandDemoTests", dependencies: ["ranchhand", "ranchhand-demo"]),
        // The Lambda functions as deployed: configuration from SSM (moto), the template's options parsed by each tool,
        // the packaged release `bootstrap` under the Runtime Interface Emulator.
        .testTarget(
            name: "RanchhandLambdaIntegrationTests",
            dependencies: [
                "ranchhand-scale-in", "ranchhand-dns", "ranchhand-capacity", "RanchhandEvents", "RanchhandClients", "RanchhandHandlers",
                "RanchhandLambda", "RanchhandHTTP", "RanchhandSandbox", "RanchhandTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "dns-benchmark",
            dependencies: [
                "RanchhandHandlers", "RanchhandHTTP", "RanchhandTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/dns"
        ),
        // 200 terminate notifications through SQS handled by the ranchhand-scale-in binary (poll mode) against moto and the sandbox.
        .executableTarget(
            name: "scale-in-benchmark",
            dependencies: [
                "RanchhandClients", "RanchhandHTTP", "RanchhandSandbox", "RanchhandTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/scale-in"
        ),
    ]
)
