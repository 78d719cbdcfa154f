#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "batch/review/calendar.h"

static calendar cal;

static void load_real(void)
{
	ch_error e;
	cr_assert_eq(cal_load("content/calendar.yaml", &cal, &e), 0, "%s:%d: %s",
	             e.file, e.line, e.msg);
}

Test(calendar, the_2026_announcement, .init = load_real)
{
	ch_error e;

	cr_assert_eq(cal_is_workday(&cal, 20260104, &e), 1, "Sunday worked (元旦)");
	cr_assert_eq(cal_is_workday(&cal, 20260101, &e), 0);
	cr_assert_eq(cal_is_workday(&cal, 20260216, &e), 0, "春节 Monday");
	cr_assert_eq(cal_is_workday(&cal, 20260214, &e), 1, "Saturday worked");
	cr_assert_eq(cal_is_workday(&cal, 20261010, &e), 1);
	cr_assert_eq(cal_is_workday(&cal, 20261008, &e), 1, "after 国庆");
	cr_assert_eq(cal_is_workday(&cal, 20261205, &e), 0, "a plain Saturday");
	cr_assert_eq(cal_is_workday(&cal, 20261203, &e), 1, "a plain Thursday");
}

Test(calendar, due_dates_skip_holidays, .init = load_real)
{
	ch_error e;
	long d;

	cr_assert_eq(cal_add_workdays(&cal, 20260213, 1, &d, &e), 0);
	cr_assert_eq(d, 20260214);
	cr_assert_eq(cal_add_workdays(&cal, 20260214, 1, &d, &e), 0);
	cr_assert_eq(d, 20260224, "the nine days of 春节");
	cr_assert_eq(cal_add_workdays(&cal, 20260930, 3, &d, &e), 0);
	cr_assert_eq(d, 20261010, "8th, 9th, and the Saturday worked");
	cr_assert_eq(cal_add_workdays(&cal, 20261204, 1, &d, &e), 0);
	cr_assert_eq(d, 20261207, "Friday to Monday");
}

Test(calendar, a_year_not_listed_is_an_error, .init = load_real)
{
	ch_error e;
	long d;

	cr_assert_eq(cal_is_workday(&cal, 20250105, &e), -1);
	cr_assert(strstr(e.msg, "2025"), "%s", e.msg);
	cr_assert_eq(cal_add_workdays(&cal, 20261231, 1, &d, &e), -1);
	cr_assert(strstr(e.msg, "2027"), "%s", e.msg);
	cr_assert_eq(cal_is_workday(&cal, 20260230, &e), -1);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(calendar, bad_files_name_the_line)
{
	static const struct {
		const char *text;
		int line;
		const char *says;
	} bad[] = {
		{"2026:\n  holidays:\n    - 2026-13-01\n", 3, "not a day"},
		{"2026:\n  holiday:\n    - 2026-01-01\n", 2, "unknown key"},
		{"2026:\n  workdays:\n    - 2027-01-01\n", 3, "not in 2026"},
		{"2026:\n  holidays:\n    - 2026-01-03..2026-01-01\n", 3, "range"},
		{"twenty:\n  holidays: []\n", 1, "not a year"},
	};
	char path[] = "/tmp/certhall-cal-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		calendar c;
		ch_error e;
		write_file(path, bad[i].text);
		cr_assert_eq(cal_load(path, &c, &e), -1, "case %zu", i);
		cr_assert_eq(e.line, bad[i].line, "case %zu: %s", i, e.msg);
		cr_assert(strstr(e.msg, bad[i].says), "case %zu: %s", i, e.msg);
	}
	unlink(path);
}
