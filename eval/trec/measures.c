/* measures.c: the trec_eval measures the engine prints: -m parsing and one query's values, through metrics/trec.h. */
#include "eval/trec/measures.h"

static const long cutoffs_9[] = { 5, 10, 15, 20, 30, 100, 200, 500, 1000 };
static const long cutoffs_success[] = { 1, 5, 10 };
static const double fractions_11[] = {
	0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0
};

const struct trec_meas_def trec_meas_defs[M__COUNT] = {
	[M_RUNID]       = { "runid", MK_RUNID, 1, NULL, 0 },
	[M_NUM_Q]       = { "num_q", MK_NUM_Q, 1, NULL, 0 },
	[M_NUM_RET]     = { "num_ret", MK_LONG, 1, NULL, 0 },
	[M_NUM_REL]     = { "num_rel", MK_LONG, 1, NULL, 0 },
	[M_NUM_REL_RET] = { "num_rel_ret", MK_LONG, 1, NULL, 0 },
	[M_MAP]         = { "map", MK_DOUBLE, 1, NULL, 0 },
	[M_GM_MAP]      = { "gm_map", MK_GM, 1, NULL, 0 },
	[M_RPREC]       = { "Rprec", MK_DOUBLE, 1, NULL, 0 },
	[M_BPREF]       = { "bpref", MK_DOUBLE, 1, NULL, 0 },
	[M_RECIP_RANK]  = { "recip_rank", MK_DOUBLE, 1, NULL, 0 },
	[M_IPREC]       = { "iprec_at_recall", MK_FRAC, 1, NULL, 0 },
	[M_P]           = { "P", MK_CUT, 1, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_RECALL]      = { "recall", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_NDCG]        = { "ndcg", MK_GAINS, 0, NULL, 0 },
	[M_NDCG_CUT]    = { "ndcg_cut", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_MAP_CUT]     = { "map_cut", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_SUCCESS]     = { "success", MK_CUT, 0, cutoffs_success, ARRAY_SIZE(cutoffs_success) },
};

/* A measure's parameters from -m NAME.PARAMS (the first one given for a name counts). */
struct meas_arg {
	char *name, *params;
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Split "a,b,c" in place; returns the count, parts in *out (caller frees the array). */
static size_t split_commas(char *s, char ***out)
{
	size_t n = 1, i = 0;
	char *p, **v;

	for (p = s; *p; p++)
		n += *p == ',';
	v = xmalloc(n * sizeof(*v));
	v[i++] = s;
	for (p = s; *p; p++) {
		if (*p == ',') {
			*p = '\0';
			v[i++] = p + 1;
		}
	}
	*out = v;
	return n;
}

static int parse_cutoffs(struct trec_measure *m, const char *name, char *params)
{
	char **v;
	size_t n = split_commas(params, &v), i;
	int ret = 0;

	m->cutoffs = xmalloc(n * sizeof(*m->cutoffs));
	for (i = 0; i < n; i++) {
		if (parse_long(v[i], &m->cutoffs[i]) < 0) {
			ret = error("cutoff '%s' of measure '%s' is not a whole number", v[i], name);
			goto out;
		}
	}
	qsort(m->cutoffs, n, sizeof(*m->cutoffs), cmp_long);
	if (m->cutoffs[0] <= 0) {
		ret = error("cutoffs of measure '%s' must be positive", name);
		goto out;
	}
	for (i = 1; i < n; i++) {
		if (m->cutoffs[i] == m->cutoffs[i - 1]) {
			ret = error("duplicate cutoff %ld in measure '%s'", m->cutoffs[i], name);
			goto out;
		}
	}
	m->n = n;
out:
	free(v);
	return ret;
}

static int parse_fractions(struct trec_measure *m, const char *name, char *params)
{
	char **v;
	size_t n = split_commas(params, &v), i;
	int ret = 0;

	m->fractions = xmalloc(n * sizeof(*m->fractions));
	for (i = 0; i < n; i++) {
		if (parse_double(v[i], &m->fractions[i]) < 0) {
			ret = error("parameter '%s' of measure '%s' is not a number", v[i], name);
			goto out;
		}
	}
	qsort(m->fractions, n, sizeof(*m->fractions), cmp_double);
	for (i = 1; i < n; i++) {
		if (m->fractions[i] == m->fractions[i - 1]) {
			ret = error("duplicate parameter '%s' in measure '%s'", v[i], name);
			goto out;
		}
	}
	m->n = n;
out:
	free(v);
	return ret;
}

/* gain_init.c's valid_int(): a sign, then at least one digit and nothing else */
static int valid_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* REL=GAIN,REL=GAIN...: a REL that is not a whole number is ignored, as trec_eval does. */
static int parse_gains(struct trec_measure *m, const char *name, char *params)
{
	char **v, last = ',';
	const char *p;
	size_t n, i;
	int ret = 0;

	/* separators must alternate '=' ',' '=' ... and end on '=' (meas_init.c) */
	for (p = params; *p; p++) {
		if (*p == ',' || *p == '=') {
			if (*p == last) {
				last = ',';
				break;
			}
			last = *p;
		}
	}
	if (last != '=')
		return error("malformed gains '%s' of measure '%s' (expected REL=GAIN,...)",
			     params, name);
	n = split_commas(params, &v);
	m->gains = xmalloc(n * sizeof(*m->gains));
	for (i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');
		long rel;
		double gain;

		*eq = '\0';
		if (parse_double(eq + 1, &gain) < 0) {
			ret = error("gain '%s' of measure '%s' is not a number", eq + 1, name);
			break;
		}
		if (!valid_int(v[i]))
			continue;
		rel = strtol(v[i], NULL, 10);
		m->gains[m->ngains].rel = rel;
		m->gains[m->ngains].gain = gain;
		m->ngains++;
	}
	free(v);
	return ret;
}

/* Set up measure id from its -m parameters (or its defaults) and name its values. */
static int measure_init(struct trec_measure *m, enum meas_id id, const struct meas_arg *args,
			size_t nargs)
{
	const struct trec_meas_def *d = &trec_meas_defs[id];
	const char *params = NULL;
	char *copy;
	size_t i;
	int ret = 0;

	for (i = 0; i < nargs; i++) {
		if (!strcmp(args[i].name, d->name)) {
			params = args[i].params;
			break;
		}
	}
	switch (d->kind) {
	case MK_CUT:
		if (params) {
			copy = xstrdup(params);
			ret = parse_cutoffs(m, d->name, copy);
			free(copy);
		} else {
			m->n = d->ncutoffs;
			m->cutoffs = xmalloc(m->n * sizeof(*m->cutoffs));
			memcpy(m->cutoffs, d->cutoffs, m->n * sizeof(*m->cutoffs));
		}
		if (ret)
			return ret;
		m->nvals = m->n;
		m->names = xmalloc(m->n * sizeof(*m->names));
		for (i = 0; i < m->n; i++)
			m->names[i] = xstrfmt("%s_%ld", d->name, m->cutoffs[i]);
		return 0;
	case MK_FRAC:
		if (params) {
			copy = xstrdup(params);
			ret = parse_fractions(m, d->name, copy);
			free(copy);
		} else {
			m->n = ARRAY_SIZE(fractions_11);
			m->fractions = xmalloc(m->n * sizeof(*m->fractions));
			memcpy(m->fractions, fractions_11, sizeof(fractions_11));
		}
		if (ret)
			return ret;
		m->nvals = m->n;
		m->names = xmalloc(m->n * sizeof(*m->names));
		for (i = 0; i < m->n; i++)
			m->names[i] = xstrfmt("%s_%3.2f", d->name, m->fractions[i]);
		return 0;
	case MK_GAINS:
		if (params) {
			copy = xstrdup(params);
			ret = parse_gains(m, d->name, copy);
			free(copy);
			if (ret)
				return ret;
		}
		m->nvals = 1;
		m->names = xmalloc(sizeof(*m->names));
		m->names[0] = params ? xstrfmt("%s_%s", d->name, params) : xstrdup(d->name);
		return 0;
	case MK_RUNID:
	case MK_NUM_Q:
		m->nvals = 0;
		m->names = xmalloc(sizeof(*m->names));
		m->names[0] = xstrdup(d->name);
		return 0;
	case MK_LONG:
	case MK_DOUBLE:
	case MK_GM:
		break;
	}
	m->nvals = 1;
	m->names = xmalloc(sizeof(*m->names));
	m->names[0] = xstrdup(d->name);
	return 0;
}

static void measure_release(struct trec_measure *m)
{
	size_t i, n = m->nvals ? m->nvals : (m->names ? 1 : 0);

	for (i = 0; i < n; i++)
		free(m->names[i]);
	free(m->names);
	free(m->cutoffs);
	free(m->fractions);
	free(m->gains);
	memset(m, 0, sizeof(*m));
}

/* Mark the measures -m asks for, as trec_eval's mark_measure(); the parameters given go to *args_out. */
static int select_measures(struct trec_measure *meas, const char *const *list, size_t nlist,
			   struct meas_arg **args_out, size_t *nargs_out)
{
	struct meas_arg *args = xcalloc(nlist + 1, sizeof(*args));
	size_t nargs = 0, i, k;
	int ret = 0;

	for (i = 0; i < nlist && !ret; i++) {
		const char *s = list[i], *dot = strchr(s, '.');
		char *name = dot ? xstrndup(s, (size_t)(dot - s)) : xstrdup(s);

		if (dot && !dot[1]) {
			ret = error("measure '%s' has an empty parameter list", s);
		} else if (!strcmp(name, "official")) {
			for (k = 0; k < M__COUNT; k++)
				if (trec_meas_defs[k].official)
					meas[k].on = 1;
		} else {
			for (k = 0; k < M__COUNT; k++)
				if (!strcmp(name, trec_meas_defs[k].name))
					break;
			if (k == M__COUNT)
				ret = error("unknown or unsupported measure '%s'", name);
			else
				meas[k].on = 1;
		}
		if (!ret && dot) {
			args[nargs].name = name;
			args[nargs].params = xstrdup(dot + 1);
			nargs++;
		} else {
			free(name);
		}
	}
	*args_out = args;
	*nargs_out = nargs;
	return ret;
}


int trec_measures_init(struct trec_measure *meas, const char *const *args, size_t nargs,
		       size_t *nvals)
{
	static const char *const official[] = { "official" };   /* trec_eval's default */
	struct meas_arg *params = NULL;
	size_t nparams = 0, i;
	int ret, id;

	if (!nargs) {
		args = official;
		nargs = 1;
	}
	*nvals = 0;
	ret = select_measures(meas, args, nargs, &params, &nparams);
	for (id = 0; id < M__COUNT && !ret; id++) {
		if (!meas[id].on)
			continue;
		ret = measure_init(&meas[id], (enum meas_id)id, params, nparams);
		meas[id].first = *nvals;
		*nvals += meas[id].nvals;
	}
	for (i = 0; i < nparams; i++) {
		free(params[i].name);
		free(params[i].params);
	}
	free(params);
	return ret;
}

void trec_measures_release(struct trec_measure *meas)
{
	int id;

	for (id = 0; id < M__COUNT; id++)
		measure_release(&meas[id]);
}

void trec_measures_query(const struct trec_measure *meas, const struct trec_query *tq,
			 double *row, struct trec_gain **gains, size_t *alloc)
{
	const struct trec_measure *m = meas;
	size_t need;

	if (m[M_NUM_RET].on)
		row[m[M_NUM_RET].first] = (double)tq->num_ret;
	if (m[M_NUM_REL].on)
		row[m[M_NUM_REL].first] = (double)tq->num_rel;
	if (m[M_NUM_REL_RET].on)
		row[m[M_NUM_REL_RET].first] = (double)tq->num_rel_ret;
	if (m[M_MAP].on)
		row[m[M_MAP].first] = trec_ap(tq);
	if (m[M_GM_MAP].on)
		row[m[M_GM_MAP].first] = trec_gm_ap_log(tq);
	if (m[M_RPREC].on)
		row[m[M_RPREC].first] = trec_rprec(tq);
	if (m[M_BPREF].on)
		row[m[M_BPREF].first] = trec_bpref(tq);
	if (m[M_RECIP_RANK].on)
		row[m[M_RECIP_RANK].first] = trec_recip_rank(tq);
	if (m[M_IPREC].on)
		trec_iprec_at_recall(row + m[M_IPREC].first, tq, m[M_IPREC].fractions,
				     m[M_IPREC].n);
	if (m[M_P].on)
		trec_precision(row + m[M_P].first, tq, m[M_P].cutoffs, m[M_P].n);
	if (m[M_RECALL].on)
		trec_recall(row + m[M_RECALL].first, tq, m[M_RECALL].cutoffs, m[M_RECALL].n);
	if (m[M_NDCG].on) {
		need = trec_ndcg_scratch(tq, m[M_NDCG].ngains);
		if (need > *alloc) {
			free(*gains);
			*gains = xmalloc(need * sizeof(**gains));
			*alloc = need;
		}
		row[m[M_NDCG].first] = trec_ndcg(tq, m[M_NDCG].gains, m[M_NDCG].ngains, *gains);
	}
	if (m[M_NDCG_CUT].on)
		trec_ndcg_cut(row + m[M_NDCG_CUT].first, tq, m[M_NDCG_CUT].cutoffs,
			      m[M_NDCG_CUT].n);
	if (m[M_MAP_CUT].on)
		trec_map_cut(row + m[M_MAP_CUT].first, tq, m[M_MAP_CUT].cutoffs,
			     m[M_MAP_CUT].n);
	if (m[M_SUCCESS].on)
		trec_success(row + m[M_SUCCESS].first, tq, m[M_SUCCESS].cutoffs,
			     m[M_SUCCESS].n);
}
