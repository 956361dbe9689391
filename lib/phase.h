/* phase.h: wall time, user CPU and peak memory of a command's phases, written where RECEVAL_PHASES names a file (bench/big.sh). */
#ifndef PHASE_H
#define PHASE_H

/*
 * phase_end(name) closes the phase that began at the previous call (or at
 * the first call to phase_begin()) and, when the environment variable
 * RECEVAL_PHASES names a file, appends one line to it:
 *   NAME WALL_S USER_CPU_S PEAK_RSS_MIB
 * (peak RSS is the process's high-water mark so far). Without the
 * variable nothing is measured or written. Call from one thread. A
 * phase may end several times (once per task): readers add them up.
 */
void phase_begin(void);
void phase_end(const char *name);

#endif
