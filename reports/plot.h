/* plot.h: charts drawn by gnuplot (an external program): metric@k curves and bar charts with interval whiskers, as SVG or PNG. */
#ifndef PLOT_H
#define PLOT_H

#include "lib/strbuf.h"

enum plot_kind {
	PLOT_LINES,  /* one line per series through (x[i], y[i]), a light band from lo to hi */
	PLOT_BARS,   /* one group of bars per category, one bar per series, whiskers from lo to hi */
};

enum plot_format {
	PLOT_SVG,
	PLOT_PNG,    /* pngcairo when gnuplot has it, else png */
};

/* One line, or one bar per category. Arrays hold n values; borrowed. */
struct plot_series {
	const char *name;         /* the legend's text (any bytes: quoted for gnuplot here) */
	const double *x;          /* PLOT_LINES only */
	const double *y;          /* NAN: no point / no bar */
	const double *lo, *hi;    /* the interval; NULL, or NAN entries: none */
	size_t n;                 /* PLOT_BARS: n_categories */
	unsigned color;           /* index into the palette (plot_color()) */
};

struct plot {
	enum plot_kind kind;
	const char *title;        /* NULL: none */
	const char *xlabel, *ylabel;
	const char *const *categories;  /* PLOT_BARS: the labels under each group */
	size_t n_categories;
	const struct plot_series *series;
	size_t n_series;
	/*
	 * PLOT_BARS with one series: colour bar c with plot_color(colors[c])
	 * (one bar per run, in each run's colour); NULL: the series' colour.
	 */
	const unsigned *colors;
	int y_from_zero;          /* the y axis starts at 0 */
	unsigned width, height;   /* pixels; 0: 600 x 380 */
};

/* The plot failed because the program could not be started (not installed). */
#define PLOT_NOT_FOUND (-2)

/*
 * Draw p with gnuplot in format fmt and append the bytes of the resulting
 * file (an SVG document, or a PNG image) to out. Every text of p is quoted
 * for gnuplot here (control characters and invalid UTF-8 replaced), and
 * enhanced text mode is off, so a model name cannot inject a command or
 * markup. The script goes through a temporary file, removed afterwards.
 *
 * Returns 0; PLOT_NOT_FOUND when gnuplot could not be started; -1 when it
 * failed. On failure, why gets one line saying why (nothing is printed:
 * the caller decides whether that is an error or a note in a report).
 */
int plot_render(struct strbuf *out, const struct plot *p, enum plot_format fmt, struct strbuf *why);

/* The gnuplot program: $RECEVAL_GNUPLOT, else "gnuplot" (found on PATH). */
const char *plot_program(void);

/* Colour i of the palette (colour-blind safe, cycled), as "#rrggbb". */
const char *plot_color(unsigned i);

/*
 * Append the SVG document svg (gnuplot's output) to out for inline use in
 * HTML: without the XML prolog, DOCTYPE and gnuplot's own title and
 * description, with every id and the references to them prefixed by
 * prefix, so that several plots in one page do not share ids.
 */
void plot_svg_inline(struct strbuf *out, const char *svg, const char *prefix);

#endif
