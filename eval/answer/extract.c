/* extract.c: reading a language model's answer: PCRE2 patterns find the items it lists, ground.c grounds each one. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <cJSON.h>
#include "eval/answer/ground.h"
#include "eval/answer/extract.h"

/* Longest text tried as one title; longer elements are sentences, not titles. */
#define TITLE_MAX 300
/* Longest line read as one element (a comma list may be long). */
#define ELEMENT_MAX ANSWER_MAX_BYTES
/* Most separators an element is cut at when looking for the title before commentary. */
#define MAX_CUTS 12
/* Most parts a line splits into. */
#define MAX_PARTS ANSWER_MAX_ITEMS

/*
 * The patterns. All are compiled once per grounder, in byte mode (not
 * UTF: any byte string is a valid subject, and non-ASCII punctuation is
 * written as its UTF-8 bytes), and JIT-compiled where PCRE2 can.
 */
enum pat_id {
	P_THINK_TAG,    /* <think>, </think> and their cousins */
	P_END,          /* RecLM-eval's <end>, and chat-template end tokens */
	P_FENCE,        /* a ``` fence line */
	P_LINK,         /* a markdown link [text](url) */
	P_JSON,         /* where a JSON array or object may start */
	P_MARKER,       /* a list marker opening a line: 1. 1) (1) [1] #1 1: 1 - and bullets */
	P_LETTER,       /* a letter marker opening a line: "C. ", "(C) ", "C) ", "**C**" */
	P_REFS_NUM,     /* a line of candidate numbers only: "3", "3, 1, 2", "3 > 1 > 2" */
	P_REFS_ANY,     /* the same with letters: "C", "C, A, B" */
	P_REF,          /* one reference in such a line */
	P_INNER_REF,    /* "[3] Title", "Candidate 3: Title" */
	P_INNER_LETTER, /* "(C) Title", "Option C: Title" */
	P_LABEL,        /* "Title: ", "**Movie:** ", "Ranking: " */
	P_YEAR,         /* "(1995)" */
	P_CHATTER,      /* a line of talk, not of titles */
	P_LEAD,         /* "I'd recommend ", "You might enjoy " before titles */
	P_SPAN,         /* a quoted, bold or italic span */
	P_MC_ANSWER,    /* "Answer: C", "the answer is (C)", "Option C" */
	P_MC_ALONE,     /* an answer that is one letter or number */
	P_MC_LEAD,      /* "C. ...", "(C) ...", "**C** ..." at the start */
	P_MC_MARKED,    /* "(C)" or "**C**" anywhere */
	P_MC_STANDALONE,/* a capital letter standing alone in a sentence */
	P_COUNT
};

/* Bullets: - * + • ‣ · ◦ ● ○ ▪ ► ▸ ▶ – — ➤ */
/* ... and emoji or dingbats used as bullets (🎬 ✅ ➤), with an optional variation selector */
#define BULLET "(?:[-*+]|\\xE2\\x80[\\xA2\\xA3\\x93\\x94]|\\xC2\\xB7|\\xE2\\x97[\\xA6\\x8F\\x8B]|" \
	       "\\xE2\\x96[\\xAA\\xBA\\xB8\\xB6]|\\xE2[\\x9C-\\x9E][\\x80-\\xBF]|\\xE2\\xAD\\x90|" \
	       "\\xF0\\x9F[\\x8C-\\xAB][\\x80-\\xBF])(?:\\xEF\\xB8\\x8F)?"
#define DASH "(?:-|\\xE2\\x80[\\x93\\x94])"

static const struct {
	const char *re;
	uint32_t flags;
} pattern_src[P_COUNT] = {
	[P_THINK_TAG] = { "<(/?)(?:think|thinking|reasoning|reflection)\\s*>", PCRE2_CASELESS },
	[P_END] = { "<\\|?(?:end|eot_id|im_end|endoftext|end_of_turn|eos)\\|?>|</s>", PCRE2_CASELESS },
	[P_FENCE] = { "^[ \\t]*```[^\\n]*$", PCRE2_MULTILINE },
	[P_LINK] = { "\\[([^\\]\\n]{1,300})\\]\\((?:https?://|www\\.)[^)\\s]{0,500}\\)", 0 },
	/* a JSON value opening a line, or after a label: "Ranking: [3, 1, 2]" */
	[P_JSON] = { "^[ \\t]*(?:[A-Za-z][A-Za-z ]{0,30}:[ \\t]*)?([\\[{])[ \\t\\n]*[\"\\[{\\]}0-9]", PCRE2_MULTILINE },
	/* groups: 1 indent; 2 bold around the marker ("**1. Heat**"); 3..8 a number; 9 a bullet */
	[P_MARKER] = { "\\A([ \\t]*+)(?:>[ \\t]*)?(?:\\#{1,6}[ \\t]+)?(\\*\\*|__)?(?:"
		       "(\\d{1,3})[.)](?=[ \\t]|$|[*_\"]|[A-Z][a-z])"
		       "|\\((\\d{1,3})\\)(?=[ \\t]|$)"
		       "|\\[(\\d{1,3})\\](?=[ \\t]|$)"
		       "|\\#[ \\t]?(\\d{1,3})[.:)]?(?=[ \\t]|$)"
		       "|(\\d{1,2}):(?=[ \\t]|$)"
		       "|(\\d{1,3})[ \\t]*" DASH "(?=[ \\t])"
		       "|(" BULLET ")(?=[ \\t])"
		       ")[ \\t]*", 0 },
	/* groups: 1 indent; 2..5 the letter */
	[P_LETTER] = { "\\A([ \\t]*+)(?:\\(([A-Z])\\)|\\[([A-Z])\\]|([A-Z])[.):](?=[ \\t]|$)"
		       "|\\*\\*([A-Z])[.):]?\\*\\*(?=[ \\t]|$|[:.]))[:.]?[ \\t]*", 0 },
	[P_REFS_NUM] = { "\\A[ \\t]*+(?:(?:(?i:candidate|item|option|choice|number|no\\.?)[ \\t]*)?[#\\[(]?\\d{1,3}[\\])]?\\.?"
			 "(?:[ \\t]*(?:,|;|>|->|\\xE2\\x86\\x92|\\||/)[ \\t]*|[ \\t]+(?:(?:then|and)[ \\t]+)?|[ \\t]*\\z))+\\z", 0 },
	[P_REFS_ANY] = { "\\A[ \\t]*+(?:(?:(?i:candidate|item|option|choice|number|no\\.?|letter)[ \\t]*)?[#\\[(]?(?:\\d{1,3}|[A-Z])[\\])]?\\.?"
			 "(?:[ \\t]*(?:,|;|>|->|\\xE2\\x86\\x92|\\||/)[ \\t]*|[ \\t]+(?:(?:then|and)[ \\t]+)?|[ \\t]*\\z))+\\z", 0 },
	[P_REF] = { "(?<![A-Za-z0-9])(\\d{1,3}|[A-Z])(?![A-Za-z0-9])", 0 },
	[P_INNER_REF] = { "\\A(?:\\[(\\d{1,3})\\]|\\((\\d{1,3})\\)|#(\\d{1,3})|(?i:candidate|item|option|number|no\\.)[ \\t]*#?(\\d{1,3}))"
			  "[ \\t]*(?:[:.),]|" DASH ")?[ \\t]*", 0 },
	[P_INNER_LETTER] = { "\\A(?:\\[([A-Z])\\]|\\(([A-Z])\\)|(?i:option|choice|candidate)[ \\t]+([A-Z])(?![A-Za-z]))"
			     "[ \\t]*(?:[:.),]|" DASH ")?[ \\t]*", 0 },
	[P_LABEL] = { "\\A(?:\\*\\*|__)?(?i:(?:the|my|our|final|here\\s+is\\s+(?:the|my))\\s+)?"
		      "(?i:title|movie|film|item|recommendation|recommended|pick|top\\s+picks?|my\\s+picks?|choice|answer|name|"
		      "ranking|ranked|ranked\\s+list|order|recommendations|suggestions|output|result|list)"
		      "(?:[ \\t]*\\#?\\d{1,3})?(?:\\s+(?i:is|are|would\\s+be))?[ \\t]*(?:\\*\\*|__)?[ \\t]*[:=](?:\\*\\*|__)?[ \\t]*", 0 },
	[P_YEAR] = { "[(\\[](1[89]\\d\\d|20\\d\\d)[)\\]]", 0 },
	[P_CHATTER] = { "\\A[\\s*_#>\"]*(?:here(?:'s|\\xE2\\x80\\x99s|\\s+is|\\s+are|\\s+you\\s+go|\\s+they\\s+are)\\b"
			"|(?:sure|certainly|of\\s+course|absolutely|okay|ok|great|alright|perfect|definitely|yes|no)\\s*[!,.:]"
			"|no\\s+problem|happy\\s+to|glad\\s+to|based\\s+on\\b|given\\s+(?:the|your|that|their|his|her)\\b"
			"|considering\\b|since\\s+(?:you|the|they|your)\\b|as\\s+(?:an?\\s+)?(?:ai|language|assistant)\\b"
			"|i\\s+(?:hope|think|believe|recommend|suggest|would|have|can|will|am|see|notice|noticed|chose|picked|ranked|selected|tried|cannot|can't|must|feel|went)\\b"
			"|i(?:'d|'ve|'ll|'m|\\xE2\\x80\\x99d|\\xE2\\x80\\x99ve|\\xE2\\x80\\x99ll|\\xE2\\x80\\x99m)\\b"
			"|hope\\b|enjoy\\b|let\\s+me\\b|let's\\b|these\\s+(?:are|films|movies|titles|picks|recommendations|choices|should|would|all)\\b"
			"|this\\s+(?:list|ranking|selection|order|is|should|would)\\b|note\\b|feel\\s+free\\b|if\\s+you\\b"
			"|you\\s+(?:might|may|should|could|would|will|seem|have|like|liked|enjoyed|watched|can)\\b"
			"|you(?:'ll|'d|'ve|\\xE2\\x80\\x99ll|\\xE2\\x80\\x99d|\\xE2\\x80\\x99ve)\\b"
			"|the\\s+user(?:'s)?\\b|users?\\s+(?:who|that|has|have|seems|likes|liked|enjoyed|watched)\\b"
			"|my\\s+(?:top|recommendations|picks|suggestions|ranking|answer|choice|list)\\b"
			"|top\\s+\\d+\\b|the\\s+following\\b|following\\s+(?:are|is)\\b|in\\s+summary\\b|overall\\b"
			"|to\\s+summarize\\b|thanks\\b|thank\\s+you\\b|please\\b|explanation\\b|reasoning\\b|rationale\\b"
			"|why\\s|because\\b|all\\s+of\\s+(?:these|them|the)\\b|each\\s+of\\s+(?:these|them)\\b|they\\s+(?:are|all|share|have|were)\\b"
			"|it\\s+(?:is|was|has|seems)\\b|both\\s+(?:are|of)\\b|wow\\b|well,|hmm|unfortunately\\b|however\\b|also,"
			"|additionally\\b|finally,|first(?:ly)?,|second(?:ly)?,|lastly,|next,|then,|for\\s+(?:fans|someone|a\\s+user|the\\s+user|you)\\b"
			"|similar\\s+to\\b|like\\s+(?:you|the)\\b|in\\s+order\\b|ranked\\s+(?:from|by)\\b|sorted\\b"
			"|(?:null|none|nil|n/?a|nothing|undefined|unknown|error|empty|no\\s+(?:answer|recommendations?|results?))\\s*[.!]?\\s*\\z"
			"|(?:year|genres?|reason|why|director|directed\\s+by|rating|cast|starring|description|explanation|summary"
			"|plot|runtime|release(?:d|\\s+date)?|score|confidence|similarity|relevance)\\s*(?:\\*\\*|__)?\\s*:)",
			PCRE2_CASELESS },
	[P_LEAD] = { "\\A(?:.{0,100}?(?<![A-Za-z]))?(?:"
		     "i(?:'d|\\xE2\\x80\\x99d|'ll|\\s+would|\\s+will)?\\s+(?:also\\s+|highly\\s+|strongly\\s+|definitely\\s+|really\\s+|then\\s+|probably\\s+)?"
		     "(?:recommend(?:ing)?|suggest(?:ing)?|pick|choose|go\\s+with|rank|put|place|order)\\b"
		     "|(?:you|they|the\\s+user|users?|he|she)(?:'d|\\xE2\\x80\\x99d|'ll|\\xE2\\x80\\x99ll|\\s+(?:would|might|may|will|should|could|must))?"
		     "\\s+(?:(?:also|probably|likely|most|definitely|really|certainly|surely|then|next|especially|particularly)\\s+)*"
		     "(?:like|love|enjoy|appreciate|watch|try|check\\s+out|want\\s+to\\s+watch|prefer)\\b"
		     "|(?:try|consider|watch|check\\s+out|don't\\s+miss|do\\s+not\\s+miss|go\\s+for)\\b"
		     "|my\\s+(?:top\\s+|first\\s+|next\\s+|final\\s+)?(?:pick|choice|recommendation|suggestion|answer)s?\\s+(?:is|are|would\\s+be)\\b"
		     "|(?:recommendations?|suggestions?|picks?)\\s+(?:is|are|include|would\\s+be)\\b"
		     "|(?:choice|pick|option|bet|recommendation|suggestion)\\s+(?:is|would\\s+be|will\\s+be)\\b"
		     "|(?:here\\s+(?:you\\s+go|they\\s+are|it\\s+is|(?:is|are)\\s[^:\\n]{0,60})|as\\s+follows|the\\s+following[^:\\n]{0,40})\\s*:"
		     "|(?:probably|perhaps|maybe|most\\s+likely)\\b"
		     "|(?:is|are)\\s*:)"
		     "(?:\\s+(?:them|these|those|it|this|the\\s+candidates|the\\s+movies|the\\s+films|as\\s+follows))?"
		     "[ \\t]*:?[ \\t]*", PCRE2_CASELESS },
	/* groups 1..9: the span's text */
	[P_SPAN] = { "\\*\\*(?![\\s*])([^*\\n]{1,300}?)(?<!\\s)\\*\\*"
		     "|__(?![\\s_])([^_\\n]{1,300}?)(?<!\\s)__"
		     "|(?<![\\w*])\\*(?![\\s*])([^*\\n]{1,300}?)(?<![\\s*])\\*(?![\\w*])"
		     "|(?<![\\w_])_(?![\\s_])([^_\\n]{1,300}?)(?<![\\s_])_(?![\\w_])"
		     "|\"([^\"\\n]{1,300})\""
		     "|\\xE2\\x80\\x9C([^\\n]{1,300}?)\\xE2\\x80\\x9D"
		     "|\\xC2\\xAB\\s?([^\\n]{1,300}?)\\s?\\xC2\\xBB"
		     "|(?<![A-Za-z0-9])'(?![\\s'])([^'\\n]{1,300}?)(?<!\\s)'(?![A-Za-z0-9])"
		     "|`([^`\\n]{1,300})`", 0 },
	[P_MC_ANSWER] = { "\\b(?:final\\s+answer|correct\\s+answer|the\\s+answer|answer|my\\s+(?:choice|pick|answer|selection)|"
			  "choice|option|pick|selection|i\\s+(?:choose|pick|select|go\\s+with))\\b"
			  "[ \\t*_]*(?:is|would\\s+be|will\\s+be|:|=|-|\\xE2\\x80[\\x93\\x94])?[ \\t*_]*"
			  "(?:(?:option|choice|letter|candidate)[ \\t]+)?[(\\[]?[ \\t*_]*([A-Za-z]|\\d{1,2})(?![A-Za-z0-9'\\xE2])",
			  PCRE2_CASELESS },
	[P_MC_ALONE] = { "\\A[\\s*_\"'`>#]*(?:(?i:option|choice|answer|letter|candidate)[ \\t]*[:=]?[ \\t]*)?"
			 "[(\\[]?[ \\t*_]*([A-Za-z]|\\d{1,2})[ \\t*_]*[)\\]]?[.!]?[\\s*_\"'`)\\]]*\\z", 0 },
	/* groups 1..3: the letter */
	[P_MC_LEAD] = { "\\A[\\s>#]*(?:(?:\\*\\*|__)?[(\\[]?([A-Z])(?:[)\\]][.:]?|[.:])(?:\\*\\*|__)?(?=\\s|$)"
			"|\\*\\*([A-Z])\\*\\*(?=\\s|$|[:.,])"
			"|([A-Z])[ \\t]+" DASH "[ \\t])", 0 },
	[P_MC_MARKED] = { "(?<![A-Za-z0-9])(?:[(\\[]([A-Z])[)\\]]|\\*\\*([A-Z])[.):]?\\*\\*)", 0 },
	[P_MC_STANDALONE] = { "(?<![A-Za-z0-9'\\-.\\x80-\\xFF])([A-Z])(?![A-Za-z0-9'\\-\\x80-\\xFF])(?!\\.[A-Za-z])", 0 },
};

struct patterns {
	pcre2_code *re[P_COUNT];
	pcre2_match_context *mctx;
};

struct patterns *patterns_new(void)
{
	struct patterns *p = xcalloc(1, sizeof(*p));
	size_t i;

	p->mctx = pcre2_match_context_create(NULL);
	if (!p->mctx) {
		fprintf(stderr, "receval: out of memory creating a PCRE2 match context\n");
		abort();
	}
	/* bounded backtracking: a hostile answer costs a failed match, never a hang */
	pcre2_set_match_limit(p->mctx, 200000);
	pcre2_set_depth_limit(p->mctx, 10000);
	for (i = 0; i < P_COUNT; i++) {
		int err;
		PCRE2_SIZE off;
		p->re[i] = pcre2_compile((PCRE2_SPTR)pattern_src[i].re, PCRE2_ZERO_TERMINATED, pattern_src[i].flags,
					 &err, &off, NULL);
		if (!p->re[i]) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof(msg));
			fprintf(stderr, "receval: extraction pattern %zu does not compile at offset %zu: %s\n", i,
				(size_t)off, (const char *)msg);
			abort();
		}
		/* without JIT support, pcre2_match() interprets: slower, same answers */
		pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE);
	}
	return p;
}

void patterns_free(struct patterns *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < P_COUNT; i++)
		pcre2_code_free(p->re[i]);
	pcre2_match_context_free(p->mctx);
	free(p);
}

/* ---------------------------------------------------------------- the reader */

struct reader {
	const struct grounder *g;
	const struct dataset *ds;
	const struct patterns *p;
	pcre2_match_data *md;
	struct gctx cx;
	int letters;                /* letters name candidates */
	size_t n_letters;           /* how many: min(n_cand, 26) */
	struct grounded *v;
	size_t n, alloc;
};

/* Match pattern id against s[0..n) from start; 1 when it matches (groups via grp()). */
static int rx(struct reader *r, enum pat_id id, const char *s, size_t n, size_t start)
{
	int rc = pcre2_match(r->p->re[id], (PCRE2_SPTR)s, n, start, 0, r->md, r->p->mctx);
	return rc > 0;
}

/* The same, matching only at the start of s (PCRE2 then interprets: its JIT takes no anchoring at match time). */
static int rx_at_start(struct reader *r, enum pat_id id, const char *s, size_t n)
{
	int rc = pcre2_match(r->p->re[id], (PCRE2_SPTR)s, n, 0, PCRE2_ANCHORED, r->md, r->p->mctx);
	return rc > 0;
}

/* Group i of the last match: 1 and [*b, *e) when set. */
static int grp(struct reader *r, int i, size_t *b, size_t *e)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);

	if ((uint32_t)i >= pcre2_get_ovector_count(r->md) || ov[2 * i] == PCRE2_UNSET)
		return 0;
	*b = ov[2 * i];
	*e = ov[2 * i + 1];
	return 1;
}

static void trim(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;

	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*s = p;
	*n = (size_t)(e - p);
}

static int starts_with_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	return n >= k && !strncasecmp(s, w, k);
}

static size_t count_words(const char *s, size_t n)
{
	size_t i, w = 0;
	int in = 0;

	for (i = 0; i < n; i++) {
		int sp = isspace((unsigned char)s[i]);
		if (!sp && !in)
			w++;
		in = !sp;
	}
	return w;
}

static void emit(struct reader *r, const char *text, size_t n, const struct match *m)
{
	struct grounded *v;

	if (r->n >= ANSWER_MAX_ITEMS)
		return;
	trim(&text, &n);
	while (n && (text[n - 1] == ',' || text[n - 1] == ';' || text[n - 1] == ':'))
		n--;
	trim(&text, &n);
	if (n > TITLE_MAX)
		n = TITLE_MAX;
	if (!n)
		return;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	v = &r->v[r->n++];
	v->text = xstrndup(text, n);
	v->item = m ? m->item : NO_ITEM;
	v->how = m ? m->how : GROUND_NONE;
	v->score = m ? m->score : 0;
	v->in_candidates = m && m->item != NO_ITEM && gctx_in_cand(&r->cx, m->item);
}

/* Does s hold a word of two letters or digits? "[]", "N/A", "- -" do not: they are no titles. */
static int has_word(const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		run = isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80 ? run + 1 : 0;
		if (run >= 2)
			return 1;
	}
	return 0;
}

static void emit_none(struct reader *r, const char *text, size_t n)
{
	if (has_word(text, n))
		emit(r, text, n, NULL);
}

/* Candidate k (1-based) named by a number or letter. */
static void emit_ref(struct reader *r, const char *text, size_t n, size_t k, enum ground_how how)
{
	struct match m = { r->cx.cand[k - 1], how, 1 };
	emit(r, text, n, &m);
}

static int full(struct reader *r)
{
	return r->n >= ANSWER_MAX_ITEMS;
}

/* A reference token ("3", "C") as a candidate number 1..n_cand; 0 when it names none. */
static size_t ref_value(struct reader *r, const char *s, size_t n, enum ground_how *how)
{
	size_t v = 0, i;

	if (!r->cx.cand || !n)
		return 0;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n && isdigit((unsigned char)s[i]) && v < 100000; i++)
			v = v * 10 + (size_t)(s[i] - '0');
		*how = GROUND_NUMBER;
		return v >= 1 && v <= r->cx.n_cand ? v : 0;
	}
	if (r->letters && n == 1 && s[0] >= 'A' && s[0] <= 'Z') {
		v = (size_t)(s[0] - 'A') + 1;
		*how = GROUND_LETTER;
		return v <= r->n_letters ? v : 0;
	}
	return 0;
}

/*
 * A line made only of candidate references ("3", "3, 1, 2", "C > A > B"):
 * emit them and return 1; 0 when the line is something else, or one of
 * its references names no candidate (then it is read as text).
 */
static int read_refs(struct reader *r, const char *s, size_t n)
{
	size_t pos = 0, b, e, count = 0, pass;

	if (!r->cx.cand || !n || n > 2000)
		return 0;
	if (!rx(r, r->letters ? P_REFS_ANY : P_REFS_NUM, s, n, 0))
		return 0;
	for (pass = 0; pass < 2; pass++) {
		pos = 0;
		while (pos < n && rx(r, P_REF, s, n, pos) && grp(r, 1, &b, &e)) {
			enum ground_how how = GROUND_NONE;
			size_t k = ref_value(r, s + b, e - b, &how);
			if (!k) {
				if (!pass && (isdigit((unsigned char)s[b]) || r->letters))
					return 0;
			} else if (pass) {
				emit_ref(r, s + b, e - b, k, how);
			} else {
				count++;
			}
			pos = e > pos ? e : pos + 1;
		}
		if (!count)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- one element */

static int strict(struct reader *r, const char *s, size_t n, struct match *m)
{
	trim(&s, &n);
	if (!n || n > TITLE_MAX)
		return 0;
	return ground_strict(&r->cx, s, n, m);
}

static int fuzzy(struct reader *r, const char *s, size_t n, struct match *m)
{
	trim(&s, &n);
	if (!n || n > TITLE_MAX)
		return 0;
	return ground_fuzzy(&r->cx, s, n, m);
}

/* Words that may start in lower case inside a title ("Gone with the Wind"). */
static int small_word(const char *s, size_t n)
{
	static const char *const w[] = { "a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "for",
					 "with", "by", "from", "de", "la", "le", "du", "des", "di", "da", "vs",
					 "et", "y", "von", "van", "der", "is", "as", "into", "over", "upon" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		if (strlen(w[i]) == n && !strncasecmp(s, w[i], n))
			return 1;
	return 0;
}

/*
 * Does the text after a separator read as commentary ("a tense thriller")
 * rather than a subtitle ("The Force Awakens")? A word in lower case that
 * is not a small word says commentary.
 */
static int commentary_after(const char *s, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n && words < 6) {
		size_t j;
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == '"' || s[i] == '*' || s[i] == '_'))
			i++;
		if (i >= n)
			break;
		for (j = i; j < n && !isspace((unsigned char)s[j]); j++)
			;
		if (islower((unsigned char)s[i]) && !small_word(s + i, j - i))
			return 1;
		words++;
		i = j;
	}
	return 0;
}

/* Does s start with "(1995)" or "[1995]"? */
static int is_year_at(const char *s, size_t n)
{
	return n >= 6 && (s[0] == '(' || s[0] == '[') && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	       isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) && (s[5] == ')' || s[5] == ']');
}

struct cut {
	size_t at;        /* the prefix s[0..at) */
};

#define SEP(s, a) { s, sizeof(s) - 1, a }
static const struct {
	const char *sep;
	size_t len;
	int always;
} separators[] = {
	SEP(" - ", 0), SEP(" \xE2\x80\x93 ", 0), SEP(" \xE2\x80\x94 ", 0), SEP("\xE2\x80\x94", 0), SEP(" -- ", 0),
	SEP(": ", 0), SEP(", ", 0), SEP("; ", 1), SEP(" | ", 1), SEP(" (", 1), SEP(" [", 1), SEP(". ", 0),
	SEP(" by ", 1), SEP(" is ", 1), SEP(" was ", 1), SEP(" because ", 1), SEP(" which ", 1), SEP(" that ", 1),
	SEP(" as ", 1), SEP(" for ", 1), SEP(" from ", 1), SEP(" with ", 1), SEP(" starring ", 1),
	SEP(" directed ", 1), SEP(" about ", 1), SEP(" would ", 1), SEP(" will ", 1), SEP(" has ", 1),
	SEP(" offers ", 1), SEP(" features ", 1),
};

/* The places s may be cut before commentary, longest prefix first. */
static size_t find_cuts(const char *s, size_t n, struct cut *cuts)
{
	size_t i, k, nc = 0, lim = n < TITLE_MAX ? n : TITLE_MAX;

	for (i = 1; i < lim && nc < MAX_CUTS * 4; i++) {
		unsigned char c = (unsigned char)s[i];
		/* every separator starts with one of these */
		if (c != ' ' && c != ':' && c != ',' && c != ';' && c != '.' && c != 0xE2)
			continue;
		for (k = 0; k < ARRAY_SIZE(separators); k++) {
			size_t l = separators[k].len;
			if (separators[k].sep[0] == s[i] && i + l <= n && !memcmp(s + i, separators[k].sep, l)) {
				/* "Blade Runner 2049 (2017)": the year belongs to the title, it was tried with it */
				if (is_year_at(s + i + 1, n - i - 1))
					break;
				/* after ": ", " - ", ", " only commentary is cut off: "Star Wars: The Force Awakens" stays */
				if (!separators[k].always && !commentary_after(s + i + l, n - i - l))
					continue;
				cuts[nc++].at = i;
				break;
			}
		}
	}
	/* longest first, at most MAX_CUTS */
	for (i = 0; i < nc / 2; i++) {
		struct cut t = cuts[i];
		cuts[i] = cuts[nc - 1 - i];
		cuts[nc - 1 - i] = t;
	}
	return nc < MAX_CUTS ? nc : MAX_CUTS;
}

/* Copy s[0..n) without markdown emphasis marks (** __ ` and stray *) into out. */
static void strip_markup(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '*' || c == '`')
			continue;
		if (c == '_' && ((i + 1 < n && s[i + 1] == '_') || (i > 0 && s[i - 1] == '_')))
			continue;
		/* an underscore wrapping a word: _Heat_ */
		if (c == '_' && (i == 0 || isspace((unsigned char)s[i - 1]) || i + 1 == n ||
				 isspace((unsigned char)s[i + 1]) || ispunct((unsigned char)s[i + 1])))
			continue;
		strbuf_addch(out, c);
	}
}

/* Trailing punctuation that ends a sentence, not a title: . , ; : */
static void strip_trailing_punct(const char *s, size_t *n)
{
	while (*n && (s[*n - 1] == '.' || s[*n - 1] == ',' || s[*n - 1] == ';' || s[*n - 1] == ':' ||
		      isspace((unsigned char)s[*n - 1]))) {
		/* keep the period of an abbreviation at the end: "L.A." */
		if (s[*n - 1] == '.' && *n >= 3 && s[*n - 3] == '.' && isupper((unsigned char)s[*n - 2]))
			break;
		(*n)--;
	}
}

/* Quotes wrapping the whole element: "Heat", “Heat”, 'Heat'. */
static void strip_quotes(const char **s, size_t *n)
{
	static const char *const pairs[][2] = {
		{ "\"", "\"" }, { "\xE2\x80\x9C", "\xE2\x80\x9D" }, { "'", "'" }, { "\xC2\xAB", "\xC2\xBB" },
		{ "\xE2\x80\x98", "\xE2\x80\x99" }, { "[", "]" },
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(pairs); k++) {
		size_t a = strlen(pairs[k][0]), b = strlen(pairs[k][1]);
		if (*n > a + b && !memcmp(*s, pairs[k][0], a) && !memcmp(*s + *n - b, pairs[k][1], b)) {
			/* only when the quote closes once, at the end */
			const char *inner = *s + a;
			size_t in = *n - a - b, i;
			int ok = 1;
			for (i = 0; i + b <= in; i++)
				if (!memcmp(inner + i, pairs[k][1], b) && !(b == 1 && pairs[k][1][0] == '\'' &&
									    i > 0 && isalpha((unsigned char)inner[i - 1]))) {
					ok = 0;
					break;
				}
			if (ok) {
				*s = inner;
				*n = in;
				trim(s, n);
			}
			return;
		}
	}
}

struct part {
	size_t b, e;
};

/*
 * Split s into list parts at , ; | and " / ", " > ", " -> ", " → " outside brackets and quotes
 * (a comma inside a number, "10,000 BC", is none), or, without such a
 * separator, after each "(Year)" when there are several. A part's leading
 * "and", "or" or "&" is dropped.
 */
static size_t split_parts(struct reader *r, const char *s, size_t n, struct part *parts, size_t max)
{
	size_t i, start = 0, np = 0, nc = 0, pos = 0, b, e, years = 0;
	size_t *at = xmalloc(max * sizeof(*at)), *next = xmalloc(max * sizeof(*next));
	int depth = 0, quote = 0;

	for (i = 0; i < n && nc + 1 < max; i++) {
		char c = s[i];
		if (c == '(' || c == '[') {
			depth++;
		} else if ((c == ')' || c == ']') && depth) {
			depth--;
		} else if (c == '"') {
			quote = !quote;
		} else if (!depth && !quote) {
			if (c == ',' && i && i + 1 < n && isdigit((unsigned char)s[i - 1]) && isdigit((unsigned char)s[i + 1]))
				continue;
			if (c == ',' || c == ';' || c == '|' ||
			    ((c == '/' || c == '>') && i && s[i - 1] == ' ' && i + 1 < n && s[i + 1] == ' ')) {
				at[nc] = i;
				next[nc++] = i + 1;
			} else if (i && s[i - 1] == ' ' && i + 3 < n && s[i + 2] == ' ' && c == '-' && s[i + 1] == '>') {
				at[nc] = i;
				next[nc++] = i + 2;                 /* " -> " */
			} else if (i && s[i - 1] == ' ' && i + 4 < n && s[i + 3] == ' ' && !memcmp(s + i, "\xE2\x86\x92", 3)) {
				at[nc] = i;
				next[nc++] = i + 3;                 /* " → " */
			}
		}
	}
	if (!nc) {
		while (pos < n && nc + 1 < max && rx(r, P_YEAR, s, n, pos) && grp(r, 0, &b, &e)) {
			years++;
			if (e < n) {
				at[nc] = e;
				next[nc++] = e;
			}
			pos = e;
		}
		if (years < 2)
			nc = 0;
	}
	for (i = 0; i <= nc && np < max; i++) {
		const char *p = s + start;
		size_t pn = (i < nc ? at[i] : n) - start;
		trim(&p, &pn);
		if (starts_with_ci(p, pn, "and "))
			p += 4, pn -= 4;
		else if (starts_with_ci(p, pn, "or "))
			p += 3, pn -= 3;
		else if (pn > 2 && p[0] == '&' && p[1] == ' ')
			p += 2, pn -= 2;
		trim(&p, &pn);
		if (pn) {
			parts[np].b = (size_t)(p - s);
			parts[np].e = parts[np].b + pn;
			np++;
		}
		if (i < nc)
			start = next[i];
	}
	free(at);
	free(next);
	return np;
}

/*
 * What an element that grounds to nothing emits: nothing (0), itself as a
 * hallucinated title (EMIT_WHOLE), or, only when it reads as a list, its
 * parts that ground to nothing (EMIT_PARTS).
 */
#define EMIT_WHOLE 1
#define EMIT_PARTS 2
static void read_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none);

/* Does s ground strictly, as a whole or before commentary? (Used to test the parts of a list.) */
static int part_grounds(struct reader *r, const char *s, size_t n)
{
	struct match m;
	struct strbuf c = STRBUF_INIT;
	size_t cn, nc, i;
	struct cut cuts[MAX_CUTS * 4];
	int ok = 0;

	strip_markup(&c, s, n);
	s = c.buf;
	cn = c.len;
	trim(&s, &cn);
	strip_quotes(&s, &cn);
	strip_trailing_punct(s, &cn);
	if (strict(r, s, cn, &m)) {
		ok = 1;
		goto out;
	}
	nc = find_cuts(s, cn, cuts);
	for (i = 0; i < nc && !ok; i++)
		ok = strict(r, s, cuts[i].at, &m);
out:
	strbuf_release(&c);
	return ok;
}

/*
 * A list part that failed to ground may be two titles joined by "and" or
 * "&": split it when both sides ground. Returns the split point (the
 * second title's start), or 0.
 */
static size_t and_split(struct reader *r, const char *s, size_t n, size_t *first_end)
{
	static const char *const joins[] = { " and ", " & ", " or " };
	size_t i, k;

	for (i = 1; i < n; i++)
		for (k = 0; k < ARRAY_SIZE(joins) && s[i] == ' '; k++) {
			size_t l = strlen(joins[k]);
			if (i + l < n && !memcmp(s + i, joins[k], l) && part_grounds(r, s, i) &&
			    part_grounds(r, s + i + l, n - i - l)) {
				*first_end = i;
				return i + l;
			}
		}
	return 0;
}

/* A group of list parts: s[b..e); ok: it grounds; and_at: it is two titles joined by "and", the second at and_at. */
struct group {
	size_t b, e, and_end, and_at;
	int ok;
};

/* Longest run of comma parts one title may span ("Spring, Summer, Fall, Winter... and Spring"). */
#define GROUP_MAX_PARTS 6

/*
 * Group consecutive parts into titles: the grouping with the most groups
 * that ground (strictly; a part may be two titles joined by "and"), then
 * the fewest groups, so "Love, Death and Taxes" stays one title when it is
 * one. A group of several parts must ground. Returns the groups' count;
 * *grounded gets how many titles ground.
 */
static size_t segment(struct reader *r, const char *t, const struct part *parts, size_t np, struct group *out,
		      size_t *grounded)
{
	int *best_g = xmalloc((np + 1) * sizeof(*best_g));
	size_t *best_n = xmalloc((np + 1) * sizeof(*best_n)), *from = xmalloc((np + 1) * sizeof(*from));
	struct group *single = xcalloc(np ? np : 1, sizeof(*single));
	size_t i, j, len, ng = 0;
	struct match m;

	for (i = 0; i < np; i++) {
		const char *pt = t + parts[i].b;
		size_t pl = parts[i].e - parts[i].b, fe = 0, ss;
		single[i].b = parts[i].b;
		single[i].e = parts[i].e;
		if (part_grounds(r, pt, pl)) {
			single[i].ok = 1;
		} else if ((ss = and_split(r, pt, pl, &fe))) {
			single[i].ok = 2;
			single[i].and_end = parts[i].b + fe;
			single[i].and_at = parts[i].b + ss;
		}
	}
	best_g[0] = 0;
	best_n[0] = 0;
	for (j = 1; j <= np; j++) {
		best_g[j] = -1;
		best_n[j] = SIZE_MAX;
		from[j] = j - 1;
		for (len = 1; len <= GROUP_MAX_PARTS && len <= j; len++) {
			int gsc;
			size_t gn = 1;
			i = j - len;
			if (best_g[i] < 0)
				continue;
			if (len == 1) {
				gsc = single[i].ok;
				gn = single[i].ok == 2 ? 2 : 1;
			} else if (strict(r, t + parts[i].b, parts[j - 1].e - parts[i].b, &m)) {
				gsc = 1;
			} else {
				continue;
			}
			if (best_g[i] + gsc > best_g[j] || (best_g[i] + gsc == best_g[j] && best_n[i] + gn < best_n[j])) {
				best_g[j] = best_g[i] + gsc;
				best_n[j] = best_n[i] + gn;
				from[j] = i;
			}
		}
	}
	/* back from the end, then reversed */
	for (j = np; j > 0; j = from[j]) {
		i = from[j];
		if (j - i == 1)
			out[ng] = single[i];
		else {
			memset(&out[ng], 0, sizeof(out[ng]));
			out[ng].b = parts[i].b;
			out[ng].e = parts[j - 1].e;
			out[ng].ok = 1;
		}
		ng++;
	}
	for (i = 0; i < ng / 2; i++) {
		struct group tmp = out[i];
		out[i] = out[ng - 1 - i];
		out[ng - 1 - i] = tmp;
	}
	*grounded = np ? (size_t)best_g[np] : 0;
	free(best_g);
	free(best_n);
	free(from);
	free(single);
	return ng;
}

static void read_groups(struct reader *r, const char *t, const struct group *gr, size_t ng, int emit_if_none)
{
	size_t i;

	emit_if_none = emit_if_none ? EMIT_WHOLE : 0;   /* a list's parts are titles */
	for (i = 0; i < ng && !full(r); i++) {
		if (gr[i].ok == 2) {
			read_element(r, t + gr[i].b, gr[i].and_end - gr[i].b, 0, emit_if_none);
			read_element(r, t + gr[i].and_at, gr[i].e - gr[i].and_at, 0, emit_if_none);
		} else {
			read_element(r, t + gr[i].b, gr[i].e - gr[i].b, 0, emit_if_none);
		}
	}
}

/*
 * A span opening the element: **Toy Story** (1995) - ..., "Heat" because
 * ... Returns 1 when the element was read through it.
 */
static int read_span_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none)
{
	PCRE2_SIZE *ov;
	struct strbuf c = STRBUF_INIT;
	struct match m;
	size_t sb = 0, se = 0, after, b, e, cn;
	const char *t;
	int g;

	if (!rx_at_start(r, P_SPAN, s, n))
		return 0;
	ov = pcre2_get_ovector_pointer(r->md);
	after = ov[1];
	for (g = 1; g <= 9; g++)
		if (grp(r, g, &sb, &se))
			break;
	t = s + sb;
	cn = se - sb;
	trim(&t, &cn);
	if (!cn)
		return 0;
	/* "**Title:** Heat": a label, not a title ("**Heat:** a gritty drama" is a title) */
	if ((t[cn - 1] == ':' && !strict(r, t, cn - 1, &m)) ||
	    (after < n && s[after] == ':' && !strict(r, t, cn, &m) && rx(r, P_LABEL, t, cn, 0))) {
		size_t a = after;
		if (a < n && s[a] == ':')
			a++;
		read_element(r, s + a, n - a, allow_split, emit_if_none);
		return 1;
	}
	/* several spans in a row, "**Heat**, **Casino**": each is an element */
	if (allow_split) {
		size_t k = after, count = 1;
		while (k < n && rx(r, P_SPAN, s, n, k)) {
			size_t gap = pcre2_get_ovector_pointer(r->md)[0], end = pcre2_get_ovector_pointer(r->md)[1];
			size_t i2, other = 0;
			for (i2 = k; i2 < gap; i2++)
				if (!(isspace((unsigned char)s[i2]) || s[i2] == ',' || s[i2] == ';' || s[i2] == '&'))
					other++;
			if (other > 8 || (other && !(starts_with_ci(s + k, gap - k, " and") ||
						     starts_with_ci(s + k, gap - k, ", and") ||
						     rx(r, P_YEAR, s, gap, k))))
				break;
			count++;
			k = end;
		}
		if (count >= 2) {
			size_t k2 = 0, done = 0;
			while (k2 < n && done < count && rx(r, P_SPAN, s, n, k2)) {
				size_t ms = pcre2_get_ovector_pointer(r->md)[0], me = pcre2_get_ovector_pointer(r->md)[1];
				size_t ye = me;
				if (rx(r, P_YEAR, s, n, me) && grp(r, 0, &b, &e) && b <= me + 2)
					ye = e;
				read_element(r, s + ms, ye - ms, 0, emit_if_none ? EMIT_WHOLE : 0);
				k2 = ye > k2 ? ye : k2 + 1;
				done++;
			}
			return 1;
		}
	}
	/* the span, with a year right after it */
	if (t[cn - 1] == ':')
		cn--;
	strbuf_add(&c, t, cn);
	if (rx(r, P_YEAR, s, n, after) && grp(r, 0, &b, &e)) {
		size_t k;
		for (k = after; k < b && (isspace((unsigned char)s[k]) || s[k] == '*' || s[k] == '_'); k++)
			;
		if (k == b) {
			strbuf_addch(&c, ' ');
			strbuf_add(&c, s + b, e - b);
		}
	}
	/* fuzzily with the year when there is one: a near title a film's years apart is another film */
	if (strict(r, c.buf, c.len, &m) || strict(r, t, cn, &m) || fuzzy(r, c.buf, c.len, &m))
		emit(r, t, cn, &m);
	else if (emit_if_none == EMIT_WHOLE)
		emit_none(r, t, cn);
	strbuf_release(&c);
	return 1;
}

/*
 * Emit the title(s) of s[0..n), which may carry markup and commentary: as
 * a whole; up to its year; as a list whose every part grounds; before
 * commentary; fuzzily; as a list whose parts mostly ground; else
 * (emit_if_none) as one title that grounds to nothing.
 */
static void read_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none)
{
	struct strbuf c = STRBUF_INIT;
	struct match m, best = { NO_ITEM, GROUND_NONE, 0 };
	struct part *parts = NULL;
	struct group *gr = NULL;
	struct cut cuts[MAX_CUTS * 4];
	size_t cn, nc, np = 0, ng = 0, grounded = 0, i, b, e, year_end = 0, years = 0, pos, fe, ss;
	const char *t;
	size_t best_len = 0;
	int list_likely = 0;

	trim(&s, &n);
	if (!n || full(r))
		return;
	if (n > ELEMENT_MAX)
		n = ELEMENT_MAX;
	if (read_span_element(r, s, n, allow_split, emit_if_none))
		return;

	strip_markup(&c, s, n);
	t = c.buf;
	cn = c.len;
	trim(&t, &cn);
	strip_quotes(&t, &cn);
	strip_trailing_punct(t, &cn);
	if (!cn)
		goto out;

	/* the whole */
	if (strict(r, t, cn, &m)) {
		emit(r, t, cn, &m);
		goto out;
	}
	/* up to its year: "Toy Story (1995) - a classic" */
	for (pos = 0; pos < cn && years < 3 && rx(r, P_YEAR, t, cn, pos) && grp(r, 0, &b, &e); pos = e) {
		if (!years)
			year_end = e;
		years++;
	}
	if (years == 1 && year_end < cn && strict(r, t, year_end, &m)) {
		emit(r, t, year_end, &m);
		goto out;
	}
	/* a list whose every part grounds */
	if (allow_split) {
		/* room for a part after every separator or year */
		size_t room = 2;
		for (i = 0; i < cn && room < MAX_PARTS; i++)
			room += t[i] == ',' || t[i] == ';' || t[i] == '|' || t[i] == '/' || t[i] == '>' ||
				t[i] == '(' || t[i] == '[' || t[i] == '\xE2';
		parts = xmalloc(room * sizeof(*parts));
		np = split_parts(r, t, cn, parts, room);
		if (np >= 2) {
			size_t kept = 0;
			gr = xmalloc(np * sizeof(*gr));
			ng = segment(r, t, parts, np, gr, &grounded);
			/* commentary between titles: ", which is great," */
			for (i = 0; i < ng; i++) {
				if (!gr[i].ok && kept && islower((unsigned char)t[gr[i].b]))
					continue;
				gr[kept++] = gr[i];
			}
			ng = kept;
			if (ng >= 2) {
				int all = 1;
				for (i = 0; i < ng; i++)
					all &= gr[i].ok != 0;
				if (all) {
					read_groups(r, t, gr, ng, emit_if_none);
					goto out;
				}
			}
			list_likely = ng >= 2 && grounded >= 1 && 2 * grounded >= ng;
		} else if ((ss = and_split(r, t, cn, &fe))) {
			/* "Heat and Casino" */
			read_element(r, t, fe, 0, emit_if_none ? EMIT_WHOLE : 0);
			read_element(r, t + ss, cn - ss, 0, emit_if_none ? EMIT_WHOLE : 0);
			goto out;
		}
	}
	/* before commentary: "Heat - a tense thriller", "Heat: because ..." */
	nc = find_cuts(t, cn, cuts);
	for (i = 0; i < nc; i++)
		if (strict(r, t, cuts[i].at, &m)) {
			emit(r, t, cuts[i].at, &m);
			goto out;
		}
	/*
	 * fuzzily: with a year, the title is what comes before it (and before
	 * commentary ahead of it); without, the best of the whole and of each
	 * text before commentary
	 */
	if (!list_likely) {
		size_t lim = years ? year_end : cn;
		if (fuzzy(r, t, lim, &m) && m.score > best.score) {
			best = m;
			best_len = lim;
		}
		for (i = 0; i < nc; i++)
			if (cuts[i].at < lim && fuzzy(r, t, cuts[i].at, &m) && m.score > best.score) {
				best = m;
				best_len = cuts[i].at;
			}
		if (best.item != NO_ITEM) {
			emit(r, t, best_len, &best);
			goto out;
		}
	}
	/* a list whose parts mostly ground, some perhaps fuzzily */
	if (ng >= 2 && !list_likely) {
		size_t ok = 0;
		for (i = 0; i < ng; i++) {
			struct strbuf pc = STRBUF_INIT;
			const char *q;
			size_t qn;
			strip_markup(&pc, t + gr[i].b, gr[i].e - gr[i].b);
			q = pc.buf;
			qn = pc.len;
			trim(&q, &qn);
			strip_quotes(&q, &qn);
			strip_trailing_punct(q, &qn);
			ok += fuzzy(r, q, qn, &m);
			strbuf_release(&pc);
		}
		list_likely = ok >= 1 && 2 * ok >= ng;
	}
	if (list_likely) {
		read_groups(r, t, gr, ng, emit_if_none);
		goto out;
	}
	/* a title the catalogue does not have */
	if (emit_if_none == EMIT_WHOLE) {
		size_t k = cn;
		if (years >= 1)
			k = year_end;
		else if (nc)
			k = cuts[nc - 1].at;   /* the shortest prefix: the title before any commentary */
		emit_none(r, t, k);
	}
out:
	free(parts);
	free(gr);
	strbuf_release(&c);
}

/* ---------------------------------------------------------------- items, prose and lines */

/*
 * One list item or title line: candidate references, a leading "[3]" or
 * "(C)", a label, then the element itself. ref (1-based, with how) is the
 * candidate the line's marker names, 0 for none: it is used when the text
 * names no item.
 */
static void read_item(struct reader *r, const char *s, size_t n, size_t ref, enum ground_how ref_how,
		      int emit_if_none)
{
	size_t b, e, before, k;
	enum ground_how how = GROUND_NONE;
	const char *orig = s;
	size_t orig_n = n;
	struct match m;

	trim(&s, &n);
	if (!n)
		goto fallback;
	/* the common case: the item is a bare title (quotes and markup are read off below) */
	if (!r->cx.cand && isalnum((unsigned char)s[0]) && (isalnum((unsigned char)s[n - 1]) || s[n - 1] == ')') &&
	    strict(r, s, n, &m)) {
		emit(r, s, n, &m);
		return;
	}
	if (read_refs(r, s, n))
		return;
	/* a title starting like a reference ("(500) Days of Summer") is read as a title first */
	if (r->cx.cand && !strict(r, s, n, &m)) {
		/* a candidate number (groups 1-4) or, where letters count, a letter (groups 1-3) */
		int groups = rx(r, P_INNER_REF, s, n, 0) ? 4 :
			     r->letters && rx(r, P_INNER_LETTER, s, n, 0) ? 3 : 0, g;
		for (g = 1; g <= groups; g++)
			if (grp(r, g, &b, &e) && (k = ref_value(r, s + b, e - b, &how))) {
				size_t end = pcre2_get_ovector_pointer(r->md)[1];
				ref = k;
				ref_how = how;
				s += end;
				n -= end;
				break;
			}
	}
	if (rx(r, P_LABEL, s, n, 0)) {
		size_t end = pcre2_get_ovector_pointer(r->md)[1];
		if (!strict(r, s, n, &m)) {
			s += end;
			n -= end;
			trim(&s, &n);
			if (read_refs(r, s, n))
				return;
		}
	}
	/* "You'll love Heat (1995)": the lead-in is no part of the title */
	if (n && !strict(r, s, n, &m) && rx(r, P_LEAD, s, n, 0)) {
		size_t end = pcre2_get_ovector_pointer(r->md)[1];
		if (end < n) {
			s += end;
			n -= end;
		}
	}
	if (!n)
		goto fallback;
	before = r->n;
	read_element(r, s, n, 1, ref ? 0 : emit_if_none);
	if (r->n > before || !ref)
		return;
fallback:
	if (ref)
		emit_ref(r, orig, orig_n, ref, ref_how);
}

/* The longest run of (up to 12) words at the start of s that grounds: "Amadeus next" → Amadeus. */
static void read_word_prefix(struct reader *r, const char *s, size_t n)
{
	size_t ends[12], nw = 0, i = 0;
	struct match m;

	trim(&s, &n);
	while (i < n && nw < 12) {
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		ends[nw++] = i;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
	}
	while (nw-- > 0) {
		size_t k = ends[nw];
		strip_trailing_punct(s, &k);
		if (strict(r, s, k, &m)) {
			emit(r, s, k, &m);
			return;
		}
	}
}

/* Is s a list rather than a sentence: a separator for every four words or fewer? */
static int list_dense(const char *s, size_t n)
{
	size_t i, seps = 0;

	for (i = 0; i < n; i++)
		seps += s[i] == ',' || s[i] == ';' || s[i] == '|';
	return seps >= 2 && seps * 4 >= count_words(s, n);
}

/*
 * A sentence or paragraph: its quoted or bold titles, its "Title (Year)"
 * mentions, or the titles after a lead-in ("I'd recommend Heat and
 * Casino."). Nothing it says is emitted as a hallucination unless it is
 * marked up or dated like a title.
 */
static void read_prose(struct reader *r, const char *s, size_t n, int chatter)
{
	size_t pos = 0, b, e, before = r->n, consumed = 0;
	struct strbuf w = STRBUF_INIT;
	struct match m;

	/* spans */
	while (pos < n && !full(r) && rx(r, P_SPAN, s, n, pos)) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		size_t ms = ov[0], me = ov[1], sb = 0, se = 0, ye = me;
		int g;
		const char *t;
		size_t tn;

		for (g = 1; g <= 9; g++)
			if (grp(r, g, &sb, &se))
				break;
		t = s + sb;
		tn = se - sb;
		trim(&t, &tn);
		if (rx(r, P_YEAR, s, n, me) && grp(r, 0, &b, &e) && b <= me + 2)
			ye = e;
		if (tn && count_words(t, tn) <= 15 && !(tn && t[tn - 1] == ':')) {
			size_t at = r->n;
			read_element(r, s + ms, ye - ms, 0, 0);
			/* a marked-up name that grounds to nothing: a title only if it looks like one */
			if (r->n == at && (isupper((unsigned char)t[0]) || isdigit((unsigned char)t[0])) &&
			    count_words(t, tn) <= 10 && t[tn - 1] != '.' && t[tn - 1] != '!' && t[tn - 1] != '?')
				emit_none(r, t, tn);
		}
		consumed = ye;
		pos = ye > pos ? ye : pos + 1;
	}
	/* "Title (Year)" mentions outside spans */
	pos = 0;
	while (pos < n && !full(r) && rx(r, P_YEAR, s, n, pos) && grp(r, 0, &b, &e)) {
		size_t starts[16], ns = 0, i, j;
		int done = 0;

		pos = e;
		if (b < consumed)
			continue;
		/* word starts before the year, nearest first */
		for (i = b; i > 0 && ns < 16;) {
			while (i > 0 && isspace((unsigned char)s[i - 1]))
				i--;
			if (!i || s[i - 1] == '\n')
				break;
			j = i;
			while (j > 0 && !isspace((unsigned char)s[j - 1]))
				j--;
			if (j < consumed)
				break;
			starts[ns++] = j;
			i = j;
		}
		/* the longest window that grounds */
		for (i = ns; i-- > 0 && !done;) {
			strbuf_reset(&w);
			strip_markup(&w, s + starts[i], e - starts[i]);
			{
				const char *t = w.buf;
				size_t tn = w.len;
				trim(&t, &tn);
				strip_quotes(&t, &tn);
				if (strict(r, t, tn, &m)) {
					emit(r, s + starts[i], e - starts[i], &m);
					done = 1;
				}
			}
		}
		if (!done && ns) {
			/* the run of capitalised words before the year */
			size_t k = 0;
			while (k < ns) {
				const char *word = s + starts[k];
				size_t wl = 0;
				while (starts[k] + wl < b && !isspace((unsigned char)word[wl]))
					wl++;
				if (!(isupper((unsigned char)word[0]) || isdigit((unsigned char)word[0]) ||
				      (small_word(word, wl) && k + 1 < ns)) || word[wl ? wl - 1 : 0] == ',')
					break;
				k++;
			}
			if (k) {
				strbuf_reset(&w);
				strip_markup(&w, s + starts[k - 1], e - starts[k - 1]);
				if (fuzzy(r, w.buf, w.len, &m))
					emit(r, s + starts[k - 1], e - starts[k - 1], &m);
				else
					emit_none(r, s + starts[k - 1], e - starts[k - 1]);
			}
		}
		consumed = e;
	}
	/* "I'd recommend Heat, Casino and Fargo. Another great choice would be Zodiac." */
	if (r->n == before) {
		size_t sent = 0, guard = 0;
		while (sent < n && guard++ < 200 && !full(r)) {
			size_t stop, at = r->n;
			for (stop = sent; stop < n; stop++)
				if ((s[stop] == '.' || s[stop] == '!' || s[stop] == '?') &&
				    (stop + 1 == n || isspace((unsigned char)s[stop + 1])) &&
				    !(stop >= 2 && s[stop - 2] == '.' && isupper((unsigned char)s[stop - 1])) &&
				    !(stop >= 2 && (starts_with_ci(s + stop - 2, 3, "mr.") || starts_with_ci(s + stop - 2, 3, "dr.") ||
						    starts_with_ci(s + stop - 2, 3, "vs.") || starts_with_ci(s + stop - 2, 3, "st."))))
					break;
			/* the sentence as its own subject: \A never matches at a start offset */
			if (rx(r, P_LEAD, s + sent, stop - sent, 0)) {
				size_t end = sent + pcre2_get_ovector_pointer(r->md)[1];
				read_element(r, s + end, stop - end, 1, 0);
				if (r->n == at)
					read_word_prefix(r, s + end, stop - end);
			}
			sent = stop + 1;
		}
	}
	/* "Eternal Sunshine of the Spotless Mind." "Heat is a great choice." */
	if (r->n == before && !chatter && count_words(s, n) <= 20)
		read_element(r, s, n, 1, 0);
	/* a long line of titles: "Heat, Casino, Fargo, ... , Zodiac" (its unknown parts are hallucinations) */
	else if (r->n == before && !chatter && list_dense(s, n))
		read_element(r, s, n, 1, EMIT_PARTS);
	strbuf_release(&w);
}

/*
 * A markdown table row "| 1 | Heat | 1995 |": the first cell that grounds
 * (with the row's year, if a cell holds one). Header and rule rows give
 * nothing.
 */
static void read_table_row(struct reader *r, const char *s, size_t n)
{
	struct part cells[32];
	size_t nc = 0, i, start = 1, year_cell = SIZE_MAX;
	struct match m;
	struct strbuf t = STRBUF_INIT;

	for (i = 1; i <= n && nc < ARRAY_SIZE(cells); i++) {
		if (i < n && s[i] != '|')
			continue;
		{
			const char *c = s + start;
			size_t cn = i - start;
			trim(&c, &cn);
			if (cn) {
				cells[nc].b = (size_t)(c - s);
				cells[nc].e = cells[nc].b + cn;
				if (cn == 4 && isdigit((unsigned char)c[0]) && isdigit((unsigned char)c[3]))
					year_cell = nc;
				nc++;
			}
		}
		start = i + 1;
	}
	for (i = 0; i < nc; i++) {
		const char *c = s + cells[i].b;
		size_t cn = cells[i].e - cells[i].b, k;
		int text = 0;
		for (k = 0; k < cn; k++)
			text |= isalpha((unsigned char)c[k]);
		if (!text || i == year_cell)
			continue;
		strbuf_reset(&t);
		strip_markup(&t, c, cn);
		if (year_cell != SIZE_MAX)
			strbuf_addf(&t, " (%.*s)", 4, s + cells[year_cell].b);
		if (strict(r, t.buf, t.len, &m) || strict(r, c, cn, &m) || fuzzy(r, t.buf, t.len, &m)) {
			emit(r, c, cn, &m);
			break;
		}
	}
	strbuf_release(&t);
}

/* A line that is not a list item: a title, a comma list, a reference line, a table row, a header or chatter. */
static void read_plain(struct reader *r, const char *s, size_t n)
{
	struct match m;
	size_t words, b, e, k;
	enum ground_how how;
	int chatter;

	trim(&s, &n);
	while (n && (*s == '#' || *s == '>')) {
		s++;
		n--;
	}
	trim(&s, &n);
	if (!n)
		return;
	if (s[0] == '|') {
		read_table_row(r, s, n);
		return;
	}
	if (strict(r, s, n, &m)) {
		emit(r, s, n, &m);
		return;
	}
	if (r->letters && rx(r, P_LETTER, s, n, 0)) {
		int g;
		for (g = 2; g <= 5; g++)
			if (grp(r, g, &b, &e) && (k = ref_value(r, s + b, e - b, &how))) {
				size_t end = pcre2_get_ovector_pointer(r->md)[1];
				read_item(r, s + end, n - end, k, how, 1);
				return;
			}
	}
	if (rx(r, P_LABEL, s, n, 0)) {
		size_t end = pcre2_get_ovector_pointer(r->md)[1];
		s += end;
		n -= end;
		trim(&s, &n);
		if (!n)
			return;
	}
	if (read_refs(r, s, n))
		return;
	if (s[n - 1] == ':' || (n > 2 && !memcmp(s + n - 2, ":*", 2)))
		return;   /* a header: "Here are my picks:" */
	chatter = rx(r, P_CHATTER, s, n, 0);
	words = count_words(s, n);
	/* a line ending like a sentence is a title only if it grounds: "Scorsese's epic." is none */
	if (!chatter && words <= 12 &&
	    !((s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?') && words >= 4))
		read_item(r, s, n, 0, GROUND_NONE, !(s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?'));
	else
		read_prose(r, s, n, chatter);
}

/* ---------------------------------------------------------------- JSON */

static const char *const json_list_keys[] = {
	"recommendations", "ranking", "ranked", "items", "movies", "films", "titles", "answer", "answers",
	"result", "results", "list", "order", "output", "candidates", "picks", "choices", "games", "books",
};
static const char *const json_title_keys[] = { "title", "name", "movie", "film", "item", "game", "book", "text" };
static const char *const json_ref_keys[] = { "id", "index", "candidate", "number", "rank_of", "choice", "letter", "option" };

static void json_element(struct reader *r, const cJSON *v)
{
	if (full(r))
		return;
	if (cJSON_IsString(v) && v->valuestring) {
		const char *s = v->valuestring;
		size_t n = strlen(s);
		if (!read_refs(r, s, n))
			read_element(r, s, n, 0, 1);
	} else if (cJSON_IsNumber(v)) {
		char buf[32];
		double d = v->valuedouble;
		if (d >= 0 && d < 1e9 && d == floor(d)) {
			snprintf(buf, sizeof(buf), "%.0f", d);
			if (!read_refs(r, buf, strlen(buf)))
				read_element(r, buf, strlen(buf), 0, 1);
		}
	} else if (cJSON_IsObject(v)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(json_title_keys); i++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, json_title_keys[i]);
			if (cJSON_IsString(t) && t->valuestring && *t->valuestring) {
				const cJSON *y = cJSON_GetObjectItemCaseSensitive(v, "year");
				struct strbuf sb = STRBUF_INIT;
				strbuf_addstr(&sb, t->valuestring);
				if (cJSON_IsNumber(y) && y->valuedouble >= 1870 && y->valuedouble < 2100)
					strbuf_addf(&sb, " (%d)", (int)y->valuedouble);
				else if (cJSON_IsString(y) && y->valuestring && strlen(y->valuestring) == 4)
					strbuf_addf(&sb, " (%s)", y->valuestring);
				read_element(r, sb.buf, sb.len, 0, 1);
				strbuf_release(&sb);
				return;
			}
		}
		for (i = 0; i < ARRAY_SIZE(json_ref_keys); i++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, json_ref_keys[i]);
			if (t && (cJSON_IsNumber(t) || cJSON_IsString(t))) {
				json_element(r, t);
				return;
			}
		}
	}
}

/* Walk a parsed JSON answer: an array of elements, or an object holding one. 1 when it held a list. */
static int json_walk(struct reader *r, const cJSON *v, int depth)
{
	const cJSON *e;
	size_t i;

	if (depth > 3)
		return 0;
	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v) {
			if (cJSON_IsArray(e))
				json_walk(r, e, depth + 1);
			else
				json_element(r, e);
		}
		return 1;
	}
	if (!cJSON_IsObject(v))
		return 0;
	for (i = 0; i < ARRAY_SIZE(json_list_keys); i++) {
		cJSON_ArrayForEach(e, v)
			if (e->string && !strcasecmp(e->string, json_list_keys[i]) &&
			    (cJSON_IsArray(e) || cJSON_IsObject(e) || cJSON_IsString(e))) {
				if (cJSON_IsString(e)) {
					json_element(r, e);
					return 1;
				}
				return json_walk(r, e, depth + 1);
			}
	}
	cJSON_ArrayForEach(e, v)
		if (cJSON_IsArray(e))
			return json_walk(r, e, depth + 1);
	/* a single object: {"title": "Heat"} */
	for (i = 0; i < ARRAY_SIZE(json_title_keys); i++)
		if (cJSON_GetObjectItemCaseSensitive(v, json_title_keys[i])) {
			json_element(r, v);
			return 1;
		}
	return 0;
}

/* A JSON answer (perhaps inside prose or a fence): 1 when read from it. */
static int read_json(struct reader *r, const char *s, size_t n)
{
	size_t pos = 0, b, e, tries = 0;

	if (!memchr(s, '[', n) && !memchr(s, '{', n))
		return 0;
	while (pos < n && tries < 8 && rx(r, P_JSON, s, n, pos) && grp(r, 1, &b, &e)) {
		const char *end = NULL;
		cJSON *v;
		size_t before = r->n;

		tries++;
		pos = b + 1;
		v = cJSON_ParseWithLengthOpts(s + b, n - b, &end, 0);
		if (!v)
			continue;
		/* the JSON must end its line: "[3] Heat" is a list marker, not an array */
		if (end) {
			const char *q = end, *lim = s + n;
			while (q < lim && (*q == ' ' || *q == '\t' || *q == ',' || *q == '.' || *q == '`'))
				q++;
			if (q < lim && *q != '\n') {
				cJSON_Delete(v);
				continue;
			}
		}
		if (json_walk(r, v, 0) && r->n > before) {
			cJSON_Delete(v);
			return 1;
		}
		/* a JSON value that held nothing: the rest of the answer may */
		cJSON_Delete(v);
	}
	return 0;
}

/* ---------------------------------------------------------------- the answer */

/*
 * The readable text of an answer: at most ANSWER_MAX_BYTES, NUL and other
 * control bytes made spaces, CR LF made LF, reasoning blocks dropped,
 * <end> tokens made line breaks, ``` fences dropped. Returns a new string
 * the caller frees, with its length in *out_n.
 */
static void strbuf_swap_(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;
	*a = *b;
	*b = t;
}

static char *prepare(struct reader *r, const char *answer, size_t len, size_t *out_n)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i, pos, mb, me, g1b, g1e, keep_from = 0;
	int inside = 0;

	if (len > ANSWER_MAX_BYTES)
		len = ANSWER_MAX_BYTES;
	strbuf_grow(&a, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)answer[i];
		if (c == '\r') {
			if (i + 1 < len && answer[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
			c = ' ';
		}
		strbuf_addch(&a, (char)c);
	}

	/* the passes below only run when their trigger is there: most answers have none */
	if (!memchr(a.buf, '<', a.len) && !memmem(a.buf, a.len, "](", 2) && !memmem(a.buf, a.len, "```", 3)) {
		strbuf_release(&b);
		return strbuf_detach(&a, out_n);
	}

	/* reasoning: <think> ... </think> (nested tags count once); a close with no open drops all before it */
	for (pos = 0; pos < a.len && rx(r, P_THINK_TAG, a.buf, a.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		int closing;
		mb = ov[0];
		me = ov[1];
		closing = grp(r, 1, &g1b, &g1e) && g1e > g1b;
		if (!closing) {
			if (!inside)
				strbuf_add(&b, a.buf + keep_from, mb - keep_from);
			inside++;
		} else if (inside) {
			if (--inside == 0)
				keep_from = me;
		} else {
			/* "...reasoning</think>answer": the opening tag was never sent */
			strbuf_reset(&b);
			keep_from = me;
		}
		pos = me > pos ? me : pos + 1;
	}
	if (!inside)
		strbuf_add(&b, a.buf + keep_from, a.len - keep_from);
	/* an unterminated <think>: everything after it is reasoning cut short */
	strbuf_reset(&a);

	/* <end> and end tokens become line breaks */
	for (pos = 0; pos < b.len && rx(r, P_END, b.buf, b.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		strbuf_add(&a, b.buf + pos, ov[0] - pos);
		strbuf_addch(&a, '\n');
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < b.len)
		strbuf_add(&a, b.buf + pos, b.len - pos);

	/* markdown links keep their text */
	strbuf_reset(&b);
	for (pos = 0; pos < a.len && rx(r, P_LINK, a.buf, a.len, pos) && grp(r, 1, &g1b, &g1e);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		strbuf_add(&b, a.buf + pos, ov[0] - pos);
		strbuf_add(&b, a.buf + g1b, g1e - g1b);
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < a.len)
		strbuf_add(&b, a.buf + pos, a.len - pos);
	strbuf_swap_(&a, &b);

	/* ``` fences */
	strbuf_reset(&b);
	for (pos = 0; pos < a.len && rx(r, P_FENCE, a.buf, a.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		strbuf_add(&b, a.buf + pos, ov[0] - pos);
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < a.len)
		strbuf_add(&b, a.buf + pos, a.len - pos);
	strbuf_release(&a);
	return strbuf_detach(&b, out_n);
}

struct line {
	size_t b, e;          /* the whole line */
	size_t cb;            /* where its content starts (after a marker) */
	size_t indent;
	int kind;             /* 0 plain, 1 numbered, 2 bullet, 3 letter */
	int bold;             /* the marker opened a bold span: "**1. Heat** ..." */
	size_t num;           /* the number, or the letter's 1-based place */
};

static void classify(struct reader *r, const char *s, struct line *l)
{
	size_t n = l->e - l->b, b, e, i;
	const char *p = s + l->b;

	l->kind = 0;
	l->cb = l->b;
	l->indent = 0;
	l->num = 0;
	l->bold = 0;
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		l->indent += p[i] == '\t' ? 4 : 1;
	if (rx(r, P_MARKER, p, n, 0)) {
		size_t end = pcre2_get_ovector_pointer(r->md)[1];
		int g;
		for (g = 3; g <= 8; g++)
			if (grp(r, g, &b, &e)) {
				size_t v = 0, k;
				for (k = b; k < e; k++)
					v = v * 10 + (size_t)(p[k] - '0');
				l->kind = 1;
				l->num = v;
				break;
			}
		if (!l->kind && grp(r, 9, &b, &e))
			l->kind = 2;
		l->bold = grp(r, 2, &b, &e);
		if (l->kind) {
			l->cb = l->b + end;
			return;
		}
	}
	if (r->letters && r->cx.cand && rx(r, P_LETTER, p, n, 0)) {
		size_t end = pcre2_get_ovector_pointer(r->md)[1];
		int g;
		for (g = 2; g <= 5; g++)
			if (grp(r, g, &b, &e)) {
				size_t v = (size_t)(p[b] - 'A') + 1;
				if (v <= r->n_letters) {
					l->kind = 3;
					l->num = v;
					l->cb = l->b + end;
				}
				break;
			}
	}
}

static void read_lines(struct reader *r, const char *s, size_t n)
{
	struct line *lines = NULL, *first = NULL;
	size_t nl = 0, alloc = 0, i, start = 0, expect = 1;
	int seq = 1;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		ALLOC_GROW(lines, nl + 1, alloc);
		lines[nl].b = start;
		lines[nl].e = i;
		{
			const char *p = s + start;
			size_t ln = i - start;
			trim(&p, &ln);
			if (ln)
				classify(r, s, &lines[nl]), nl++;
		}
		start = i + 1;
	}
	for (i = 0; i < nl; i++)
		if (lines[i].kind) {
			first = &lines[i];
			break;
		}
	if (!first) {
		for (i = 0; i < nl && !full(r); i++)
			read_plain(r, s + lines[i].b, lines[i].e - lines[i].b);
		free(lines);
		return;
	}
	/* the first list's items: same kind, no deeper than its first item */
	for (i = 0; i < nl; i++)
		if (lines[i].kind == first->kind && lines[i].indent <= first->indent + 1 && first->kind == 1) {
			if (lines[i].num != expect)
				seq = 0;
			expect++;
		}
	for (i = 0; i < nl && !full(r); i++) {
		struct line *l = &lines[i];
		size_t ref = 0;
		enum ground_how how = GROUND_NUMBER;
		if (l->kind != first->kind || l->indent > first->indent + 1)
			continue;
		if (l->kind == 1 && r->cx.cand && l->num >= 1 && l->num <= r->cx.n_cand &&
		    (!seq || l->cb == l->e))
			ref = l->num;
		else if (l->kind == 3) {
			ref = l->num;
			how = GROUND_LETTER;
		}
		if (l->cb >= l->e) {
			if (ref)
				emit_ref(r, s + l->b, l->e - l->b, ref, how);
			continue;
		}
		if (l->bold) {
			/* give the item its opening "**" back, so the span marks the title */
			struct strbuf t = STRBUF_INIT;
			strbuf_addstr(&t, "**");
			strbuf_add(&t, s + l->cb, l->e - l->cb);
			read_item(r, t.buf, t.len, ref, how, 1);
			strbuf_release(&t);
		} else {
			read_item(r, s + l->cb, l->e - l->cb, ref, how, 1);
		}
	}
	free(lines);
}

static void reader_init(struct reader *r, const struct grounder *g, const uint32_t *cand, size_t n_cand, int letters)
{
	memset(r, 0, sizeof(*r));
	r->g = g;
	r->ds = grounder_dataset(g);
	r->p = grounder_patterns(g);
	r->md = pcre2_match_data_create(16, NULL);
	if (!r->md) {
		fprintf(stderr, "receval: out of memory creating PCRE2 match data\n");
		abort();
	}
	gctx_init(&r->cx, g, cand, n_cand);
	r->letters = letters && r->cx.cand;
	r->n_letters = r->cx.n_cand < 26 ? r->cx.n_cand : 26;
}

static void reader_release(struct reader *r)
{
	pcre2_match_data_free(r->md);
	gctx_release(&r->cx);
}

size_t answer_read(struct grounded **out, const struct grounder *g, const char *answer, size_t len,
		   const uint32_t *cand, size_t n_cand, int letters)
{
	struct reader r;
	char *text;
	size_t n;

	*out = NULL;
	if (!answer || !len)
		return 0;
	reader_init(&r, g, cand, n_cand, letters);
	text = prepare(&r, answer, len, &n);
	if (!read_json(&r, text, n))
		read_lines(&r, text, n);
	free(text);
	reader_release(&r);
	*out = r.v;
	return r.n;
}

void grounded_free(struct grounded *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* ---------------------------------------------------------------- multiple choice */

/* A letter or number token as a 0-based choice; -1 when it names none. */
static int choice_value(const char *s, size_t n, size_t n_cand)
{
	size_t v = 0, i;

	if (!n)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n && isdigit((unsigned char)s[i]) && v < 1000; i++)
			v = v * 10 + (size_t)(s[i] - '0');
		return v >= 1 && v <= n_cand ? (int)v - 1 : -1;
	}
	if (n == 1 && isalpha((unsigned char)s[0])) {
		v = (size_t)(toupper((unsigned char)s[0]) - 'A');
		return v < n_cand && v < 26 ? (int)v : -1;
	}
	return -1;
}

/* After an explicit "answer is A": is the A an article ("A good pick") rather than the letter? */
static int article_follows(const char *s, size_t n, size_t after)
{
	size_t i = after;

	while (i < n && (s[i] == '*' || s[i] == '_' || s[i] == ')' || s[i] == ']'))
		i++;
	if (i < n && s[i] == ' ') {
		while (i < n && s[i] == ' ')
			i++;
		return i < n && isalpha((unsigned char)s[i]) && !(s[i] == '-' );
	}
	return 0;
}

int answer_choice(const struct grounder *g, const char *answer, size_t len, const uint32_t *cand, size_t n_cand)
{
	struct reader r;
	char *text;
	const char *s;
	size_t n, pos, b, e, k;
	int choice = -1, found = -1, amb = 0;
	struct grounded *gv = NULL;
	size_t nv = 0;

	if (!answer || !len || !cand || !n_cand)
		return -1;
	reader_init(&r, g, cand, n_cand, 1);
	text = prepare(&r, answer, len, &n);
	s = text;
	trim(&s, &n);
	if (!n)
		goto out;

	/* 1. explicit: "Answer: C", "The answer is (C)", "Option C" — the last one said */
	for (pos = 0; pos < n && rx(&r, P_MC_ANSWER, s, n, pos) && grp(&r, 1, &b, &e);) {
		char c = s[b];
		int v = choice_value(s + b, e - b, n_cand);
		pos = e;
		if (v < 0)
			continue;
		if ((c == 'A' || c == 'a' || c == 'I' || c == 'i') && article_follows(s, n, e))
			continue;
		if (islower((unsigned char)c) && c != 'a' && e < n && s[e] == '\'')
			continue;
		found = v;
	}
	if (found >= 0) {
		choice = found;
		goto out;
	}
	/* 2. the whole answer is one letter or number */
	if (n <= 40 && rx(&r, P_MC_ALONE, s, n, 0) && grp(&r, 1, &b, &e)) {
		choice = choice_value(s + b, e - b, n_cand);
		goto out;
	}
	/* 3. a leading marker: "C. Heat", "(C) Heat", "**C** ...", unless another marked letter contradicts it */
	if (rx(&r, P_MC_LEAD, s, n, 0)) {
		int gi;
		for (gi = 1; gi <= 3; gi++)
			if (grp(&r, gi, &b, &e)) {
				found = choice_value(s + b, e - b, n_cand);
				break;
			}
	}
	/*
	 * 4. "(C)" or "**C**" anywhere, naming one candidate. After a leading
	 * marker only its own line counts: "C) Fargo\n\nThe user saw Heat (A)"
	 * answers C, "(B) or (D)" answers nothing.
	 */
	{
		size_t lim = n;
		const char *nl;
		if (found >= 0 && (nl = memchr(s, '\n', n)))
			lim = (size_t)(nl - s);
		for (pos = 0; pos < lim && rx(&r, P_MC_MARKED, s, lim, pos);) {
		int gi;
		pos = pcre2_get_ovector_pointer(r.md)[1];
		for (gi = 1; gi <= 2; gi++)
			if (grp(&r, gi, &b, &e)) {
				int v = choice_value(s + b, e - b, n_cand);
				if (v >= 0) {
					if (found >= 0 && found != v)
						amb = 1;
					found = v;
				}
			}
		}
	}
	if (found >= 0) {
		choice = amb ? -1 : found;
		goto out;
	}
	/* 5. stand-alone capitals (never the article A or the pronoun I) and titles must agree */
	found = -1;
	for (pos = 0; pos < n && !amb && rx(&r, P_MC_STANDALONE, s, n, pos) && grp(&r, 1, &b, &e);) {
		int v;
		pos = e;
		if (s[b] == 'A' || s[b] == 'I')
			continue;
		v = choice_value(s + b, 1, n_cand);
		if (v < 0)
			continue;
		if (found >= 0 && found != v)
			amb = 1;
		found = v;
	}
	if (amb)
		goto out;
	nv = answer_read(&gv, g, s, n, cand, n_cand, 1);
	for (k = 0; k < nv; k++) {
		size_t c;
		if (!gv[k].in_candidates)
			continue;
		for (c = 0; c < n_cand && cand[c] != gv[k].item; c++)
			;
		if (c == n_cand)
			continue;
		if (found >= 0 && found != (int)c) {
			amb = 1;
			break;
		}
		found = (int)c;
	}
	grounded_free(gv, nv);
	if (!amb)
		choice = found;
out:
	free(text);
	reader_release(&r);
	return choice;
}
