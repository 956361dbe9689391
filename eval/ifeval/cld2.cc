// cld2.cc: the C interface to Google's CLD2 (Debian's libcld2-dev), the language identifier of language:response_language.
#include <cstdio>
#include <cstddef>
#include <cld2/public/compact_lang_det.h>

extern "C" const char *ifeval_cld2(const char *text, size_t len);

// CLD2 reads UTF-8 plain text; its codes are ISO 639-1 where one exists ("iw" for Hebrew, "zh-Hant").
const char *ifeval_cld2(const char *text, size_t len)
{
	bool reliable = false;
	int n = len > (size_t)1 << 30 ? 1 << 30 : (int)len;
	CLD2::Language lang = CLD2::DetectLanguage(text, n, true, &reliable);

	return CLD2::LanguageCode(lang);
}
