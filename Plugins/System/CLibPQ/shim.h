/* The system libpq (libpq-dev), found with pkg-config: the postgres plugin's client library
 * and the tests' direct connection to their throwaway server. */
#include <libpq-fe.h>

/* The PG_DIAG_* field codes are character-constant macros, which Swift does not import. */
static inline int etl_pq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int etl_pq_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int etl_pq_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int etl_pq_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }
