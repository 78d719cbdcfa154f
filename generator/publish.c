/* publish.c: writes a built site folder as a commit on a branch (see
 * publish.h). Blobs and trees go straight into the object database; only
 * the branch reference moves, so the work tree, the index and HEAD are
 * never touched and publishing needs no checkout. */
#include "generator/publish.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/grow.h"
#include "common/buf.h"

#define DEFAULT_NAME "certhall-site"
#define DEFAULT_EMAIL "certhall-site@localhost"
#define CACHE_PREFIX ".certhall-cache"

static int git_fail(ch_error *e, const char *file, const char *what)
{
	const git_error *g = git_error_last();
	return ch_fail(e, file, 0, "%s: %s", what,
	               g && g->message ? g->message : "unknown libgit2 error");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder, sorted so that errors come out in a stable
 * order; the caller frees each name and the array. */
static int list_dir(const char *path, char ***names, size_t *n, ch_error *e)
{
	DIR *d = opendir(path);
	if (!d)
		return ch_fail(e, path, 0, "cannot open folder: %s",
		               strerror(errno));
	char **v = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, ".git") ||
		    !strncmp(nm, CACHE_PREFIX, strlen(CACHE_PREFIX)))
			continue;
		if (CH_GROW(v, len + 1, cap) < 0)
			goto nomem;
		if (!(v[len] = strdup(nm)))
			goto nomem;
		len++;
	}
	if (errno) {
		ch_fail(e, path, 0, "cannot read folder: %s", strerror(errno));
		goto out;
	}
	if (len > 1) /* v is NULL for an empty folder */
		qsort(v, len, sizeof *v, cmp_str);
	*names = v;
	*n = len;
	v = NULL;
	len = 0;
	rc = 0;
	goto out;
nomem:
	ch_fail(e, path, 0, "out of memory");
out:
	for (size_t i = 0; i < len; i++)
		free(v[i]);
	free(v);
	closedir(d);
	return rc;
}

/* Writes the tree of folder path; *empty is set when it holds no file,
 * since git does not keep empty folders. */
static int write_tree(git_repository *repo, const char *path, git_oid *out,
                      int *empty, ch_error *e)
{
	char **names = NULL;
	size_t n = 0;
	git_treebuilder *tb = NULL;
	ch_buf child = CH_BUF_INIT;
	int rc = -1;

	if (list_dir(path, &names, &n, e) < 0)
		return -1;
	if (git_treebuilder_new(&tb, repo, NULL) < 0) {
		git_fail(e, path, "cannot build tree");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		git_oid id;
		git_filemode_t mode;
		ch_buf_reset(&child);
		ch_buf_printf(&child, "%s/%s", path, names[i]);
		if (!ch_buf_ok(&child)) {
			ch_fail(e, path, 0, "out of memory");
			goto out;
		}
		if (lstat(child.data, &st) < 0) {
			ch_fail(e, child.data, 0, "cannot read: %s",
			        strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub_empty;
			if (write_tree(repo, child.data, &id, &sub_empty, e) < 0)
				goto out;
			if (sub_empty)
				continue;
			mode = GIT_FILEMODE_TREE;
		} else if (S_ISREG(st.st_mode)) {
			if (git_blob_create_from_disk(&id, repo, child.data) < 0) {
				git_fail(e, child.data, "cannot store file");
				goto out;
			}
			mode = st.st_mode & S_IXUSR ? GIT_FILEMODE_BLOB_EXECUTABLE
			                            : GIT_FILEMODE_BLOB;
		} else {
			/* A link could publish a file from outside the site. */
			ch_fail(e, child.data, 0,
			        "not a regular file or folder; refusing to publish it");
			goto out;
		}
		if (git_treebuilder_insert(NULL, tb, names[i], &id, mode) < 0) {
			git_fail(e, child.data, "cannot add to tree");
			goto out;
		}
	}
	*empty = git_treebuilder_entrycount(tb) == 0;
	if (git_treebuilder_write(out, tb) < 0) {
		git_fail(e, path, "cannot write tree");
		goto out;
	}
	rc = 0;
out:
	ch_buf_free(&child);
	git_treebuilder_free(tb);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* user.name and user.email from the repository's configuration (which
 * includes the global one), else the program's own identity; dated with
 * the source commit's time. */
static int make_signature(git_repository *repo, const git_commit *src,
                          git_signature **sig, ch_error *e)
{
	git_config *cfg = NULL;
	const char *name = NULL, *email = NULL;
	int rc = -1;
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_string(&name, cfg, "user.name") < 0 ||
		    !name[0])
			name = NULL;
		if (git_config_get_string(&email, cfg, "user.email") < 0 ||
		    !email[0])
			email = NULL;
	}
	git_error_clear();
	if (git_signature_new(sig, name && email ? name : DEFAULT_NAME,
	                      name && email ? email : DEFAULT_EMAIL,
	                      git_commit_time(src),
	                      git_commit_time_offset(src)) < 0) {
		git_fail(e, NULL, "cannot make the commit signature");
		goto out;
	}
	rc = 0;
out:
	git_config_free(cfg);
	return rc;
}

/* The error must stay one line even for a name holding control
 * characters. */
static int bad_branch(const char *branch, ch_error *e)
{
	for (const char *s = branch; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return ch_fail(e, NULL, 0, "invalid branch name (it holds "
			               "control characters)");
	return ch_fail(e, NULL, 0, "invalid branch name '%s'", branch);
}

static int check_branch(git_repository *repo, const char *branch,
                        ch_buf *refname, ch_error *e)
{
	int valid = 0;
	if (!branch)
		branch = "";
	if (!branch[0] || git_branch_name_is_valid(&valid, branch) < 0 ||
	    !valid)
		return bad_branch(branch, e);
	ch_buf_printf(refname, "refs/heads/%s", branch);
	if (!ch_buf_ok(refname))
		return ch_fail(e, NULL, 0, "out of memory");
	valid = 0;
	if (git_reference_name_is_valid(&valid, refname->data) < 0 || !valid)
		return bad_branch(branch, e);
	/* Moving the checked-out branch would leave the work tree behind it. */
	git_reference *head = NULL;
	int rc = 0;
	if (!git_repository_is_bare(repo) &&
	    git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    strcmp(git_reference_symbolic_target(head), refname->data) == 0)
		rc = ch_fail(e, NULL, 0,
		             "branch '%s' is checked out; publish to another "
		             "branch", branch);
	git_reference_free(head);
	git_error_clear();
	return rc;
}

int gen_publish(const char *repo_dir, const char *site_dir,
                const char *branch, const char *source_commit, int *created,
                ch_error *e)
{
	git_repository *repo = NULL;
	git_object *srcobj = NULL;
	git_commit *src = NULL, *tip = NULL;
	git_reference *ref = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	ch_buf refname = CH_BUF_INIT, msg = CH_BUF_INIT;
	git_oid tree_id, commit_id;
	int empty = 0, found, rc = -1;
	struct stat st;
	const git_commit *parents[1];

	*created = 0;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) < 0) {
		ch_fail(e, repo_dir, 0, "not a git repository");
		goto out;
	}
	if (check_branch(repo, branch, &refname, e) < 0)
		goto out;
	if (!source_commit)
		source_commit = "HEAD";
	if (git_revparse_single(&srcobj, repo, source_commit) < 0 ||
	    git_object_peel((git_object **)&src, srcobj, GIT_OBJECT_COMMIT) < 0) {
		ch_fail(e, NULL, 0, "no commit '%s' in %s", source_commit,
		        repo_dir);
		goto out;
	}
	if (stat(site_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		ch_fail(e, site_dir, 0, "no built site folder here");
		goto out;
	}
	if (write_tree(repo, site_dir, &tree_id, &empty, e) < 0)
		goto out;
	if (empty) {
		ch_fail(e, site_dir, 0, "the site folder is empty");
		goto out;
	}

	found = git_reference_lookup(&ref, repo, refname.data);
	if (found == 0) {
		if (git_reference_peel((git_object **)&tip, ref,
		                       GIT_OBJECT_COMMIT) < 0) {
			git_fail(e, NULL, "the branch's tip is not a commit");
			goto out;
		}
		if (git_oid_equal(git_commit_tree_id(tip), &tree_id)) {
			rc = 0; /* already published */
			goto out;
		}
	} else if (found != GIT_ENOTFOUND) {
		git_fail(e, NULL, "cannot read the branch");
		goto out;
	}
	git_error_clear();

	if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
		git_fail(e, NULL, "cannot read the written tree");
		goto out;
	}
	if (make_signature(repo, src, &sig, e) < 0)
		goto out;
	ch_buf_printf(&msg, "Publish site from %s\n",
	              git_oid_tostr_s(git_commit_id(src)));
	if (!ch_buf_ok(&msg)) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	parents[0] = tip;
	/* With update_ref libgit2 moves the branch only if its tip is still
	 * the parent, so a concurrent publish cannot be lost. */
	if (git_commit_create(&commit_id, repo, refname.data, sig, sig, NULL,
	                      msg.data, tree, tip ? 1 : 0, parents) < 0) {
		git_fail(e, NULL, "cannot commit the site");
		goto out;
	}
	*created = 1;
	rc = 0;
out:
	ch_buf_free(&refname);
	ch_buf_free(&msg);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(tip);
	git_reference_free(ref);
	git_commit_free(src);
	git_object_free(srcobj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
