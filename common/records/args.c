/* Parsing the args column. json-c's depth limit keeps hostile nesting
 * from recursing: past ARGS_MAXDEPTH levels the parse fails cleanly. */
#include <locale.h>
#include <string.h>

#include "base/util.h"
#include "records/args.h"

/*
 * json-c copies the thread's locale and makes a "C" one from it on every
 * parse, then frees it. The tools run in the C locale (none calls
 * setlocale), so the thread is given glibc's own C locale object, which
 * copies and frees as itself: the same numbers, no allocation a parse.
 */
void
json_c_locale(void)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

	if (c)
		uselocale(c);
}

json_object *
args_parse(const char *s, size_t n, const char **why, size_t *at)
{
	static json_tokener *tok;
	json_object *obj;
	enum json_tokener_error e;

	*why = NULL;
	*at = 0;
	if (n == 0)
		return NULL;
	if (!tok) {
		tok = json_tokener_new_ex(ARGS_MAXDEPTH);
		if (!tok)
			die(EX_OSERR, "out of memory");
		json_c_locale();
	}
	json_tokener_reset(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)n);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_continue) {
		*why = "unexpected end of JSON";
		*at = n;
		return NULL;
	}
	if (e != json_tokener_success) {
		*why = e == json_tokener_error_depth ?
		    "JSON nested too deeply" : json_tokener_error_desc(e);
		*at = json_tokener_get_parse_end(tok);
		return NULL;
	}
	if (json_tokener_get_parse_end(tok) < n) {
		json_object_put(obj);
		*why = "text after the JSON object";
		*at = json_tokener_get_parse_end(tok);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		*why = "not a JSON object";
		return NULL;
	}
	return obj;
}
