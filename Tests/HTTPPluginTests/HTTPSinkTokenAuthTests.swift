import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The sink authenticates with the same token types as the source (write-back to an API behind
/// OAuth 2.0): one token for every request, sent as a bearer token.
final class HTTPSinkTokenAuthTests: XCTestCase {
    private static let secret = "sink-CLIENT-secret-1618"
    private static let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .utf8)])

    private func batch(_ rows: [(Int64, String)]) throws -> ImportedRecordBatch {
        let builder = RecordBatchBuilder(schema: Self.schema)
        for row in rows {
            try builder.append(int64: row.0, column: 0)
            try builder.append(string: row.1, column: 1)
        }
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        return try ImportedRecordBatch(taking: array, schema: Self.schema)
    }

    func testClientCredentialsTokenAuthenticatesEveryWrite() throws {
        let server = try MockAPIServer(token: Self.secret, tasks: 1)
        setenv("SINK_OAUTH_CLIENT_ID", "etl-client", 1)
        setenv("SINK_OAUTH_SECRET", Self.secret, 1)
        let sink = try HTTPTestPlugin.sink(server, [
            "path": "/list/history/task", "body": ["name": "{name}", "source_id": "{id}"],
            "auth": ["type": "oauth2_client_credentials", "token_url": "\(server.baseURL)/oauth/token",
                     "client_id_env": "SINK_OAUTH_CLIENT_ID", "client_secret_env": "SINK_OAUTH_SECRET"],
        ])
        try sink.begin(LoadRequest(entryID: "history", runID: "run-1", target: "history", writeMode: .append, primaryKey: [],
                                   schema: Self.schema, optionsJSON: nil))
        try sink.write(try batch([(1, "one"), (2, "two"), (3, "three")]))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 3)
        XCTAssertEqual(try server.tokenStats().issued, 1)
        let authorizations = try server.writes().map { ($0["headers"] as? [String: Any])?["Authorization"] as? String }
        XCTAssertEqual(authorizations, Array(repeating: "Bearer mock-access-token-0001", count: 3))
    }
}
