/// The JSON Schema of the `http` source's config, published in its descriptor.
enum HTTPSourceConfigSchema {
    static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "http source",
      "type": "object",
      "properties": {
        "base_url": { "type": "string", "minLength": 1, "description": "The API's root URL, e.g. https://api.example.com/v1." },
        "streams": {
          "type": "object",
          "description": "Stream name → how to fetch it.",
          "additionalProperties": {
            "type": "object",
            "properties": {
              "path": { "type": "string", "description": "Path template under base_url; {name} is filled from the entry's options." },
              "method": { "enum": ["GET", "POST", "get", "post"] },
              "query": { "type": "object", "description": "Fixed query parameters." },
              "headers": { "type": "object", "description": "Fixed headers (never put secrets here: use auth)." },
              "body": { "type": "object", "description": "JSON body of a POST search; {name} in its strings is filled like the path; pagination parameters and the watermark are added to it." },
              "records_path": { "type": "string", "description": "Where the records are: $.tasks, or $ for a bare array; a wildcard or filter ($.tasks[?(@.archived==false)]) selects the records themselves." },
              "pagination": {
                "type": "object",
                "properties": {
                  "type": { "enum": ["page_number", "offset", "cursor", "link_header", "none"] },
                  "page_param": { "type": "string" }, "size_param": { "type": "string" },
                  "page_size": { "type": "integer", "minimum": 1 },
                  "start_page": { "type": "integer", "default": 1, "description": "The first page's number: 1, or 0 for an API that counts pages from 0." },
                  "total_path": { "type": "string" },
                  "allow_short_read": { "type": "boolean", "default": false, "description": "With total_path: warn instead of failing when a read ends with fewer records than the total." },
                  "offset_param": { "type": "string" }, "limit_param": { "type": "string" },
                  "limit": { "type": "integer", "minimum": 1 },
                  "cursor_param": { "type": "string" }, "cursor_path": { "type": "string" }
                },
                "required": ["type"],
                "additionalProperties": false
              },
              "stop_on_short_page": { "type": "boolean", "default": true },
              "max_pages": { "type": "integer", "minimum": 1, "description": "Fail rather than read more pages than this." },
              "columns": {
                "type": "array", "minItems": 1,
                "items": {
                  "type": "object",
                  "properties": {
                    "name": { "type": "string", "minLength": 1 },
                    "path": { "type": "string", "description": "JSON path in the record, e.g. $.assignees[0].username or $.custom_fields[?(@.name=='Squad')].value (first match; a json column holds every match as an array); default $.<name>." },
                    "type": { "enum": ["int64", "double", "bool", "text", "timestamp", "date", "json"] },
                    "format": { "enum": ["iso8601", "epoch_seconds", "epoch_millis"], "description": "timestamp and date columns: how values are written; default ISO 8601 text or epoch seconds." }
                  },
                  "required": ["name"],
                  "additionalProperties": false
                }
              },
              "children": {
                "type": "object",
                "description": "Arrays of each record offered as streams <stream>__<name>: one row per element after the parent key, the parent's cursor (incremental parents) and _index.",
                "additionalProperties": {
                  "type": "object",
                  "properties": {
                    "path": { "type": "string", "description": "Where the array is in a record, e.g. $.assignees." },
                    "parent_key": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Column name → JSON path in the parent record, e.g. {\"task_id\": \"$.id\"}." },
                    "columns": { "type": "array", "minItems": 1, "items": { "type": "object" }, "description": "The element columns (as a stream's columns), read from the row record; default: discovered." }
                  },
                  "required": ["path", "parent_key"],
                  "additionalProperties": false
                }
              },
              "parent": {
                "type": "object",
                "description": "Run this stream's requests once per record of another stream; the fields fill {name} placeholders and lead each row.",
                "properties": {
                  "stream": { "type": "string", "minLength": 1 },
                  "fields": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Placeholder/column name → JSON path in the parent record, e.g. {\"list_id\": \"$.id\"}." }
                },
                "required": ["stream", "fields"],
                "additionalProperties": false
              },
              "incremental": {
                "type": "object",
                "properties": {
                  "param": { "type": "string", "minLength": 1, "description": "The query parameter, header or top-level body member that carries the watermark." },
                  "in": { "enum": ["query", "body", "header"], "default": "query" },
                  "body_path": { "type": "string", "description": "With in: body, instead of param: the value of the body template the watermark replaces, e.g. $.filterGroups[0].filters[0].value." },
                  "format": { "enum": ["iso8601", "epoch_seconds", "epoch_millis"] },
                  "cursor_format": { "enum": ["iso8601", "epoch_seconds", "epoch_millis"], "description": "How records write their cursor when it is a number; default: format." },
                  "cursor_path": { "type": "string" },
                  "sorted_by_cursor": { "type": "boolean", "default": false, "description": "The API returns records in cursor order: the watermark advances after every batch (checked: a record going backwards fails the read)." }
                },
                "required": ["cursor_path"],
                "additionalProperties": false
              }
            },
            "required": ["path"],
            "additionalProperties": false
          }
        },
        "auth": AUTH,
        "timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 30 },
        "connect_timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 10 },
        "retries": { "type": "integer", "minimum": 0, "maximum": 20, "default": 3 },
        "retry_base_seconds": { "type": "number", "minimum": 0, "default": 0.2 },
        "retry_max_seconds": { "type": "number", "minimum": 0, "default": 30 },
        "rate_limit_per_second": { "type": "number", "exclusiveMinimum": 0 },
        "max_concurrency": { "type": "integer", "minimum": 1, "maximum": 64, "default": 1 },
        "verify_tls": { "type": "boolean", "default": true },
        "ca_bundle": { "type": "string", "format": "path", "description": "PEM file of CA certificates to trust." }
      },
      "required": ["base_url", "streams"],
      "additionalProperties": false
    }
    """#.replacingAll("AUTH", with: HTTPAuth.schema)
}
