/* Unit tests for common/otel/input.c: ids in hex and base64, what a file
 * looks like, and the JSON values of an input. */
#include <stdint.h>
#include <string.h>

#include "otel/input.h"
#include "test.h"

static int
id_is(const char *s, size_t len, int want, const char *hex)
{
	uint8_t out[16];
	char got[33];
	int r = ot_id_parse(s, strlen(s), out, len);

	if (r != want)
		return 0;
	if (!hex)
		return 1;
	ot_id_hex(out, len, got);
	return strcmp(got, hex) == 0;
}

static int
hex_refuses(const char *s)
{
	uint8_t out[8];

	return ot_hex_parse(s, strlen(s), out, 8) == -1;
}

static void
test_ids(void)
{
	CHECK("hex upper", id_is("5B8EFFF798038103D269B633813FC60C", 16, 1,
	    "5b8efff798038103d269b633813fc60c"));
	CHECK("hex span", id_is("eee19b7ec3c1b174", 8, 1, "eee19b7ec3c1b174"));
	CHECK("hex 31 digits left-padded", id_is(
	    "b8efff798038103d269b633813fc60c", 16, 1,
	    "0b8efff798038103d269b633813fc60c"));
	CHECK("hex 15 digits left-padded", id_is("ee19b7ec3c1b174", 8, 1,
	    "0ee19b7ec3c1b174"));
	CHECK("hex 1 digit", id_is("2", 8, 1, "0000000000000002"));
	CHECK("hex too long", id_is("eee19b7ec3c1b1740", 8, -1, NULL));
	CHECK("empty is absent", id_is("", 8, 0, "0000000000000000"));
	CHECK("zeros are absent", id_is("0000000000000000", 8, 0, NULL));
	CHECK("base64 span", id_is("WgdmnUQaoyY=", 8, 1, "5a07669d441aa326"));
	CHECK("base64 trace", id_is("W47/95gDgQPSabYzgT/GDA==", 16, 1,
	    "5b8efff798038103d269b633813fc60c"));
	CHECK("base64 url-safe unpadded", id_is("W47_95gDgQPSabYzgT_GDA", 16, 1,
	    "5b8efff798038103d269b633813fc60c"));
	CHECK("base64 of the wrong size", id_is("WgdmnUQa", 8, -1, NULL));
	CHECK("neither", id_is("not an id!", 8, -1, NULL));
	CHECK("hex only refuses base64", hex_refuses("WgdmnUQaoyY="));
}

static int
looks(const char *s, const char *want)
{
	const char *got = ot_sniff((const uint8_t *)s, strlen(s));

	return want ? got && strcmp(got, want) == 0 : got == NULL;
}

static void
test_sniff(void)
{
	CHECK("otlp", looks(" {\"resourceSpans\":[]}", "OTLP/JSON"));
	CHECK("otlp snake", looks("{\"resource_spans\":[]}", "OTLP/JSON"));
	CHECK("tempo", looks("{\"batches\":[]}", "OTLP/JSON"));
	CHECK("jaeger", looks("{\"data\":[{\"traceID\":\"1\"}]}", "Jaeger JSON"));
	CHECK("zipkin", looks("[{\"traceId\":\"1\",\"id\":\"2\","
	    "\"timestamp\":1}]", "Zipkin JSON"));
	CHECK("chrome", looks("[{\"ph\":\"X\"}]", "Chrome JSON"));
	CHECK("records", looks("kind,ts\n", "spanpipe records"));
	CHECK("unknown", looks("hello", NULL));
}

static void
test_values(void)
{
	static const char in[] = "{\"a\":1}\n{\"b\":\n2}  {\"c\":3}\n"
	    "[{\"d\":4},{\"e\":5}]\n";
	char *path = test_file(in, sizeof(in) - 1);
	struct ot_in *i = ot_in_open(path);
	struct ot_json *j = ot_json_open(i, 1);
	json_object *o;
	char keys[16] = "";
	unsigned long lines[8];
	int n = 0;

	while (ot_json_next(j, &o) == 1 && n < 8) {
		json_object_object_foreach(o, k, v) {
			(void)v;
			strncat(keys, k, 1);
		}
		lines[n++] = ot_json_line(j);
		json_object_put(o);
	}
	CHECK("values: lines, back to back, array elements",
	    strcmp(keys, "abcde") == 0);
	CHECK("values: where each starts", n == 5 && lines[0] == 1 &&
	    lines[1] == 2 && lines[2] == 3 && lines[3] == 4 && lines[4] == 4);
	ot_json_close(j);
	ot_in_close(i);
	unlink(path);
	free(path);
}

int
main(void)
{
	test_ids();
	test_sniff();
	test_values();
	return test_failed;
}
