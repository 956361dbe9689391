/* csv.h: writing CSV fields (RFC 4180) for every --format csv. */
#ifndef CSV_H
#define CSV_H

#include <stdio.h>

/* Write s as one CSV field: as it is, or in double quotes (inner quotes doubled) when it holds a comma, quote or line end. */
void csv_field(FILE *f, const char *s);

#endif
