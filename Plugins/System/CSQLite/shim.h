/* The system SQLite (libsqlite3-dev). The runtime's state database and the sqlite
 * plugin must link this same library: two copies of SQLite in one process break POSIX
 * locks on a shared database file. */
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import. */
static inline void (*etl_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
static inline void (*etl_sqlite_static(void))(void *) { return SQLITE_STATIC; }

/* sqlite3_config is variadic. Turning off memory statistics saves a global mutex per
 * allocation (~3% of a bulk insert); it must run before SQLite is first used, so the
 * runtime calls it at start-up for the whole process. */
static inline int etl_sqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
