/* phase.c: per-phase wall time, user CPU and peak memory for benchmarks (phase.h). */
#include <sys/resource.h>
#include <sys/time.h>
#include "lib/phase.h"
#include "lib/util.h"

static int phase_on = -1;
static double phase_wall, phase_cpu;

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(struct rusage *ru)
{
	getrusage(RUSAGE_SELF, ru);
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6;
}

void phase_begin(void)
{
	struct rusage ru;

	if (phase_on < 0)
		phase_on = getenv("RECEVAL_PHASES") && *getenv("RECEVAL_PHASES");
	if (!phase_on)
		return;
	phase_wall = wall_now();
	phase_cpu = cpu_now(&ru);
}

void phase_end(const char *name)
{
	struct rusage ru;
	double w, c;
	FILE *f;

	if (phase_on < 0)
		phase_begin();
	if (!phase_on)
		return;
	w = wall_now();
	c = cpu_now(&ru);
	f = fopen(getenv("RECEVAL_PHASES"), "a");
	if (f) {
		fprintf(f, "%s %.3f %.3f %.1f\n", name, w - phase_wall, c - phase_cpu, (double)ru.ru_maxrss / 1024);
		fclose(f);
	}
	phase_wall = w;
	phase_cpu = c;
}
