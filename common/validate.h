/* validate.h: the checks of BUNDLE.md on single values.
 *
 * Every check folds full-width digits and letters to half-width first.
 * Each returns 1 when the value is valid and 0 when not; where a value has
 * a canonical form (mobile, bank account) the check writes it to `out`
 * when out is not NULL. The browser's copy of these checks is
 * site/assets/validate.js; both are held to tests/fixtures/vectors/. */
#ifndef CH_VALIDATE_H
#define CH_VALIDATE_H

/* today is YYYYMMDD for the "birth date not in the future" rule; 0 means
 * the current date in Asia/Shanghai. */
int ch_valid_id_number(const char *s, long today);
int ch_valid_uscc(const char *s);
int ch_valid_mobile(const char *s, char out[12]);
int ch_valid_email(const char *s);
int ch_valid_postcode(const char *s); /* six digits; "" is valid (optional) */
int ch_valid_taxpayer_id(const char *s);
int ch_valid_bank_account(const char *s, char out[33]);

/* Runs the check named in the schema ("id_number", "uscc", "mobile",
 * "email", "postcode", "taxpayer_id", "bank_account"). Returns NULL when
 * valid, else the finding code (e.g. "ID_NUMBER_INVALID"). An unknown
 * check name returns "SCHEMA_UNKNOWN_CHECK". */
const char *ch_check_value(const char *check, const char *value, long today);

/* As ch_check_value, and *variant names what is wrong more precisely
 * when the schema may have a message for it ("length": an ID number that
 * is not 18 characters long, a 15-digit first-generation number for
 * one), else NULL. */
const char *ch_check_value_why(const char *check, const char *value,
                               long today, const char **variant);

/* 1 if `check` names a known validator. */
int ch_check_known(const char *check);

#endif
