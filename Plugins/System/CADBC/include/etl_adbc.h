/*
 * The part of ADBC (Arrow Database Connectivity) the `adbc` plugin uses, declared from the
 * specification: arrow-adbc's c/include/arrow-adbc/adbc.h, API revision 1.1.0 (ADBC_VERSION_1_1_0,
 * with the 1.0.0 fallback). Not a copy of that header: only the structs, status codes and option
 * names the plugin calls, with the driver's function table laid out exactly as the spec orders it
 * (the entries we never call are kept as opaque pointer slots so every offset matches).
 *
 * The Arrow C Data and Stream Interface structs come from etl_plugin.h, guarded by the standard
 * ARROW_C_DATA_INTERFACE / ARROW_C_STREAM_INTERFACE macros, so there is one definition of each.
 */
#ifndef ETL_ADBC_H
#define ETL_ADBC_H

#include <stddef.h>
#include <stdint.h>

#include "etl_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint8_t AdbcStatusCode;

#define ADBC_STATUS_OK 0
#define ADBC_STATUS_UNKNOWN 1
#define ADBC_STATUS_NOT_IMPLEMENTED 2
#define ADBC_STATUS_NOT_FOUND 3
#define ADBC_STATUS_ALREADY_EXISTS 4
#define ADBC_STATUS_INVALID_ARGUMENT 5
#define ADBC_STATUS_INVALID_STATE 6
#define ADBC_STATUS_INVALID_DATA 7
#define ADBC_STATUS_INTEGRITY 8
#define ADBC_STATUS_INTERNAL 9
#define ADBC_STATUS_IO 10
#define ADBC_STATUS_CANCELLED 11
#define ADBC_STATUS_TIMEOUT 12
#define ADBC_STATUS_UNAUTHENTICATED 13
#define ADBC_STATUS_UNAUTHORIZED 14

/* Versions passed to the driver's init function. */
#define ADBC_VERSION_1_0_0 1000000
#define ADBC_VERSION_1_1_0 1001000

/*
 * An error a driver returns. The caller zeroes it; with vendor_code left at 0 (not
 * ADBC_ERROR_VENDOR_CODE_PRIVATE_DATA) a driver writes only the 1.0.0 fields, which is all we read.
 * The 1.1.0 fields are declared so the struct has the size the spec gives it.
 */
struct AdbcError {
    char *message;
    int32_t vendor_code;
    char sqlstate[5];
    void (*release)(struct AdbcError *error);
    void *private_data;            /* 1.1.0 */
    struct AdbcDriver *private_driver; /* 1.1.0 */
};

struct AdbcDatabase {
    void *private_data;
    struct AdbcDriver *private_driver;
};

struct AdbcConnection {
    void *private_data;
    struct AdbcDriver *private_driver;
};

struct AdbcStatement {
    void *private_data;
    struct AdbcDriver *private_driver;
};

/* A slot of the function table the plugin never calls. */
typedef void (*AdbcUnusedFunction)(void);

/* The driver's function table, filled by its init function (revision 1.0.0 part, then 1.1.0). */
struct AdbcDriver {
    void *private_data;
    void *private_manager;
    AdbcStatusCode (*release)(struct AdbcDriver *driver, struct AdbcError *error);

    AdbcStatusCode (*DatabaseInit)(struct AdbcDatabase *, struct AdbcError *);
    AdbcStatusCode (*DatabaseNew)(struct AdbcDatabase *, struct AdbcError *);
    AdbcStatusCode (*DatabaseSetOption)(struct AdbcDatabase *, const char *, const char *, struct AdbcError *);
    AdbcStatusCode (*DatabaseRelease)(struct AdbcDatabase *, struct AdbcError *);

    AdbcStatusCode (*ConnectionCommit)(struct AdbcConnection *, struct AdbcError *);
    AdbcUnusedFunction ConnectionGetInfo;
    AdbcUnusedFunction ConnectionGetObjects;
    AdbcUnusedFunction ConnectionGetTableSchema;
    AdbcUnusedFunction ConnectionGetTableTypes;
    AdbcStatusCode (*ConnectionInit)(struct AdbcConnection *, struct AdbcDatabase *, struct AdbcError *);
    AdbcStatusCode (*ConnectionNew)(struct AdbcConnection *, struct AdbcError *);
    AdbcStatusCode (*ConnectionSetOption)(struct AdbcConnection *, const char *, const char *, struct AdbcError *);
    AdbcUnusedFunction ConnectionReadPartition;
    AdbcStatusCode (*ConnectionRelease)(struct AdbcConnection *, struct AdbcError *);
    AdbcStatusCode (*ConnectionRollback)(struct AdbcConnection *, struct AdbcError *);

    AdbcStatusCode (*StatementBind)(struct AdbcStatement *, struct ArrowArray *, struct ArrowSchema *, struct AdbcError *);
    AdbcStatusCode (*StatementBindStream)(struct AdbcStatement *, struct ArrowArrayStream *, struct AdbcError *);
    AdbcStatusCode (*StatementExecuteQuery)(struct AdbcStatement *, struct ArrowArrayStream *, int64_t *, struct AdbcError *);
    AdbcUnusedFunction StatementExecutePartitions;
    AdbcUnusedFunction StatementGetParameterSchema;
    AdbcStatusCode (*StatementNew)(struct AdbcConnection *, struct AdbcStatement *, struct AdbcError *);
    AdbcStatusCode (*StatementPrepare)(struct AdbcStatement *, struct AdbcError *);
    AdbcStatusCode (*StatementRelease)(struct AdbcStatement *, struct AdbcError *);
    AdbcStatusCode (*StatementSetOption)(struct AdbcStatement *, const char *, const char *, struct AdbcError *);
    AdbcStatusCode (*StatementSetSqlQuery)(struct AdbcStatement *, const char *, struct AdbcError *);
    AdbcUnusedFunction StatementSetSubstraitPlan;

    /* Revision 1.1.0 (29 entries): error details, typed options, cancellation and statistics,
     * which the plugin does not call, then StatementExecuteSchema, then more typed options. */
    AdbcUnusedFunction revision_1_1_0_first[21];
    AdbcStatusCode (*StatementExecuteSchema)(struct AdbcStatement *, struct ArrowSchema *, struct AdbcError *);
    AdbcUnusedFunction revision_1_1_0_last[7];
};

/* The size of the table a driver fills for each revision (the spec's ADBC_DRIVER_*_SIZE). */
#define ETL_ADBC_DRIVER_1_0_0_SIZE (offsetof(struct AdbcDriver, revision_1_1_0_first))
#define ETL_ADBC_DRIVER_1_1_0_SIZE (sizeof(struct AdbcDriver))

/* AdbcDriverInitFunc: the entry point a driver library exports. */
typedef AdbcStatusCode (*AdbcDriverInitFunc)(int version, void *driver, struct AdbcError *error);

/* Option names and values (spec: "Standard options"). */
#define ADBC_OPTION_VALUE_ENABLED "true"
#define ADBC_OPTION_VALUE_DISABLED "false"
#define ADBC_CONNECTION_OPTION_AUTOCOMMIT "adbc.connection.autocommit"
#define ADBC_INGEST_OPTION_TARGET_TABLE "adbc.ingest.target_table"
#define ADBC_INGEST_OPTION_MODE "adbc.ingest.mode"
#define ADBC_INGEST_OPTION_MODE_CREATE "adbc.ingest.mode.create"
#define ADBC_INGEST_OPTION_MODE_APPEND "adbc.ingest.mode.append"
#define ADBC_INGEST_OPTION_MODE_REPLACE "adbc.ingest.mode.replace"
#define ADBC_INGEST_OPTION_MODE_CREATE_APPEND "adbc.ingest.mode.create_append"
#define ADBC_INGEST_OPTION_TARGET_DB_SCHEMA "adbc.ingest.target_db_schema"

#ifdef __cplusplus
}
#endif

#endif /* ETL_ADBC_H */
