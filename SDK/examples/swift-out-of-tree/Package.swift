// swift-tools-version:6.0
// An etl-runtime plugin built outside the etl-runtime package: it depends on the Swift authoring
// kit (the ETLPluginKit product) and builds libetl_fizzbuzz.so. A plugin in its own repository
// would point at the etl-runtime repository instead: .package(url: "...", from: "0.1.0").
import PackageDescription

let package = Package(
    name: "etl-fizzbuzz",
    products: [
        // The product name sets the file name: libetl_fizzbuzz.so, which the runtime looks for.
        .library(name: "etl_fizzbuzz", type: .dynamic, targets: ["FizzBuzz"])
    ],
    dependencies: [
        .package(name: "etl-runtime", path: "../../..")
    ],
    targets: [
        .target(
            name: "FizzBuzz",
            dependencies: [.product(name: "ETLPluginKit", package: "etl-runtime")],
            path: "Sources/FizzBuzz",
            // Export etl_plugin_entry alone (the kit's public Swift symbols stay inside), and make
            // a missing symbol a link error rather than a dlopen error on the user's machine.
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/exports.map",
                    "-Xlinker", "-z", "-Xlinker", "defs",
                ])
            ]
        )
    ]
)
