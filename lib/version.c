/* version.c: the code version compiled in by the Makefile (git describe). */
#include "lib/util.h"

#ifndef RECEVAL_VERSION
#define RECEVAL_VERSION "unknown"
#endif

const char receval_version[] = RECEVAL_VERSION;
