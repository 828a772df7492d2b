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
          "description": "The Parquet file to read, or a glob such as data/*.parquet (* ? and [...]); matching files are read in byte order of their paths. Relative paths resolve against the manifest's folder."
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
        }
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """#
}
