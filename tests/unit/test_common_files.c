/* Files and hashes: whole-file reads with a limit, atomic writes that
 * leave nothing behind, folders, and SHA-256 against FIPS 180's vectors. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/sha256.h"

static char dir[] = "/tmp/certhall-files-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	ch_error e = {0};

	cr_expect_eq(ch_remove_tree(dir, &e), 0, "%s", e.msg);
}

TestSuite(files, .init = setup, .fini = teardown);

static char *in_dir(const char *name)
{
	static char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

Test(files, write_atomic_then_read)
{
	ch_error e = {0};
	char *data;
	size_t len;
	struct stat st;
	const char *path = in_dir("a.txt");

	cr_assert_eq(ch_write_atomic(path, "你好\n", 7, 0640, &e), 0, "%s", e.msg);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
	cr_assert_eq(ch_read_file(path, 7, &data, &len, &e), 0, "%s", e.msg);
	cr_expect_eq(len, 7);
	cr_expect_str_eq(data, "你好\n");
	free(data);
	/* Replacing keeps one file and no temporary beside it. */
	cr_assert_eq(ch_write_atomic(path, "x", 1, 0600, &e), 0, "%s", e.msg);
	cr_assert_eq(ch_read_file(path, 100, &data, &len, &e), 0);
	cr_expect_str_eq(data, "x");
	free(data);
	cr_expect_eq(ch_remove_tree(in_dir("a.txt"), &e), 0);
	cr_expect_eq(rmdir(dir), 0, "the folder holds nothing else");
	cr_assert_eq(mkdir(dir, 0700), 0);
}

Test(files, read_limit_and_errors)
{
	ch_error e = {0};
	char *data = (char *)1;
	size_t len;
	const char *path = in_dir("b.txt");

	cr_assert_eq(ch_write_atomic(path, "12345678", 8, 0600, &e), 0);
	cr_expect_eq(ch_read_file(path, 7, &data, &len, &e), -1);
	cr_expect_null(data);
	cr_expect_str_eq(e.file, path);
	cr_expect(strstr(e.msg, "too large") != NULL, "%s", e.msg);
	cr_expect_eq(ch_read_file(path, 8, &data, &len, &e), 0);
	free(data);
	cr_expect_eq(ch_read_file(in_dir("missing"), 8, &data, &len, &e), -1);
	cr_expect_eq(ch_read_file(dir, 8, &data, &len, &e), -1, "a folder is not a file");
	cr_expect_eq(ch_write_atomic(in_dir("no/such/folder"), "x", 1, 0600, &e), -1);
}

/* Inputs someone else named: only regular files, and no name makes the
 * open or the read wait (the timeout fails a test that would hang). */
Test(files, open_input_refuses_what_is_not_a_regular_file, .timeout = 10)
{
	ch_error e = {0};
	char *data = NULL;
	size_t len;
	uint64_t size = 0;
	int fd, flags;
	char fifo[256], reg[256], target[256];

	/* in_dir's answer is overwritten by its next call: copied. */
	snprintf(fifo, sizeof fifo, "%s", in_dir("pipe.json"));
	snprintf(reg, sizeof reg, "%s", in_dir("app.json"));

	cr_assert_eq(ch_write_atomic(reg, "{}", 2, 0600, &e), 0, "%s", e.msg);
	fd = ch_open_input(reg, &size, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_expect_eq(size, 2);
	flags = fcntl(fd, F_GETFL);
	cr_expect_eq(flags & O_NONBLOCK, 0, "reads block again as usual");
	cr_expect_neq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_expect_eq(ch_open_input(fifo, &size, &e), -1);
	cr_expect_str_eq(e.file, fifo);
	cr_expect(strstr(e.msg, "a FIFO") != NULL, "%s", e.msg);
	cr_expect_eq(ch_read_file(fifo, 100, &data, &len, &e), -1);
	cr_expect_null(data);

	cr_expect_eq(ch_open_input("/dev/zero", &size, &e), -1);
	cr_expect(strstr(e.msg, "a device") != NULL, "%s", e.msg);
	cr_expect_eq(ch_read_file("/dev/zero", 100, &data, &len, &e), -1);

	cr_expect_eq(ch_open_input(dir, &size, &e), -1);
	cr_expect(strstr(e.msg, "a folder") != NULL, "%s", e.msg);

	snprintf(target, sizeof target, "%s", reg);
	cr_assert_eq(symlink(target, in_dir("link.json")), 0);
	cr_expect_eq(ch_open_input(in_dir("link.json"), &size, &e), -1);
	cr_expect(strstr(e.msg, "symbolic link") != NULL, "%s", e.msg);
	cr_expect_eq(ch_read_file(in_dir("link.json"), 100, &data, &len, &e), -1);

	cr_expect_eq(ch_open_input(in_dir("missing"), &size, &e), -1);
	cr_expect(strstr(e.msg, "No such file") != NULL, "%s", e.msg);
}

/* A sparse file far beyond the cap is refused on its size, unread. */
Test(files, read_file_caps_a_sparse_file, .timeout = 10)
{
	ch_error e = {0};
	char *data = NULL;
	size_t len;
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s", in_dir("sparse"));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)1 << 36), 0);
	close(fd);
	cr_expect_eq(ch_read_file(path, 1 << 20, &data, &len, &e), -1);
	cr_expect(strstr(e.msg, "too large") != NULL, "%s", e.msg);
	cr_expect_null(data);
}

Test(files, open_folder_refuses_a_link)
{
	ch_error e = {0};
	char target[256];
	DIR *d;

	cr_assert_eq(ch_mkdirs(in_dir("real"), 0700, &e), 0);
	d = ch_open_folder(in_dir("real"), &e);
	cr_assert_not_null(d, "%s", e.msg);
	closedir(d);
	snprintf(target, sizeof target, "%s", in_dir("real"));
	cr_assert_eq(symlink(target, in_dir("linked")), 0);
	cr_expect_null(ch_open_folder(in_dir("linked"), &e));
	cr_expect(strstr(e.msg, "symbolic link") != NULL, "%s", e.msg);
	cr_expect_null(ch_open_folder("/dev/null", &e));
}

Test(files, mkdirs_and_remove_tree)
{
	ch_error e = {0};
	struct stat st;

	cr_assert_eq(ch_mkdirs(in_dir("x/y/z"), 0700, &e), 0, "%s", e.msg);
	cr_assert_eq(ch_mkdirs(in_dir("x/y/z"), 0700, &e), 0, "again: %s", e.msg);
	cr_assert_eq(ch_write_atomic(in_dir("x/y/z/f"), "1", 1, 0600, &e), 0);
	cr_assert_eq(ch_mkdirs(in_dir("keep"), 0700, &e), 0);
	cr_assert_eq(ch_write_atomic(in_dir("keep/g"), "2", 1, 0600, &e), 0);
	char target[256];
	snprintf(target, sizeof target, "%s", in_dir("keep"));
	cr_assert_eq(symlink(target, in_dir("x/link")), 0);
	cr_expect_eq(ch_mkdirs(in_dir("x/y/z/f"), 0700, &e), -1, "a file is not a folder");
	cr_expect_eq(ch_mkdirs("", 0700, &e), -1);
	cr_assert_eq(ch_remove_tree(in_dir("x"), &e), 0, "%s", e.msg);
	cr_expect_neq(lstat(in_dir("x"), &st), 0);
	cr_expect_eq(stat(in_dir("keep/g"), &st), 0, "a link's target is never removed");
	cr_expect_eq(ch_remove_tree(in_dir("x"), &e), 0, "nothing to remove is fine");
}

Test(sha256, fips_vectors)
{
	char hex[65];
	ch_sha256 h;

	ch_sha256_buf_hex("", 0, hex);
	cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ch_sha256_buf_hex("abc", 3, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Streamed in pieces: the same digest. */
	ch_sha256_init(&h);
	ch_sha256_update(&h, "abcdbcdecdefdefgefghfghighijhi", 30);
	ch_sha256_update(&h, "jkijkljklmklmnlmnomnopnopq", 26);
	ch_sha256_hex(&h, hex);
	cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
