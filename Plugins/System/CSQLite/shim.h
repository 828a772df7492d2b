/* The system SQLite (libsqlite3-dev). The runtime's state database and the sqlite
 * plugin must link this same library: two copies of SQLite in one process break POSIX
 * locks on a shared database file. */
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import. */
static inline void (*etl_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
static inline void (*etl_sqlite_static(void))(void *) { return SQLITE_STATIC; }
