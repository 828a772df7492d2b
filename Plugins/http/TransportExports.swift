// The libcurl client layer lives in ETLTransport (shared with the csv plugin's remote files);
// re-exporting it keeps every file of this plugin compiling without its own import.
@_exported import ETLTransport
