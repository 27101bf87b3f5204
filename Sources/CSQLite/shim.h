#ifndef SMTPTLS_CSQLITE_SHIM_H
#define SMTPTLS_CSQLITE_SHIM_H
#include <sqlite3.h>
/// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bound bytes.
static inline sqlite3_destructor_type smtptls_sqlite_transient(void) { return SQLITE_TRANSIENT; }
/// SQLITE_STATIC: SQLite uses the bytes in place; the caller keeps them alive and unchanged until
/// the statement is reset or rebound (Store/ParameterRow.swift).
static inline sqlite3_destructor_type smtptls_sqlite_static(void) { return SQLITE_STATIC; }
/// A zero-length text that is not NULL (binding a NULL pointer would store SQL NULL).
static inline const char *smtptls_empty_text(void) { return ""; }
#endif
