// swift-tools-version:6.0
// etl-runtime: the runtime executable, the plugin SDK, and one dynamic library per plugin.
// Layout (fixed by DESIGN.md): Runtime/ is the core, SDK/ is what plugin authors compile
// against, Plugins/ holds the built-in plugins, Tests/ the tests.
import PackageDescription

/// Trims a plugin library's exports to `etl_plugin_entry` alone and refuses undefined
/// symbols at link time, so two plugins never clash and a missing symbol is a build
/// error rather than a dlopen error in production.
let pluginLinkerSettings: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "--version-script=\(Context.packageDirectory)/SDK/plugin-exports.map",
        "-Xlinker", "-z", "-Xlinker", "defs",
    ])
]

/// DWARF 4 for C targets linked into the runtime and every kit plugin: Debian 12's valgrind
/// (`make memory-check`) gives up on a library holding more than one DWARF 5 unit, clang's default.
let valgrindReadableDebugInfo: [CSetting] = [.unsafeFlags(["-gdwarf-4"])]

let package = Package(
    name: "etl-runtime",
    products: [
        .executable(name: "etl-runtime", targets: ["etl-runtime"]),
        // Embedding API (C symbols) used by Python and other hosts, e.g. the pyarrow interop test.
        .library(name: "ETLHost", type: .dynamic, targets: ["ETLHost"]),
        // The Swift plugin authoring kit, for third-party Swift plugins.
        .library(name: "ETLPluginKit", targets: ["ETLPluginKit"]),
        // Plugins: the product name sets the file name, libetl_<name>.so.
        .library(name: "etl_example_jsonl", type: .dynamic, targets: ["ExampleJSONLSink"]),
        .library(name: "etl_example_c", type: .dynamic, targets: ["ExampleCSource"]),
        .library(name: "etl_csv", type: .dynamic, targets: ["CSVPlugin"]),
        .library(name: "etl_sqlite", type: .dynamic, targets: ["SQLitePlugin"]),
        .library(name: "etl_http", type: .dynamic, targets: ["HTTPPlugin"]),
        .library(name: "etl_postgres", type: .dynamic, targets: ["PostgresPlugin"]),
        .library(name: "etl_adbc", type: .dynamic, targets: ["ADBCPlugin"]),
        .library(name: "etl_parquet", type: .dynamic, targets: ["ParquetPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The HTTP server of `serve`: small, Swift concurrency, no SwiftNIO to build.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System C libraries, found with pkg-config.
        .systemLibrary(
            name: "CSQLite", path: "Plugins/System/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCurl", path: "Plugins/System/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        .systemLibrary(
            name: "CZlib", path: "Plugins/System/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // libpq, for the postgres plugin and the tests that inspect its databases.
        .systemLibrary(
            name: "CLibPQ", path: "Plugins/System/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // Page codecs of Parquet files: snappy (the default) and zstd; gzip goes through CZlib.
        .systemLibrary(
            name: "CSnappy", path: "Plugins/System/CSnappy", pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        .systemLibrary(
            name: "CZstd", path: "Plugins/System/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),

        // OpenSSL's libcrypto: RS256 for service-account JWTs (GCS), SHA-256 for S3 payload hashes.
        .systemLibrary(
            name: "CCrypto", path: "Plugins/System/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // No code: names libcrypto, libstdc++, libc and ICU early in the executable's library list,
        // so every process start binds its symbols sooner (see its module.modulemap).
        .systemLibrary(name: "CLoaderOrder", path: "Runtime/System/CLoaderOrder"),
        // prctl for worker processes (variadic in C, so wrapped).
        .systemLibrary(name: "CProcessControl", path: "Runtime/System/CProcessControl"),

        // The C ABI: SDK/include/etl_plugin.h, with compile-time layout checks.
        .target(
            name: "CETLPlugin",
            path: "SDK",
            exclude: ["etl-plugin.pc.in", "ABI.md", "plugin-exports.map"],
            sources: ["abi/etl_plugin_abi.c"],
            publicHeadersPath: "include",
            cSettings: valgrindReadableDebugInfo
        ),
        // The header's per-version struct sizes (ETL_*_SIZE_X_Y) as constants Swift can read.
        .target(
            name: "CETLPluginLayout", dependencies: ["CETLPlugin"], path: "SDK/abi/layout",
            cSettings: valgrindReadableDebugInfo
        ),
        // Strict JSON with positions, and a writer: manifests, plugin configs, resume state.
        .target(name: "ETLJSON", path: "SDK/JSON"),
        // Arrow C Data Interface in Swift: building, exporting and importing batches.
        .target(name: "ETLArrow", dependencies: ["CETLPlugin"], path: "SDK/Arrow"),
        // The requests the runtime sends and plugins receive (ReadRequest, LoadRequest, WriteMode):
        // one set of Swift types for both sides of the ABI.
        .target(name: "ETLPluginTypes", dependencies: ["CETLPlugin", "ETLArrow"], path: "SDK/Types"),
        // Swift authoring kit: protocols for sources and sinks and the entry export.
        .target(name: "ETLPluginKit", dependencies: ["CETLPlugin", "CETLPluginLayout", "ETLArrow", "ETLJSON", "ETLPluginTypes"], path: "SDK/Kit"),

        .target(
            name: "ETLRuntimeCore",
            dependencies: [
                "CETLPlugin", "CETLPluginLayout", "ETLArrow", "ETLJSON", "ETLPluginTypes", "CSQLite", "ETLLibPQ", "CProcessControl", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/ETLRuntimeCore"
        ),
        // `serve`: the report live and a read-only viewer of the sinks' tables, over FlyingFox.
        .target(
            name: "ReportServer",
            dependencies: ["ETLRuntimeCore", "ETLJSON", "CSQLite", "ETLLibPQ", .product(name: "FlyingFox", package: "FlyingFox")],
            path: "Runtime/ReportServer"
        ),
        .executableTarget(
            name: "etl-runtime",
            dependencies: [
                "CLoaderOrder", "ETLRuntimeCore", "CProcessControl", "ReportServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/etl-runtime"
        ),
        .target(
            name: "ETLHost", dependencies: ["ETLRuntimeCore", "CETLPlugin", "ETLArrow"], path: "Runtime/ETLHost",
            exclude: ["etl_host.h"]
        ),

        // Built-in plugins: each a Swift library against the kit, loaded through dlopen.
        // libcurl transfers shared by the plugins that fetch over the network (http, csv's remote files).
        .target(name: "ETLTransport", dependencies: ["ETLPluginKit", "ETLJSON", "CCurl", "CCrypto"], path: "Plugins/Transport"),
        // Apache Thrift's compact protocol: the encoding of Parquet's footer and page headers.
        .target(name: "ETLThrift", path: "Plugins/Thrift"),
        // The Parquet file format (metadata, pages, encodings, codecs), apart from any plugin.
        .target(name: "ETLParquetFormat", dependencies: ["ETLThrift", "ETLArrow", "CSnappy", "CZstd", "CZlib"], path: "Plugins/ParquetFormat"),
        // Incremental-read settings shared by the database sources (sqlite, postgres).
        .target(name: "ETLSQLSource", dependencies: ["ETLPluginKit"], path: "Plugins/SQLSource"),
        // The csv plugin's one-pass record scan (SSE2 compares where the CPU has them).
        .target(name: "CCSVScan", path: "Plugins/CSVScan", cSettings: valgrindReadableDebugInfo + [.unsafeFlags(["-O3"])]),
        .target(
            name: "CSVPlugin", dependencies: ["ETLPluginKit", "ETLTransport", "CZlib", "CCSVScan"], path: "Plugins/csv",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "SQLitePlugin", dependencies: ["ETLPluginKit", "ETLSQLSource", "CSQLite"], path: "Plugins/sqlite",
            exclude: ["README.md"],
            linkerSettings: pluginLinkerSettings
        ),

        .target(
            name: "HTTPPlugin", dependencies: ["ETLPluginKit", "ETLTransport", "CCurl"], path: "Plugins/http",
            exclude: ["README.md"],
            linkerSettings: pluginLinkerSettings
        ),

        // Opening libpq connections and scrubbing passwords, the same for the plugin, the state and `serve`.
        .target(name: "ETLLibPQ", dependencies: ["CLibPQ"], path: "Plugins/LibPQ"),
        .target(
            name: "PostgresPlugin", dependencies: ["ETLPluginKit", "ETLSQLSource", "ETLLibPQ"], path: "Plugins/postgres",
            linkerSettings: pluginLinkerSettings
        ),
        // Our declarations of the ADBC C API (structs, status codes, option names) from the spec.
        .target(
            name: "CADBC", dependencies: ["CETLPlugin"], path: "Plugins/System/CADBC",
            publicHeadersPath: "include", cSettings: valgrindReadableDebugInfo
        ),
        // Any ADBC driver library as a sink and a source (dlopen at run time, so no link to one).
        .target(
            name: "ADBCPlugin", dependencies: ["ETLPluginKit", "CADBC"], path: "Plugins/adbc",
            exclude: ["README.md"],
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "ParquetPlugin", dependencies: ["ETLPluginKit", "ETLParquetFormat", "ETLTransport"], path: "Plugins/parquet",
            exclude: ["README.md"],
            linkerSettings: pluginLinkerSettings
        ),

        // SDK example: a sink written in Swift with the authoring kit.
        .target(
            name: "ExampleJSONLSink",
            dependencies: ["ETLPluginKit"],
            path: "SDK/examples/swift-jsonl-sink",
            exclude: ["README.md"],
            linkerSettings: pluginLinkerSettings
        ),

        // SDK example: two sources in plain C. Also built by the tests with nothing but
        // `cc -shared` to prove the header is all a C author needs.
        .target(
            name: "ExampleCSource",
            dependencies: ["CETLPlugin"],
            path: "SDK/examples/c-source",
            exclude: ["Makefile", "README.md"],
            sources: ["etl_example_c.c"],
            publicHeadersPath: ".",
            // DWARF 4: Debian 12's valgrind cannot read clang's default DWARF 5.
            cSettings: [.unsafeFlags(["-fvisibility=hidden", "-gdwarf-4"])],
            linkerSettings: pluginLinkerSettings
        ),

        // Paths, temp folders, processes and a C compiler for the tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Reading a plugin's stream to its end through the runtime, for the plugin tests.
        .target(name: "PluginTestSupport", dependencies: ["ETLRuntimeCore", "ETLArrow"], path: "Tests/PluginTestSupport"),
        // Runs every ETLArrow path in a loop; run it under valgrind to prove there are no leaks.
        .executableTarget(name: "etl-memory-check", dependencies: ["ETLArrow", "ETLRuntimeCore", "CETLPlugin"], path: "Tests/MemoryCheck", exclude: ["valgrind.supp", "pipeline_check.sh"]),
        .testTarget(
            name: "ETLArrowTests",
            dependencies: ["ETLArrow", "ETLRuntimeCore", "CETLPlugin", "TestSupport"],
            path: "Tests/ETLArrowTests"
        ),
        // Transforms and the expression language, on in-memory batches (no plugins).
        .testTarget(
            name: "TransformTests",
            dependencies: ["ETLRuntimeCore", "ETLArrow"],
            path: "Tests/TransformTests"
        ),
        .testTarget(
            name: "ManifestTests",
            dependencies: ["ETLRuntimeCore"],
            path: "Tests/ManifestTests"
        ),
        .testTarget(
            name: "PluginABITests",
            dependencies: ["ETLRuntimeCore", "CETLPlugin", "CETLPluginLayout", "ETLArrow", "TestSupport"],
            path: "Tests/PluginABITests",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "PostgresTestSupport"],
            path: "Tests/EndToEndTests"
        ),
        .testTarget(
            name: "CSVPluginTests", dependencies: ["ETLRuntimeCore", "ETLArrow", "TestSupport", "PluginTestSupport", "CCSVScan"],
            path: "Tests/CSVPluginTests"
        ),
        .testTarget(
            name: "SQLitePluginTests", dependencies: ["ETLRuntimeCore", "ETLArrow", "CSQLite", "TestSupport", "PluginTestSupport"],
            path: "Tests/SQLitePluginTests"
        ),
        // The throwaway PostgreSQL cluster (Tests/Postgres/cluster.sh) and a libpq connection to inspect it.
        .target(name: "PostgresTestSupport", dependencies: ["TestSupport", "CLibPQ"], path: "Tests/PostgresTestSupport"),
        .testTarget(
            name: "PostgresPluginTests", dependencies: ["ETLRuntimeCore", "ETLArrow", "TestSupport", "PluginTestSupport", "PostgresTestSupport"],
            path: "Tests/PostgresPluginTests"
        ),
        .testTarget(
            name: "ADBCPluginTests",
            dependencies: ["ETLRuntimeCore", "ETLArrow", "CSQLite", "TestSupport", "PluginTestSupport", "PostgresTestSupport"],
            path: "Tests/ADBCPluginTests"
        ),
        .testTarget(
            name: "ParquetPluginTests", dependencies: ["ETLRuntimeCore", "ETLArrow", "ETLParquetFormat", "TestSupport", "PluginTestSupport"],
            path: "Tests/ParquetPluginTests"
        ),
        .testTarget(
            name: "HTTPPluginTests", dependencies: ["ETLRuntimeCore", "ETLArrow", "TestSupport", "PluginTestSupport"],
            path: "Tests/HTTPPluginTests"
        ),
        // The object-store layer of ETLTransport against real emulators (moto, gcp-storage-emulator).
        .testTarget(
            name: "ObjectStoreTests", dependencies: ["ETLTransport", "ETLPluginKit", "TestSupport"],
            path: "Tests/ObjectStoreTests"
        ),
        // `report` and `serve` in headless Chromium (Debian's package), against the built binary.
        .testTarget(
            name: "ReportTests", dependencies: ["TestSupport", "PostgresTestSupport"],
            path: "Tests/ReportTests", exclude: ["png_ink.py"]
        ),
        // Freshness, notifications and metrics apart from a run: the Prometheus text, input-file times.
        .testTarget(
            name: "OperationsTests", dependencies: ["ETLRuntimeCore", "ETLJSON", "TestSupport"],
            path: "Tests/OperationsTests"
        ),
        .testTarget(
            name: "PluginKitTests", dependencies: ["ETLPluginKit", "ETLArrow", "CETLPlugin", "CETLPluginLayout"],
            path: "Tests/PluginKitTests"),
    ]
)
