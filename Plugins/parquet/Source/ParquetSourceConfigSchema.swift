import ETLTransport

/// The JSON Schema of the `parquet` source's config, published in its descriptor; the host
/// validates every config against it (and makes `path` absolute) before `create`.
enum ParquetSourceConfigSchema {
    static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "parquet source",
      "type": "object",
      "properties": {
        "path": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "The Parquet file to read, or a glob such as data/*.parquet (* ? and [...]); matching files are read in byte order of their paths. Relative paths resolve against the manifest's folder. An s3://bucket/key or gs://bucket/key path reads objects (a key pattern such as s3://lake/events/dt=*/*.parquet matches keys segment by segment), by byte ranges: the footer, then only the loaded columns' pages."
        },
        "stream": {
          "type": "string",
          "minLength": 1,
          "description": "The stream name entries use. Default: the file name without its extension (sales.parquet gives sales); for a glob, the text before the first wildcard of the file name without trailing - _ . (part-*.parquet gives part), or the folder's name when that is empty."
        },
        "columns": {
          "type": "array",
          "minItems": 1,
          "uniqueItems": true,
          "items": { "type": "string", "minLength": 1 },
          "description": "Top-level columns to load, in this order; only their column chunks are read. Default: every column, in the file's order."
        },
        "nested": {
          "enum": ["json"],
          "default": "json",
          "description": "How structs, lists, maps and repeated fields load: json, as JSON text in a utf8 column."
        },
        "max_files_per_run": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000000,
          "description": "Reads by new files (cursor_field \"$file\") only: load at most this many new files per run, in byte order of their paths (name files by date to load the oldest first); the others are loaded by the next runs."
        },
        "remote": $REMOTE$
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """#.replacingAll("$REMOTE$", with: ObjectStoreSettings.schema)
}
