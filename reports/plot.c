/* plot.c: the gnuplot driver: writes a script (data inline, as datablocks) to a temporary file, runs gnuplot on it, reads the chart back. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "lib/utf8.h"
#include "reports/plot.h"

/* Okabe & Ito's colour-blind safe palette, yellow last (faint on white). */
static const char *const palette[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
};

const char *plot_color(unsigned i)
{
	return palette[i % ARRAY_SIZE(palette)];
}

const char *plot_program(void)
{
	const char *p = getenv("RECEVAL_GNUPLOT");

	return p && *p ? p : "gnuplot";
}

#define GP_MAX_CHARS 120

/*
 * s as a gnuplot single-quoted string: the only escape there is '' for a
 * quote. Line ends would end the command and other control characters or
 * invalid UTF-8 would end up in the SVG, so they become spaces and '?'.
 */
static void gp_quote(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	size_t chars = 0, n;

	strbuf_addch(sb, '\'');
	while (*p) {
		if (++chars > GP_MAX_CHARS) {
			strbuf_addstr(sb, "\xe2\x80\xa6");  /* an ellipsis */
			break;
		}
		n = utf8_len((const char *)p, (size_t)(end - p));
		if (!n) {
			strbuf_addch(sb, '?');
			p++;
		} else if (*p == '\'') {
			strbuf_addstr(sb, "''");
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_addch(sb, ' ');
			p++;
		} else {
			strbuf_add(sb, p, n);
			p += n;
		}
	}
	strbuf_addch(sb, '\'');
}

static unsigned color_int(const char *hex)
{
	return (unsigned)strtoul(hex + 1, NULL, 16);
}

/* The base font size: 11 points at the default size, growing (slowly) with larger charts. */
static double font_size(const struct plot *p)
{
	double w = p->width ? p->width : 600, h = p->height ? p->height : 380;
	double scale = w / 600 < h / 380 ? w / 600 : h / 380;

	return scale > 1 ? 11 * sqrt(scale) : 11;
}

static void add_common(struct strbuf *sb, const struct plot *p, enum plot_format fmt, const char *output)
{
	unsigned w = p->width ? p->width : 600, h = p->height ? p->height : 380;
	double fs = font_size(p);

	if (fmt == PLOT_SVG) {
		strbuf_addf(sb, "set terminal svg size %u,%u noenhanced font 'sans,%.1f' background '#ffffff'\n", w, h, fs);
	} else {
		strbuf_addf(sb, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
				"  set terminal pngcairo size %u,%u noenhanced font 'sans,%.1f' background '#ffffff'\n"
				"} else {\n"
				"  set terminal png size %u,%u noenhanced background '#ffffff'\n"
				"}\n", w, h, fs, w, h);
	}
	strbuf_addstr(sb, "set encoding utf8\nset output ");
	gp_quote(sb, output);
	strbuf_addch(sb, '\n');
	if (p->title) {
		strbuf_addstr(sb, "set title ");
		gp_quote(sb, p->title);
		strbuf_addf(sb, " font ',%.1f'\n", fs * 12 / 11);
	}
	if (p->xlabel) {
		strbuf_addstr(sb, "set xlabel ");
		gp_quote(sb, p->xlabel);
		strbuf_addch(sb, '\n');
	}
	if (p->ylabel) {
		strbuf_addstr(sb, "set ylabel ");
		gp_quote(sb, p->ylabel);
		strbuf_addch(sb, '\n');
	}
	strbuf_addstr(sb, "set border 3 lc rgb '#666666'\n"
			  "set tics nomirror out\n"
			  "set grid ytics lc rgb '#e3e3e3' lw 1 dt 1\n"
			  "set key below horizontal samplen 2 spacing 1.2\n");
	if (p->y_from_zero)
		strbuf_addstr(sb, "set yrange [0:*]\n");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double value_or(const double *v, size_t i, double fallback)
{
	return v && isfinite(v[i]) ? v[i] : fallback;
}

/* The lines chart's script after the common settings; the number of points drawn. */
static size_t add_lines(struct strbuf *sb, const struct plot *p)
{
	double *xs = NULL;
	size_t n_xs = 0, alloc = 0, points = 0, s, i, first = 1;

	for (s = 0; s < p->n_series; s++)
		for (i = 0; i < p->series[s].n; i++)
			if (isfinite(p->series[s].x[i]) && isfinite(p->series[s].y[i])) {
				ALLOC_GROW(xs, n_xs + 1, alloc);
				xs[n_xs++] = p->series[s].x[i];
			}
	if (!n_xs)
		return 0;
	qsort(xs, n_xs, sizeof(*xs), cmp_double);
	/* the cutoffs themselves as tics; a log axis when they span a decade (k = 1, 5, 10, 20) */
	strbuf_addstr(sb, "set xtics (");
	for (i = 0; i < n_xs; i++) {
		if (i && xs[i] == xs[i - 1])
			continue;
		strbuf_addf(sb, "%s%.17g", i ? ", " : "", xs[i]);
	}
	strbuf_addstr(sb, ")\n");
	if (xs[0] > 0 && xs[n_xs - 1] / xs[0] >= 8)
		strbuf_addf(sb, "set logscale x\nset xrange [%.17g:%.17g]\n", xs[0] / 1.25, xs[n_xs - 1] * 1.25);
	else if (xs[0] == xs[n_xs - 1])
		strbuf_addf(sb, "set xrange [%.17g:%.17g]\n", xs[0] - 1, xs[0] + 1);
	else
		strbuf_addf(sb, "set xrange [%.17g:%.17g]\n", xs[0] - (xs[n_xs - 1] - xs[0]) * 0.05,
			    xs[n_xs - 1] + (xs[n_xs - 1] - xs[0]) * 0.05);
	free(xs);

	for (s = 0; s < p->n_series; s++) {
		const struct plot_series *ser = &p->series[s];

		strbuf_addf(sb, "$s%zu << EOD\n", s);
		for (i = 0; i < ser->n; i++) {
			double x = ser->x[i], y = ser->y[i];
			if (!isfinite(x) || !isfinite(y))
				continue;
			strbuf_addf(sb, "%.17g %.17g %.17g %.17g\n", x, y, value_or(ser->lo, i, y),
				    value_or(ser->hi, i, y));
			points++;
		}
		strbuf_addstr(sb, "EOD\n");
	}
	strbuf_addstr(sb, "plot ");
	/* the bands first, so that every line is drawn over them */
	for (s = 0; s < p->n_series; s++) {
		if (!p->series[s].lo || !p->series[s].hi)
			continue;
		strbuf_addf(sb, "%s$s%zu using 1:3:4 with filledcurves fs transparent solid 0.12 noborder"
			    " lc rgb '%s' notitle", first ? "" : ", \\\n     ", s, plot_color(p->series[s].color));
		first = 0;
	}
	for (s = 0; s < p->n_series; s++) {
		strbuf_addf(sb, "%s$s%zu using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc rgb '%s' title ",
			    first ? "" : ", \\\n     ", s, plot_color(p->series[s].color));
		gp_quote(sb, p->series[s].name);
		first = 0;
	}
	strbuf_addch(sb, '\n');
	return points;
}

/* The bar chart's script after the common settings; the number of bars drawn. */
static size_t add_bars(struct strbuf *sb, const struct plot *p)
{
	size_t c, s, bars = 0, longest = 0, first = 1;
	double bw = 0.8 / (double)(p->n_series ? p->n_series : 1);
	int labels;

	if (!p->n_categories || !p->n_series)
		return 0;
	for (c = 0; c < p->n_categories; c++)
		if (strlen(p->categories[c]) > longest)
			longest = strlen(p->categories[c]);
	strbuf_addf(sb, "set xrange [-0.6:%.17g]\nset boxwidth %.17g absolute\n"
			"set style fill solid 0.85 noborder\nset xtics scale 0", (double)p->n_categories - 0.4, bw);
	if (longest * p->n_categories > 60)
		strbuf_addstr(sb, " rotate by -25 left");
	strbuf_addstr(sb, "\nset xtics (");
	for (c = 0; c < p->n_categories; c++) {
		strbuf_addstr(sb, c ? ", " : "");
		gp_quote(sb, p->categories[c]);
		strbuf_addf(sb, " %zu", c);
	}
	strbuf_addstr(sb, ")\n");
	if (p->n_series == 1 && p->colors)
		strbuf_addstr(sb, "unset key\n");
	labels = p->n_series * p->n_categories <= 16;

	for (s = 0; s < p->n_series; s++) {
		const struct plot_series *ser = &p->series[s];

		strbuf_addf(sb, "$b%zu << EOD\n", s);
		for (c = 0; c < p->n_categories && c < ser->n; c++) {
			double x = (double)c - 0.4 + bw * ((double)s + 0.5), y = ser->y[c];
			unsigned col = color_int(plot_color(p->n_series == 1 && p->colors ? p->colors[c] : ser->color));
			if (!isfinite(y))
				continue;
			strbuf_addf(sb, "%.17g %.17g %.17g %.17g %u\n", x, y, value_or(ser->lo, c, y),
				    value_or(ser->hi, c, y), col);
			bars++;
		}
		strbuf_addstr(sb, "EOD\n");
	}
	strbuf_addstr(sb, "plot ");
	for (s = 0; s < p->n_series; s++) {
		strbuf_addf(sb, "%s$b%zu using 1:2:5 with boxes lc rgb variable title ", first ? "" : ", \\\n     ", s);
		gp_quote(sb, p->series[s].name);
		/* whiskers: a vertical line and two caps (yerrorbars would put a white dot on the bar) */
		strbuf_addf(sb, ", \\\n     $b%zu using 1:($4>$3?$3:NaN):(0):($4-$3) with vectors nohead lc rgb '#222222' lw 1.2 notitle", s);
		strbuf_addf(sb, ", \\\n     $b%zu using ($1-%.17g):($4>$3?$3:NaN):(%.17g):(0) with vectors nohead lc rgb '#222222' lw 1.2 notitle",
			    s, bw * 0.12, bw * 0.24);
		strbuf_addf(sb, ", \\\n     $b%zu using ($1-%.17g):($4>$3?$4:NaN):(%.17g):(0) with vectors nohead lc rgb '#222222' lw 1.2 notitle",
			    s, bw * 0.12, bw * 0.24);
		if (labels)
			strbuf_addf(sb, ", \\\n     $b%zu using 1:4:(sprintf('%%.3f', $2)) with labels offset 0,0.7"
				    " font ',%.1f' textcolor rgb '#333333' notitle", s, font_size(p) * 9.5 / 11);
		first = 0;
	}
	strbuf_addch(sb, '\n');
	return bars;
}

/* A new empty temporary file: its descriptor, its name in path (freed by the caller). */
static int temp_file(char **path)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	*path = xstrfmt("%s/receval-plot-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(*path);
	if (fd < 0) {
		free(*path);
		*path = NULL;
	}
	return fd;
}

/* The last non-empty line of gnuplot's stderr, without the line end. */
static void last_line(struct strbuf *why, const char *err)
{
	const char *end = err + strlen(err), *start;

	while (end > err && isspace((unsigned char)end[-1]))
		end--;
	start = end;
	while (start > err && start[-1] != '\n')
		start--;
	while (start < end && isspace((unsigned char)*start))
		start++;
	strbuf_add(why, start, (size_t)(end - start));
}

int plot_render(struct strbuf *out, const struct plot *p, enum plot_format fmt, struct strbuf *why)
{
	struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;
	char *script_path = NULL, *out_path = NULL, *err_path = NULL;
	int script_fd = -1, out_fd = -1, err_fd = -1, ret = -1, rc, status;
	const char *prog = plot_program();
	posix_spawn_file_actions_t fa;
	size_t drawn, start = out->len;
	pid_t pid;
	char *argv[3];

	if ((script_fd = temp_file(&script_path)) < 0 || (out_fd = temp_file(&out_path)) < 0 ||
	    (err_fd = temp_file(&err_path)) < 0) {
		strbuf_addf(why, "cannot create a temporary file: %s", strerror(errno));
		goto out;
	}
	add_common(&script, p, fmt, out_path);
	drawn = p->kind == PLOT_LINES ? add_lines(&script, p) : add_bars(&script, p);
	if (!drawn) {
		strbuf_addstr(why, "nothing to plot");
		goto out;
	}
	strbuf_addstr(&script, "unset output\n");
	if (write(script_fd, script.buf, script.len) != (ssize_t)script.len) {
		strbuf_addf(why, "cannot write '%s': %s", script_path, strerror(errno));
		goto out;
	}

	argv[0] = (char *)prog;
	argv[1] = script_path;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		strbuf_addf(why, "gnuplot not found ('%s': %s)", prog, strerror(rc));
		ret = PLOT_NOT_FOUND;
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			strbuf_addf(why, "cannot wait for '%s': %s", prog, strerror(errno));
			goto out;
		}
	if (strbuf_read_file(&err, err_path, 1 << 20) < 0)
		strbuf_reset(&err);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !err.len) {
		/* a C library whose posix_spawnp reports a failed exec only this way */
		strbuf_addf(why, "gnuplot not found ('%s')", prog);
		ret = PLOT_NOT_FOUND;
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (WIFEXITED(status))
			strbuf_addf(why, "'%s' failed (exit %d)", prog, WEXITSTATUS(status));
		else
			strbuf_addf(why, "'%s' was killed by signal %d", prog, WTERMSIG(status));
		if (err.len) {
			strbuf_addstr(why, ": ");
			last_line(why, err.buf);
		}
		goto out;
	}
	if (strbuf_read_file(out, out_path, 0) < 0) {
		strbuf_addf(why, "cannot read gnuplot's output '%s': %s", out_path, strerror(errno));
		goto out;
	}
	if (out->len == start) {
		strbuf_addf(why, "'%s' wrote nothing", prog);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		strbuf_setlen(out, start);
	if (script_fd >= 0)
		close(script_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	if (script_path)
		unlink(script_path);
	if (out_path)
		unlink(out_path);
	if (err_path)
		unlink(err_path);
	free(script_path);
	free(out_path);
	free(err_path);
	strbuf_release(&script);
	strbuf_release(&err);
	return ret;
}

/* Whether s starts with prefix. */
static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Drop the element that starts with open at *p, up to and including close. */
static int skip_element(const char **p, const char *open, const char *close)
{
	const char *end;

	if (!starts(*p, open) || !(end = strstr(*p, close)))
		return 0;
	*p = end + strlen(close);
	while (**p == '\n')
		(*p)++;
	return 1;
}

/* Whether p starts an attribute that names an id or refers to one: id='x', href='#x', xlink:href='#x'. */
static int id_attribute(const char *p)
{
	static const char *const names[] = { "id=", "href=#", "xlink:href=#" };
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		len = strcspn(names[i], "=") + 1;
		if (strncmp(p, names[i], len) || (p[len] != '\'' && p[len] != '"'))
			continue;
		if (names[i][len] == '#' && p[len + 1] != '#')
			continue;
		return 1;
	}
	return 0;
}

void plot_svg_inline(struct strbuf *out, const char *svg, const char *prefix)
{
	const char *p = strstr(svg, "<svg");
	int in_tag = 0;
	char quote = 0;

	if (!p)
		return;
	while (*p) {
		if (!in_tag) {
			if (skip_element(&p, "<title>Gnuplot</title>", "</title>") ||
			    skip_element(&p, "<desc>Produced by GNUPLOT", "</desc>"))
				continue;
			if (*p == '<')
				in_tag = 1;
			strbuf_addch(out, *p++);
			continue;
		}
		if (quote) {
			/* inside an attribute value: url(#id) references */
			if (starts(p, "url(#")) {
				strbuf_addstr(out, "url(#");
				strbuf_addstr(out, prefix);
				p += 5;
				continue;
			}
			if (*p == quote)
				quote = 0;
			strbuf_addch(out, *p++);
			continue;
		}
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && id_attribute(p)) {
			/* "id='" or "xlink:href='#": copy through the quote (and '#'), then the prefix */
			const char *q = strpbrk(p, "'\"");
			quote = *q;
			strbuf_add(out, p, (size_t)(q - p) + 1);
			p = q + 1;
			if (*p == '#')
				strbuf_addch(out, *p++);
			strbuf_addstr(out, prefix);
			continue;
		}
		if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '>')
			in_tag = 0;
		strbuf_addch(out, *p++);
	}
}
