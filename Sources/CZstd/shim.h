#ifndef SMTPTLS_CZSTD_SHIM_H
#define SMTPTLS_CZSTD_SHIM_H
#include <zstd.h>
#endif
