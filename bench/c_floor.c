/* The floor: a single-threaded C loop over the system SQLite doing the census load with
 * nothing else — mmap the file, split on commas, trim, '?' → NULL, bind typed values,
 * one transaction, WAL. etl-runtime does more (rejects, checkpoints, plugins, Arrow);
 * the bench reports how close it comes. Build: cc -O2 c_floor.c -lsqlite3 -o c_floor */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const int is_int[15] = {1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0};

int main(int argc, char** argv) {
  if (argc != 3) { fprintf(stderr, "usage: c_floor CSV DB\n"); return 64; }
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 1; }
  const char* data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) { perror("mmap"); return 1; }
  sqlite3* db;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; DROP TABLE IF EXISTS adult;"
               "CREATE TABLE adult(age INTEGER, workclass TEXT, fnlwgt INTEGER, education TEXT, education_num INTEGER,"
               " marital_status TEXT, occupation TEXT, relationship TEXT, race TEXT, sex TEXT, capital_gain INTEGER,"
               " capital_loss INTEGER, hours_per_week INTEGER, native_country TEXT, income TEXT); BEGIN;",
               NULL, NULL, NULL);
  sqlite3_stmt* insert;
  sqlite3_prepare_v2(db, "INSERT INTO adult VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, NULL);
  const char* p = data;
  const char* end = data + st.st_size;
  long rows = 0;
  while (p < end) {
    const char* eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (eol == p) { p = eol + 1; continue; }
    const char* field = p;
    for (int column = 0; column < 15; column++) {
      const char* stop = memchr(field, ',', (size_t)(eol - field));
      if (!stop) stop = eol;
      const char* a = field;
      const char* b = stop;
      while (a < b && *a == ' ') a++;
      while (b > a && (b[-1] == ' ' || b[-1] == '\r')) b--;
      if (b - a == 1 && *a == '?') sqlite3_bind_null(insert, column + 1);
      else if (is_int[column]) sqlite3_bind_int64(insert, column + 1, strtoll(a, NULL, 10));
      else sqlite3_bind_text(insert, column + 1, a, (int)(b - a), SQLITE_STATIC);
      field = stop + 1;
    }
    if (sqlite3_step(insert) != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
    sqlite3_reset(insert);
    rows++;
    p = eol + 1;
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
  sqlite3_close(db);
  printf("%ld rows\n", rows);
  return 0;
}
