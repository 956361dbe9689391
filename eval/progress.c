/* progress.c: a run's progress on stderr: a bar with task i/n, done/total, rate, ETA and errors on a TTY; plain lines elsewhere. */
#include "eval/run_internal.h"

/* Whether a bar is drawn on the current line of stderr (a message must start on a fresh line). */
static int bar_open;

void progress_break(void)
{
	if (bar_open) {
		/* clear the bar: the next step draws it again below the message */
		fputs("\r\033[K", stderr);
		bar_open = 0;
	}
}

void progress_start(struct progress *p, const char *model, const char *task, size_t task_i, size_t n_tasks,
		    size_t total, int quiet)
{
	memset(p, 0, sizeof(*p));
	p->quiet = quiet;
	p->tty = isatty(2);
	p->model = model;
	p->task = task;
	p->task_i = task_i;
	p->n_tasks = n_tasks;
	p->total = total;
	p->next_line = total / 4 ? total / 4 : 1;
	p->started = now_ms();
	if (!quiet && p->tty && task_i == 1)
		fprintf(stderr, "%s\n", model);
}

/* "1:05", "12:00:03": a duration for the ETA. */
static void add_duration(char *out, size_t size, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, size, "%ld:%02ld", t / 60, t % 60);
}

/* Samples a second, and the seconds left at that rate (-1 before there is a rate). */
static double rate_of(const struct progress *p, double *eta)
{
	double elapsed = (now_ms() - p->started) / 1000, rate = elapsed > 0 ? p->done / elapsed : 0;

	*eta = rate > 0 ? (double)(p->total - p->done) / rate : -1;
	return rate;
}

static size_t errors_of(const struct progress *p)
{
	return p->errors ? *p->errors : 0;
}

static void draw_bar(struct progress *p)
{
	int width = 24, fill = p->total ? (int)(width * p->done / p->total) : width;
	double eta, rate = rate_of(p, &eta);
	char when[32] = "";

	if (eta >= 0 && p->done < p->total)
		add_duration(when, sizeof(when), eta);
	fprintf(stderr, "\r  task %zu/%zu %s [%.*s%*s] %zu/%zu %.1f/s", p->task_i, p->n_tasks, p->task, fill,
		"########################", width - fill, "", p->done, p->total, rate);
	if (*when)
		fprintf(stderr, " ETA %s", when);
	if (errors_of(p))
		fprintf(stderr, " %zu error%s", errors_of(p), errors_of(p) == 1 ? "" : "s");
	fputs("\033[K", stderr);
	bar_open = 1;
	p->drawn = now_ms();
}

void progress_step(struct progress *p)
{
	double eta, rate;

	p->done++;
	if (p->quiet)
		return;
	if (p->tty) {
		/* at most ten frames a second, and always the last */
		if (p->done != p->total && bar_open && now_ms() - p->drawn < 100)
			return;
		draw_bar(p);
		return;
	}
	if (p->done < p->next_line && p->done != p->total)
		return;
	rate = rate_of(p, &eta);
	fprintf(stderr, "%s task %zu/%zu %s: %zu/%zu samples, %.1f/s", p->model, p->task_i, p->n_tasks, p->task,
		p->done, p->total, rate);
	if (eta >= 0 && p->done < p->total)
		fprintf(stderr, ", ETA %.0f s", eta);
	if (errors_of(p))
		fprintf(stderr, ", %zu error%s", errors_of(p), errors_of(p) == 1 ? "" : "s");
	fputc('\n', stderr);
	p->next_line = p->done + (p->total / 4 ? p->total / 4 : 1);
}

void progress_end(struct progress *p)
{
	if (p->quiet || !p->tty)
		return;
	if (p->done || bar_open) {
		if (!bar_open)
			draw_bar(p);
		fprintf(stderr, " %.1fs\n", (now_ms() - p->started) / 1000);
	}
	bar_open = 0;
}
