import CProcessControl

/// How an entry worker's C heap treats freed memory.
enum WorkerMemory {
    /// Keeps freed blocks in the process for the next batch instead of giving them back to the
    /// kernel. A load allocates and frees its batch buffers (megabytes each) over and over, and
    /// glibc by default serves such blocks with fresh mappings and trims freed heap tops, so
    /// every batch faulted its pages in again, each zeroed by the kernel: about 28,000 page
    /// faults and 0.05-0.08 s of system time per million census rows into PostgreSQL, against
    /// 5,400 faults with these settings (measured with /usr/bin/time %R, peak RSS within
    /// 1.5 MiB). A worker runs one entry and exits, so what it keeps is no other entry's loss.
    static func keepFreedBlocksForReuse() {
        // 32 MiB: glibc's own ceiling for the threshold it adapts by itself.
        _ = etl_malloc_keep_freed(32 << 20, 64 << 20)
    }
}
