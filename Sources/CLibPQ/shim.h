#ifndef SMTPTLS_CLIBPQ_SHIM_H
#define SMTPTLS_CLIBPQ_SHIM_H
// libpq, PostgreSQL's own client library (Debian: libpq-dev): connection strings, PG* variables,
// ~/.pgpass, service files and sslmode behave exactly as they do for psql.
#include <libpq-fe.h>
#endif
