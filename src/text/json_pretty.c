// SPDX-License-Identifier: MIT
/*
 * `bpftool -p`: the same JSON, indented as bpftool's json_writer does in
 * pretty mode. The writer's rules, replayed over the compact text that
 * dump.c writes (the structure is the same, only whitespace differs):
 *   - a value or an opening bracket is preceded by "," when it is not the
 *     first in its object or array;
 *   - a key starts a new line, indented four spaces a level, and is
 *     followed by ": ";
 *   - a closing bracket goes on a new line at its own level, unless its
 *     object or array is empty;
 *   - the text ends with one newline.
 */
#include "text/json_pretty.h"

struct pretty {
	struct out *o;
	unsigned depth;
	bool sep; /* a "," is due before the next value or key */
};

static void newline(struct pretty *p)
{
	put_char(p->o, '\n');
	for (unsigned i = 0; i < p->depth; i++)
		PUT_LIT(p->o, "    ");
}

static void before_value(struct pretty *p)
{
	if (p->sep)
		put_char(p->o, ',');
	p->sep = true;
}

/* the end of the JSON string that starts at s[i] (a '"'), past its quote */
static size_t string_end(const char *s, size_t i, size_t len)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

void bk_json_pretty(const char *s, size_t len, struct out *o)
{
	struct pretty p = {.o = o};
	for (size_t i = 0; i < len && !o->err;) {
		char c = s[i];
		switch (c) {
		case '{':
		case '[':
			before_value(&p);
			put_char(o, c);
			p.depth++;
			p.sep = false;
			i++;
			break;
		case '}':
		case ']':
			if (p.depth)
				p.depth--;
			if (p.sep)
				newline(&p);
			put_char(o, c);
			p.sep = true;
			i++;
			break;
		case ',':
		case ' ':
		case '\n':
			i++; /* separators and whitespace are the writer's own */
			break;
		case '"': {
			size_t end = string_end(s, i, len);
			if (end < len && s[end] == ':') { /* a key */
				if (p.sep)
					put_char(o, ',');
				newline(&p);
				put_bytes(o, s + i, end - i);
				PUT_LIT(o, ": ");
				p.sep = false;
				i = end + 1;
			} else {
				before_value(&p);
				put_bytes(o, s + i, end - i);
				i = end;
			}
			break;
		}
		default: { /* a number, true, false, null */
			size_t end = i;
			while (end < len && !strchr(",:{}[]\" \n", s[end]))
				end++;
			before_value(&p);
			put_bytes(o, s + i, end - i);
			i = end;
			break;
		}
		}
	}
	put_char(o, '\n');
}
