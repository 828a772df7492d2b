import CETLPlugin
import ETLRuntimeCore
import TestSupport
import XCTest

/// Finding and starting a driver, and the config around it: every mistake gets a message
/// saying what, where and how to fix it.
final class ADBCDriverLoadingTests: XCTestCase {
    private func sinkError(_ config: String, file: StaticString = #filePath, line: UInt = #line) -> PluginCallError? {
        do {
            _ = try ADBCPlugins.sink(config)
            XCTFail("expected the sink to refuse \(config)", file: file, line: line)
        } catch let error as PluginCallError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    private var sqliteDriver: String { get throws { ADBCPlugins.quoted(try ADBCPlugins.driverPath("sqlite")) } }

    func testAMissingDriverFileIsNamedWithTheFix() throws {
        let error = sinkError("{\"driver_path\": \"/nonexistent/libadbc_driver_nope.so\"}")
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("config.driver_path: cannot load the ADBC driver /nonexistent/libadbc_driver_nope.so"), message)
        XCTAssertTrue(message.contains("No such file"), message)
    }

    func testADriverNameNotOnTheLibraryPathSaysWhereItWasLookedFor() throws {
        let error = sinkError("{\"driver\": \"adbc_driver_nope\"}")
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("config.driver: cannot load the ADBC driver libadbc_driver_nope.so"), message)
        XCTAssertTrue(message.contains("LD_LIBRARY_PATH"), message)
    }

    func testALibraryWithoutAnADBCEntryPointIsRefused() throws {
        // A real shared library that is not a driver: the system's libsqlite3.
        let library = try XCTUnwrap(["/usr/lib/x86_64-linux-gnu/libsqlite3.so.0", "/usr/lib/aarch64-linux-gnu/libsqlite3.so.0"]
            .first { FileManager.default.fileExists(atPath: $0) })
        let error = sinkError("{\"driver_path\": \"\(library)\"}")
        let message = error?.message ?? ""
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(message.contains("exports no \"AdbcSqlite3Init\" and \"AdbcDriverInit\""), message)
        XCTAssertTrue(message.contains("set \"entrypoint\""), message)
    }

    func testAConfiguredEntryPointIsTheOnlyOneTried() throws {
        let error = sinkError("{\"driver_path\": \(try sqliteDriver), \"entrypoint\": \"AdbcDriverSqlitInit\"}")
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("exports no \"AdbcDriverSqlitInit\""), message)
        XCTAssertTrue(message.contains("check the spelling"), message)
    }

    func testTheSpecsDerivedEntryPointAndTheGenericOneBothLoadTheDriver() throws {
        for entrypoint in ["AdbcDriverSqliteInit", "AdbcDriverInit"] {
            let folder = TemporaryDirectory("adbc-entry")
            let sink = try ADBCPlugins.sink("""
                {"driver_path": \(try sqliteDriver), "entrypoint": "\(entrypoint)", "options": {"uri": "file:\(folder.path)/w.db"}}
                """)
            XCTAssertNil(try sink.readState(entryID: "e"))
        }
    }

    func testAnOptionTheDriverRefusesIsNamedByItsConfigPath() throws {
        let error = sinkError("{\"driver_path\": \(try sqliteDriver), \"options\": {\"no_such_option\": \"1\"}}")
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("config.options.no_such_option: setting the database option no_such_option failed"), message)
        XCTAssertTrue(message.contains("ADBC_STATUS_NOT_IMPLEMENTED"), message)
    }

    func testConnectionAndStatementOptionsAndConnectionSQLAreCheckedWhenTheSinkIsCreated() throws {
        let folder = TemporaryDirectory("adbc-options")
        let base = "\"driver_path\": \(try sqliteDriver), \"options\": {\"uri\": \"file:\(folder.path)/w.db\"}"
        let cases: [(String, String)] = [
            ("\"connection_options\": {\"no_such_option\": \"1\"}",
             "config.connection_options.no_such_option: setting the connection option no_such_option failed"),
            ("\"statement_options\": {\"no_such_option\": \"1\"}",
             "config.statement_options.no_such_option: setting the statement option no_such_option failed"),
            ("\"connection_sql\": [\"PRAGMA busy_timeout = 100\", \"NOT SQL\"]",
             "config.connection_sql[1]: running \"NOT SQL\" failed"),
        ]
        for (extra, expected) in cases {
            let message = sinkError("{\(base), \(extra)}")?.message ?? ""
            XCTAssertTrue(message.contains(expected), "\(extra): \(message)")
        }
        // The settings the driver accepts: the sink comes up.
        XCTAssertNil(try ADBCPlugins.sink("{\(base), \"connection_sql\": [\"PRAGMA busy_timeout = 100\"], \"statement_options\": {\"adbc.sqlite.query.batch_rows\": \"512\"}}")
            .readState(entryID: "e"))
    }

    func testADatabaseTheDriverCannotOpenReportsTheDriversMessage() throws {
        let error = sinkError("{\"driver_path\": \(try sqliteDriver), \"options\": {\"uri\": \"file:/nonexistent-folder/w.db\"}}")
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("opening the database with the driver"), message)
        XCTAssertTrue(message.contains("failed to open 'file:/nonexistent-folder/w.db'"), message)
    }

    func testConfigMistakesAreRefusedBeforeAnyDriverIsLoaded() throws {
        let cases: [(String, String)] = [
            ("{}", "config names no driver: add \"driver\""),
            ("{\"driver\": \"a\", \"driver_path\": \"/b.so\"}", "config has both driver and driver_path: keep one"),
            ("{\"driver\": \"lib/x\"}", "config.driver must be a short name"),
            ("{\"driver\": \"x\", \"option\": {}}", "config has unknown key \"option\""),
            ("{\"driver\": \"x\", \"options_env\": {\"uri\": \"ETL_TEST_ADBC_UNSET_VARIABLE\"}}",
             "config.options_env.uri names the variable ETL_TEST_ADBC_UNSET_VARIABLE, which is not set"),
            ("{\"driver\": \"x\", \"options\": {\"uri\": \"a\"}, \"options_env\": {\"uri\": \"HOME\"}}", "sets an option that config.options also sets"),
        ]
        for (config, expected) in cases {
            let error = sinkError(config)
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, config)
            XCTAssertTrue(error?.message.contains(expected) ?? false, "\(config): \(error?.message ?? "")")
        }
    }
}
