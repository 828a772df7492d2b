import Foundation

/// gcp-storage-emulator (`.venv/bin/gcp-storage-emulator`, from `make venv`), in memory, on a
/// free loopback port for as long as this object lives. Buckets and objects are made through
/// its JSON API with Python's standard library, so a test's setup does not go through the code
/// under test. The emulator does not check credentials and lists every object in one page.
public final class GCSEmulator {
    private let server: GuardedProcess
    /// `http://127.0.0.1:PORT`, for a config's `remote.endpoint`.
    public var endpoint: String { "http://127.0.0.1:\(server.port)" }

    public init() throws {
        let emulator = TestPaths.source(".venv/bin/gcp-storage-emulator")
        server = try GuardedProcess(script: "emulator_guard.py",
                                    arguments: ["--", emulator, "start", "--host", "127.0.0.1", "--port", "{port}", "--in-memory", "--quiet"])
    }

    public func createBucket(_ name: String) throws {
        try ProjectPython.run("""
            import json, sys, urllib.request
            request = urllib.request.Request(sys.argv[1] + "/storage/v1/b?project=test", data=json.dumps({"name": sys.argv[2]}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            urllib.request.urlopen(request).read()
            """, [endpoint, name])
    }

    /// Puts `text` as the object `name`.
    public func put(_ bucket: String, _ name: String, _ text: String) throws {
        let scratch = TemporaryDirectory("gcs-put")
        let file = scratch.file("body")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try ProjectPython.run("""
            import sys, urllib.parse, urllib.request
            query = urllib.parse.urlencode({"uploadType": "media", "name": sys.argv[3]})
            body = open(sys.argv[4], "rb").read()
            request = urllib.request.Request(f"{sys.argv[1]}/upload/storage/v1/b/{sys.argv[2]}/o?{query}", data=body,
                                             headers={"Content-Type": "text/csv"}, method="POST")
            urllib.request.urlopen(request).read()
            """, [endpoint, bucket, name, file])
    }

    /// The object's bytes, read through the emulator's media download.
    public func get(_ bucket: String, _ name: String) throws -> String {
        try ProjectPython.run("""
            import sys, urllib.parse, urllib.request
            url = f"{sys.argv[1]}/storage/v1/b/{sys.argv[2]}/o/{urllib.parse.quote(sys.argv[3], safe='')}?alt=media"
            sys.stdout.write(urllib.request.urlopen(url).read().decode())
            """, [endpoint, bucket, name])
    }
}
