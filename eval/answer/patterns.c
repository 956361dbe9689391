/* patterns.c: the extraction patterns (what each finds is named in patterns.h), compiled once, and the matcher over them. */
#include <pthread.h>
#include "eval/answer/patterns.h"

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

static struct patterns *patterns_new(void)
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

/*
 * One compiled set for the process: compiling and JIT-compiling the
 * patterns costs milliseconds, and the set is read-only once built, so
 * every reader of every grounder (and readers without one) shares it.
 */
static struct patterns *compiled;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static void compile_once(void)
{
	compiled = patterns_new();
}

void rx_init(struct rx *x)
{
	pthread_once(&compiled_once, compile_once);
	x->p = compiled;
	x->md = pcre2_match_data_create(16, NULL);
	if (!x->md) {
		fprintf(stderr, "receval: out of memory creating PCRE2 match data\n");
		abort();
	}
}

void rx_release(struct rx *x)
{
	pcre2_match_data_free(x->md);
	x->md = NULL;
}

int rx_match(struct rx *x, enum pat_id id, const char *s, size_t n, size_t start)
{
	int rc = pcre2_match(x->p->re[id], (PCRE2_SPTR)s, n, start, 0, x->md, x->p->mctx);
	return rc > 0;
}

int rx_match_at_start(struct rx *x, enum pat_id id, const char *s, size_t n)
{
	int rc = pcre2_match(x->p->re[id], (PCRE2_SPTR)s, n, 0, PCRE2_ANCHORED, x->md, x->p->mctx);
	return rc > 0;
}

int rx_group(struct rx *x, int i, size_t *b, size_t *e)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);

	if ((uint32_t)i >= pcre2_get_ovector_count(x->md) || ov[2 * i] == PCRE2_UNSET)
		return 0;
	*b = ov[2 * i];
	*e = ov[2 * i + 1];
	return 1;
}

size_t rx_start(struct rx *x)
{
	return pcre2_get_ovector_pointer(x->md)[0];
}

size_t rx_end(struct rx *x)
{
	return pcre2_get_ovector_pointer(x->md)[1];
}
