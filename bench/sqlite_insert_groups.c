/*
 * sqlite_insert_groups.c — why the sqlite sink inserts rows in groups.
 *
 * Inserts the same 1,000,000 rows (the http bench's six columns: an integer, four short
 * texts, a double) into a fresh WAL database in one transaction, once per group size: a
 * prepared `INSERT ... VALUES (...)` stepped per row (k = 1), and `VALUES (...), (...)`
 * with k rows per step. Prints seconds per group size and the ratio to k = 1.
 *
 * Build and run (make bench does both):
 *   cc -O2 bench/sqlite_insert_groups.c -lsqlite3 -o sqlite_insert_groups
 *   ./sqlite_insert_groups /tmp/groups.db
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROWS 1000000
#define COLUMNS 6

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static int fail(sqlite3* db, const char* what) {
  fprintf(stderr, "sqlite_insert_groups: %s: %s\n", what, sqlite3_errmsg(db));
  return -1;
}

/* Loads ROWS rows with `group` rows per INSERT step; returns the seconds taken, or -1. */
static double load(const char* path, int group) {
  sqlite3* db;
  sqlite3_stmt* insert;
  char* sql;
  char name[32];
  size_t length = 64 + (size_t)group * 16;
  int row = 0, slot;
  double started;
  remove(path);
  if (sqlite3_open(path, &db) != SQLITE_OK) return fail(db, "open");
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE tasks(id INTEGER, "
                   "name TEXT, status TEXT, updated_at TEXT, assignee TEXT, points REAL)", NULL, NULL, NULL) != SQLITE_OK)
    return fail(db, "create");
  sql = malloc(length);
  strcpy(sql, "INSERT INTO tasks VALUES ");
  for (slot = 0; slot < group; slot++) strcat(sql, slot ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)");
  if (sqlite3_prepare_v2(db, sql, -1, &insert, NULL) != SQLITE_OK) return fail(db, "prepare");
  free(sql);
  started = seconds_now();
  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
  while (row < ROWS) {
    for (slot = 0; slot < group; slot++, row++) {
      int base = slot * COLUMNS;
      snprintf(name, sizeof name, "Task %d", row);
      sqlite3_bind_int64(insert, base + 1, row);
      sqlite3_bind_text(insert, base + 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, base + 3, "open", 4, SQLITE_STATIC);
      sqlite3_bind_text(insert, base + 4, "2024-01-01T00:00:00Z", 20, SQLITE_STATIC);
      sqlite3_bind_text(insert, base + 5, "bob", 3, SQLITE_STATIC);
      sqlite3_bind_double(insert, base + 6, row * 0.5);
    }
    if (sqlite3_step(insert) != SQLITE_DONE) return fail(db, "insert");
    sqlite3_reset(insert);
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "commit");
  started = seconds_now() - started;
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return started;
}

int main(int argc, char** argv) {
  static const int groups[] = {1, 4, 16, 32, 64};
  double single = 0;
  size_t i;
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATABASE_PATH (the file is replaced)\n", argv[0]);
    return 64;
  }
  printf("\n1,000,000 rows x 6 columns into SQLite, rows per INSERT step\n");
  for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    double taken = load(argv[1], groups[i]);
    if (taken < 0) return 1;
    if (groups[i] == 1) single = taken;
    printf("%3d rows per step  %6.3f s   %.2fx the time of 1 row per step\n", groups[i], taken, taken / single);
  }
  remove(argv[1]);
  return 0;
}
