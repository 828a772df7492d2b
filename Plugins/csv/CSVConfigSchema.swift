import ETLTransport

/// The JSON Schema of the `csv` source's config, published in its descriptor; the host
/// validates every config against it (and makes `path` absolute) before `create`.
enum CSVConfigSchema {
    static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "csv source",
      "type": "object",
      "properties": {
        "path": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "The file to read, or a glob such as data/*.csv (* ? and [...] in the last parts of the path); matching files are read in byte order of their paths. Relative paths resolve against the manifest's folder. May be a URL (https://, sftp://) or an object-store path (s3://bucket/prefix/*.csv, gs://bucket/prefix/*.csv): see remote."
        },
        "stream": {
          "type": "string",
          "minLength": 1,
          "description": "The stream name entries use. Default: the file name without its extension (adult.data gives adult); for a glob, the text before the first wildcard of the file name without extension and trailing - _ . (orders-*.csv gives orders), or the folder's name when that is empty."
        },
        "header": {
          "type": "boolean",
          "default": true,
          "description": "Whether the first line of each file names the columns. With columns declared, columns are matched to the header by name: a declared column missing from the header is an error; header columns not declared load as nullable text. Without columns, types are inferred (see infer_rows). With header false, columns is required and lists every field in order."
        },
        "columns": {
          "type": "array",
          "minItems": 1,
          "description": "Column names and types, e.g. [{\"name\": \"age\", \"type\": \"int64\"}].",
          "items": {
            "type": "object",
            "properties": {
              "name": { "type": "string", "minLength": 1, "description": "Column name (as the header writes it, when there is one)." },
              "type": {
                "enum": ["int64", "double", "bool", "text", "timestamp", "date"],
                "description": "int64; double; bool (true/false, t/f, yes/no, y/n, 1/0, any case); text; timestamp (ISO 8601 by default, no offset = UTC; loads as microseconds UTC); date (%Y-%m-%d by default)."
              },
              "format": {
                "type": "string",
                "minLength": 1,
                "description": "For timestamp and date: a strftime-style pattern such as %d/%m/%Y %H:%M:%S (directives %Y %y %m %d %e %H %I %p %M %S %f %z %b %B %s %F %T %%)."
              },
              "nullable": {
                "type": "boolean",
                "default": true,
                "description": "When false, a value listed in null_values rejects the row instead of loading null."
              }
            },
            "required": ["name", "type"],
            "additionalProperties": false
          }
        },
        "columns_from": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "A JSON file listing the columns, as columns does: [{\"name\": \"id\", \"type\": \"int64\"}, ...] (format and nullable too). Relative paths resolve against the manifest's folder. Not with columns."
        },
        "infer_rows": {
          "type": "integer",
          "minimum": 0,
          "maximum": 10000000,
          "default": 1000,
          "description": "With a header and no columns declared: how many records of the first file are sampled to infer each column's type (bool for true/false, int64, double, date %Y-%m-%d, ISO timestamp, else text; null_values and the number separators apply). discover prints the types inferred. 0: every column is text."
        },
        "delimiter": {
          "type": "string",
          "minLength": 1,
          "maxLength": 1,
          "default": ",",
          "description": "The field separator: one ASCII character, e.g. \",\", \";\", \"|\" or \"\\t\"."
        },
        "quote": {
          "type": "string",
          "maxLength": 1,
          "default": "\"",
          "description": "The quote character (RFC 4180: a quoted field may hold delimiters, line breaks and doubled quotes). An empty string turns quoting off."
        },
        "comment": {
          "type": "string",
          "minLength": 1,
          "description": "Lines starting with this prefix (e.g. \"#\") are skipped wherever a record would start, before and after the header; they are never rejected."
        },
        "skip_rows": {
          "type": "integer",
          "minimum": 0,
          "maximum": 1000000,
          "default": 0,
          "description": "Physical lines skipped as they are at the start of each file, before the header (a title or a notice line). Line numbers in rejects and errors still count them."
        },
        "encoding": {
          "enum": ["utf-8", "utf8", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "windows-1252", "cp1252", "utf-16", "utf16", "utf-16le", "utf16le", "utf-16be", "utf16be"],
          "default": "utf-8",
          "description": "The files' character encoding; values load as UTF-8. utf-8: a byte that is not UTF-8 fails the read once, naming the file, line and byte. latin-1 (ISO-8859-1) and windows-1252: every byte is a character, transcoded as values load; offsets in the resume state stay offsets of the original file. utf-16 (byte order from the byte order mark the file must start with), utf-16le, utf-16be: transcoded to UTF-8 as a stream before parsing; incremental reads take such a file whole, as compressed files."
        },
        "compression": {
          "enum": ["auto", "none", "gzip", "zip"],
          "default": "auto",
          "description": "How the files are compressed. auto: by the name (.gz or .gzip: gzip, several concatenated members allowed; .zip: zip), else none. Compressed files are decompressed as they are read (bounded memory). An incremental read takes a compressed file whole: read to its end, it is skipped until its bytes change, then read again from its first line."
        },
        "zip_member": {
          "type": "string",
          "minLength": 1,
          "description": "The member of a .zip archive to read, by its full name in the archive. Default: the archive's only file (an error names the members when there are several). Stored and deflate members only; encrypted members and zip64 archives are refused."
        },
        "decimal_separator": {
          "enum": [".", ","],
          "default": ".",
          "description": "The decimal separator of double values (and of inferred types). With \",\", a value holding a \".\" is rejected unless \".\" is the thousands_separator: 1.5 is never guessed."
        },
        "thousands_separator": {
          "enum": [".", ",", " ", "'", "_"],
          "description": "A separator between groups of digits in int64 and double values, dropped before parsing: with decimal_separator \",\" and thousands_separator \".\", 1.234,56 loads as 1234.56. Default: none."
        },
        "escape": {
          "type": "string",
          "maxLength": 1,
          "default": "",
          "description": "An escape character inside quoted fields, e.g. \"\\\": the character after it is literal (\\\" is a quote, \\\\ a backslash). Doubled quotes still work. Empty (default): quotes are only doubled. Outside quotes it is ordinary text."
        },
        "null_values": {
          "type": "array",
          "items": { "type": "string" },
          "default": [""],
          "description": "Unquoted values (after trimming, when trim is on) that load as null, e.g. [\"?\", \"\"]. A quoted value is never null. Matched in the file's encoding: a value with a character the encoding cannot write is refused."
        },
        "trim": {
          "type": "boolean",
          "default": false,
          "description": "Ignore ASCII spaces and tabs around fields (the census file has a space after every comma). Quoted values keep their inner spaces."
        },
        "max_line_bytes": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1073741824,
          "default": 1048576,
          "description": "A record longer than this (in bytes, without its line break) is rejected and skipped."
        },
        "last_line_quiet_seconds": {
          "type": "integer",
          "minimum": 0,
          "default": 10,
          "description": "Incremental reads only: a last line without a line break may still be being written, so it is loaded only once the file has not been modified for this many seconds. Full reads always load it."
        },
        "max_files_per_run": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000000,
          "description": "Incremental reads only: read at most this many files that have something new per run, in byte order of their paths (name files by date to read the oldest first); the others are read by the next runs. A full read with this key is an error."
        },
        "remote": {
          "type": "object",
          "description": "For a path that is a URL: https://host/data/file.csv or http://... (one file), sftp://host:22/data/file.csv or sftp://host/data/*.csv (a glob in the last segment, listed on the server), s3://bucket/prefix/*.csv or gs://bucket/prefix/*.csv (one object, or a glob over the object names under one prefix). Files are streamed, never copied; incremental reads resume by byte range, and skip objects whose ETag and size did not change. Secrets come from environment variables (or the manifest's .env), ~/.aws/credentials profiles or a service-account key file only. Keys for http(s)/sftp (auth, sftp) and for s3/gs (endpoint, region, profile, path_style, credentials_file) are errors with the other kind of path.",
          "properties": {
            "auth": $AUTH_SCHEMA$,
            "sftp": {
              "type": "object",
              "description": "sftp login: username_env, and password_env or private_key_path (+ passphrase_env); the host key is checked against known_hosts_path unless insecure_skip_host_key_check is true.",
              "properties": {
                "username_env": { "type": "string", "minLength": 1 },
                "password_env": { "type": "string", "minLength": 1 },
                "private_key_path": { "type": "string", "format": "path", "minLength": 1 },
                "passphrase_env": { "type": "string", "minLength": 1 },
                "known_hosts_path": { "type": "string", "format": "path", "minLength": 1 },
                "insecure_skip_host_key_check": { "type": "boolean", "default": false }
              },
              "required": ["username_env"],
              "additionalProperties": false
            },
            "timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 30, "description": "The longest stall (no byte received) before an attempt fails." },
            "connect_timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 10 },
            "retries": { "type": "integer", "minimum": 0, "maximum": 20, "default": 3, "description": "Extra attempts on connection errors, stalls, 408, 429 and 5xx; a transfer cut after bytes arrived resumes with a byte range." },
            "retry_base_seconds": { "type": "number", "minimum": 0, "default": 0.2 },
            "retry_max_seconds": { "type": "number", "minimum": 0, "default": 30 },
            "verify_tls": { "type": "boolean", "default": true },
            "ca_bundle": { "type": "string", "format": "path", "minLength": 1 },
            $OBJECT_STORE_PROPERTIES$
          },
          "additionalProperties": false
        }
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """#.replacingAll("$AUTH_SCHEMA$", with: HTTPAuth.schema)
        .replacingAll("$OBJECT_STORE_PROPERTIES$", with: ObjectStoreSettings.schemaProperties)
}
