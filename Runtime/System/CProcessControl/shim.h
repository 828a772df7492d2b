/* Linux process control that Swift cannot call directly: prctl is variadic. */
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

/* Asks the kernel to send `signal_number` to this process when the thread that started it
 * ends (for a worker: when the run that spawned it dies, even by SIGKILL). 0 on success. */
static inline int etl_set_parent_death_signal(int signal_number) { return prctl(PR_SET_PDEATHSIG, signal_number); }

/* pipe2 is a GNU extension, declared by <unistd.h> only under _GNU_SOURCE. */
int pipe2(int pipefd[2], int flags);

/* A pipe whose two ends are close-on-exec from the start, so a process started by another
 * thread at the same moment cannot inherit them. 0 on success. */
static inline int etl_pipe_cloexec(int ends[2]) { return pipe2(ends, O_CLOEXEC); }

#include <stdio.h>

/* Flushes standard output and says whether everything printed to it was written: 0 if so,
 * -1 if this flush failed (errno says why), -2 if an earlier write failed. Swift 6 cannot
 * name `stdout`, a mutable C global. */
static inline int etl_flush_standard_output(void) {
    if (fflush(stdout) != 0) return -1;
    return ferror(stdout) ? -2 : 0;
}

/* Makes standard output line-buffered: what a plugin prints reaches the pipe the host reads
 * it from line by line, as it prints, not in 4 KiB blocks that a killed process never writes. */
static inline void etl_line_buffer_standard_output(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

#include <malloc.h>

/* glibc's malloc tuning, whose M_* names are in <malloc.h>, which Swift's Glibc module leaves
 * out: blocks up to `mmap_threshold` bytes come from the heap rather than fresh mappings, and
 * up to `trim_threshold` bytes of free heap top stay in the process. 1 when both were taken. */
static inline int etl_malloc_keep_freed(size_t mmap_threshold, size_t trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
}
