#include "etl_csv_scan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Bit i of each mask stands for byte i of a 64-byte block.
typedef struct {
    uint64_t delimiters;
    uint64_t line_feeds;
    uint64_t quotes;
    uint64_t high;
} block_masks;

#if defined(__SSE2__)
// Four 16-byte compares per kind: a byte compare and a movemask each, where a byte loop takes
// several instructions per byte (x86-64 always has SSE2).
static inline uint64_t movemask16(__m128i bytes, int shift) {
    return (uint64_t)(uint32_t)_mm_movemask_epi8(bytes) << shift;
}

static inline block_masks scan_block(const uint8_t *block, uint8_t delimiter, int quote) {
    const __m128i delimiter_bytes = _mm_set1_epi8((char)delimiter);
    const __m128i line_feed_bytes = _mm_set1_epi8('\n');
    const __m128i quote_bytes = _mm_set1_epi8((char)(quote < 0 ? 0 : quote));
    block_masks masks = {0, 0, 0, 0};
    for (int part = 0; part < 4; part++) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(block + 16 * part));
        masks.delimiters |= movemask16(_mm_cmpeq_epi8(bytes, delimiter_bytes), 16 * part);
        masks.line_feeds |= movemask16(_mm_cmpeq_epi8(bytes, line_feed_bytes), 16 * part);
        if (quote >= 0) masks.quotes |= movemask16(_mm_cmpeq_epi8(bytes, quote_bytes), 16 * part);
        masks.high |= movemask16(bytes, 16 * part);
    }
    return masks;
}
#else
static inline block_masks scan_block(const uint8_t *block, uint8_t delimiter, int quote) {
    block_masks masks = {0, 0, 0, 0};
    for (int index = 0; index < 64; index++) {
        uint64_t bit = (uint64_t)1 << index;
        uint8_t byte = block[index];
        if (byte == delimiter) masks.delimiters |= bit;
        if (byte == '\n') masks.line_feeds |= bit;
        if (quote >= 0 && byte == (uint8_t)quote) masks.quotes |= bit;
        if (byte >= 0x80) masks.high |= bit;
    }
    return masks;
}
#endif

// The record's last field, up to its line end (without a CR just before it), and the result.
static etl_csv_scan_result split_at(const uint8_t *record, size_t line_end, size_t field_start, etl_csv_field *fields,
                                    size_t count, uint64_t high) {
    size_t content_end = line_end > 0 && record[line_end - 1] == '\r' ? line_end - 1 : line_end;
    // `field_start` is never past `content_end` (a delimiter is not a CR).
    fields[count].start = record + field_start;
    fields[count].count = (intptr_t)(content_end - field_start);
    fields[count].quoted = false;
    etl_csv_scan_result result = {ETL_CSV_SCAN_SPLIT, high != 0, (int64_t)line_end, (int64_t)content_end, (int64_t)count + 1};
    return result;
}

etl_csv_scan_result etl_csv_scan_record(const uint8_t *record, size_t length, uint8_t delimiter, int quote,
                                        bool ends_at_length, etl_csv_field *fields, size_t capacity) {
    etl_csv_scan_result result = {ETL_CSV_SCAN_NO_LINE_END, 0, -1, 0, 0};
    size_t count = 0;
    size_t field_start = 0;
    uint64_t high = 0;
    // The last partial block is read from a copy, so no byte past `length` is touched.
    uint8_t tail[64];
    for (size_t at = 0; at < length; at += 64) {
        const uint8_t *block = record + at;
        uint64_t inside = ~(uint64_t)0;
        if (length - at < 64) {
            size_t valid = length - at;
            memset(tail, 0, sizeof tail);
            memcpy(tail, block, valid);
            block = tail;
            inside = ((uint64_t)1 << valid) - 1;
        }
        block_masks masks = scan_block(block, delimiter, quote);
        uint64_t delimiter_bits = masks.delimiters & inside;
        uint64_t stops = (masks.line_feeds | masks.quotes) & inside;
        uint64_t high_bits = masks.high & inside;
        if (stops != 0) {
            uint64_t before = (stops & (~stops + 1)) - 1;
            delimiter_bits &= before;
            high_bits &= before;
        }
        high |= high_bits;
        // Room for every field this block can end, and the record's last one: one test a block,
        // and a count of the block's delimiters only near the end (x86-64 without POPCNT counts
        // bits in about 20 instructions).
        if (capacity - count < 65 && count + (size_t)__builtin_popcountll(delimiter_bits) + 1 > capacity) {
            result.status = ETL_CSV_SCAN_FULL;
            return result;
        }
        while (delimiter_bits != 0) {
            size_t end = at + (size_t)__builtin_ctzll(delimiter_bits);
            fields[count].start = record + field_start;
            fields[count].count = (intptr_t)(end - field_start);
            fields[count].quoted = false;
            count++;
            field_start = end + 1;
            delimiter_bits &= delimiter_bits - 1;
        }
        if (stops != 0) {
            size_t first = (size_t)__builtin_ctzll(stops);
            if ((masks.quotes >> first) & 1) {
                result.status = ETL_CSV_SCAN_QUOTED;
                return result;
            }
            return split_at(record, at + first, field_start, fields, count, high);
        }
    }
    if (!ends_at_length) return result;
    if (count + 1 > capacity) {
        result.status = ETL_CSV_SCAN_FULL;
        return result;
    }
    return split_at(record, length, field_start, fields, count, high);
}
