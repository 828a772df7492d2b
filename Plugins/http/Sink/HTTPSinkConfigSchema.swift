/// The JSON Schema of the `http` sink's config, published in its descriptor.
enum HTTPSinkConfigSchema {
    static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "http sink",
      "type": "object",
      "properties": {
        "base_url": { "type": "string", "minLength": 1 },
        "method": { "enum": ["POST", "PUT", "PATCH", "post", "put", "patch"], "default": "POST" },
        "path": { "type": "string", "description": "Path template per record, e.g. /list/{list_id}/task ({col} from the record's columns)." },
        "headers": { "type": "object" },
        "body": { "description": "Body template: a string exactly \"{col}\" becomes the column's value; default: the record as an object." },
        "batch": { "type": "integer", "minimum": 1, "maximum": 10000, "default": 1, "description": "Records per request; above 1 the body is an array of records whose path renders the same URL." },
        "idempotency_key": {
          "type": "object",
          "properties": {
            "header": { "type": "string", "minLength": 1, "default": "Idempotency-Key" },
            "columns": { "type": "array", "minItems": 1, "items": { "type": "string" } }
          },
          "required": ["columns"],
          "additionalProperties": false
        },
        "max_failed_records": { "type": "integer", "minimum": 0, "description": "Records that may fail before the load fails; default: the entry's max_rejects (0 when the host sends none)." },
        "state_directory": { "type": "string", "format": "path", "description": "Optional copy of the entries' resume states (one JSON file each; not transactional), which survives the loss of the state database; without it the state database keeps the progress." },
        "auth": AUTH,
        "timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 30 },
        "connect_timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 10 },
        "retries": { "type": "integer", "minimum": 0, "maximum": 20, "default": 3 },
        "retry_base_seconds": { "type": "number", "minimum": 0, "default": 0.2 },
        "retry_max_seconds": { "type": "number", "minimum": 0, "default": 30 },
        "rate_limit_per_second": { "type": "number", "exclusiveMinimum": 0 },
        "verify_tls": { "type": "boolean", "default": true },
        "ca_bundle": { "type": "string", "format": "path" }
      },
      "required": ["base_url"],
      "additionalProperties": false
    }
    """#.replacingAll("AUTH", with: HTTPAuth.schema)
}
