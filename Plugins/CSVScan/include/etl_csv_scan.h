#ifndef ETL_CSV_SCAN_H
#define ETL_CSV_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The csv plugin's record scan: one pass over a record's bytes, 64 at a time, that finds its
// line feed, the fields between its delimiters, whether a quote byte comes first, and whether any
// byte is 0x80 or above. Private to the plugin (not part of the SDK's ABI).

#ifdef __cplusplus
extern "C" {
#endif

// One field of a record (Swift: `FieldSpan`): where its bytes are and whether they came from
// inside quotes. Defined here so the scan writes the fields the plugin reads, with one layout.
typedef struct {
    // The field's first byte (after the opening quote for a quoted field).
    const void *_Nonnull start;
    // Its length in bytes.
    intptr_t count;
    // True for a quoted field: never trimmed, never a null value.
    bool quoted;
} etl_csv_field;

typedef enum {
    // The record ends at `line_end` (a line feed) and holds no quote byte: `field_count`
    // fields were written.
    ETL_CSV_SCAN_SPLIT = 0,
    // A quote byte comes before the first line feed: the record needs the quote rules.
    ETL_CSV_SCAN_QUOTED = 1,
    // No line feed and no quote byte in the `length` bytes given (and `ends_at_length` false).
    ETL_CSV_SCAN_NO_LINE_END = 2,
    // More than `capacity` fields before the line feed (or the end): scan again with more room.
    ETL_CSV_SCAN_FULL = 3,
} etl_csv_scan_status;

typedef struct {
    etl_csv_scan_status status;
    // ETL_CSV_SCAN_SPLIT: nonzero when a byte before the line feed is 0x80 or above.
    int32_t has_high_bytes;
    // ETL_CSV_SCAN_SPLIT: the line feed's offset from `record`.
    int64_t line_end;
    // ETL_CSV_SCAN_SPLIT: the record's length without its line break (a CR before the line
    // feed is not content); 0 for a blank line.
    int64_t content_length;
    // ETL_CSV_SCAN_SPLIT: how many fields were written (the delimiters before the line feed + 1).
    int64_t field_count;
} etl_csv_scan_result;

// Scans `record[0 ..< length]` from its start up to the first line feed (10) or `quote` byte.
// When the line feed comes first, writes the record's fields to `fields` in order: each up to
// the next `delimiter` byte, the last up to the line feed (or a CR just before it), none quoted;
// at most `capacity` of them. `quote` is the quote byte, or -1 when quoting is off. The fields
// point into `record`. `fields` may be written to also when the status is not SPLIT. With
// `ends_at_length`, bytes without a line feed (the last line of a file that has none) end at
// `length` as if a line feed followed them.
//
// Ownership: reads only `record[0 ..< length]` and writes only `fields[0 ..< capacity]`; both
// stay the caller's and are not kept after the call. Thread-safe: no state of its own.
etl_csv_scan_result etl_csv_scan_record(const uint8_t *_Nonnull record, size_t length, uint8_t delimiter, int quote,
                                        bool ends_at_length, etl_csv_field *_Nonnull fields, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
