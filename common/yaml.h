/* yaml.h: YAML (libyaml) read into the jansson JSON model, so that front
 * matter, the form schema, the fee schedule and the configuration all use
 * one data model with application.json.
 *
 * Scalars stay strings unless plain and integer-shaped (-> integer) or
 * true/false (-> boolean) or ~/null (-> null); mappings must have string
 * keys; anchors and aliases are refused. */
#ifndef CH_YAML_H
#define CH_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"

/* Parses one YAML document. On error fills e with file and line. The
 * caller owns the result (json_decref). first_line is the line of the
 * file where text starts (1 for a whole file). */
json_t *ch_yaml_parse(const char *text, size_t len, const char *file,
                      int first_line, ch_error *e);

/* ch_yaml_parse that also gives each node's line: *lines (when lines is
 * not NULL) becomes an object mapping every node's JSON pointer ("" for
 * the root, "/fields/0/label") to its 1-based file line; a mapping member
 * is at the line of its key. The caller owns both results. */
json_t *ch_yaml_parse_lines(const char *text, size_t len, const char *file,
                            int first_line, json_t **lines, ch_error *e);

/* Splits a Markdown page into front matter and body. A page starts with
 * "---\n", YAML, and "---\n". The front matter must be a mapping. *meta is
 * an empty object when there is no front matter. *body points into text;
 * *body_line is the file line where the body starts. */
int ch_front_matter(const char *text, size_t len, const char *file,
                    json_t **meta, const char **body, size_t *body_len,
                    int *body_line, ch_error *e);

#endif
