/* publish.c: writes a built site folder as a commit on a branch (see
 * publish.h). Blobs and trees go straight into the object database; only
 * the branch reference moves, so the work tree, the index and HEAD are
 * never touched and publishing needs no checkout. */
#include "generator/publish.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <git2/sys/commit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Every entry of a site folder but .git and the generator's cache. */
static int publishable(const struct dirent *de)
{
	const char *nm = de->d_name;
	return strcmp(nm, ".") && strcmp(nm, "..") && strcmp(nm, ".git") &&
	       strncmp(nm, CACHE_PREFIX, strlen(CACHE_PREFIX));
}

/* Writes the tree of folder path; *empty is set when it holds no file,
 * since git does not keep empty folders. */
static int write_tree(git_repository *repo, const char *path, git_oid *out,
                      int *empty, ch_error *e)
{
	struct dirent **names = NULL;
	git_treebuilder *tb = NULL;
	ch_buf child = CH_BUF_INIT;
	int rc = -1;
	/* Sorted so that errors come out in a stable order. */
	int n = scandir(path, &names, publishable, alphasort);

	if (n < 0)
		return ch_fail(e, path, 0, "cannot open folder: %s",
		               strerror(errno));
	if (git_treebuilder_new(&tb, repo, NULL) < 0) {
		git_fail(e, path, "cannot build tree");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;
		git_oid id;
		git_filemode_t mode;
		ch_buf_reset(&child);
		ch_buf_printf(&child, "%s/%s", path, name);
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
		if (git_treebuilder_insert(NULL, tb, name, &id, mode) < 0) {
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
	for (int i = 0; i < n; i++)
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
	git_signature *user = NULL;
	int rc = 0;

	if (git_signature_default(&user, repo) < 0)
		git_error_clear();
	if (git_signature_new(sig, user ? user->name : DEFAULT_NAME,
	                      user ? user->email : DEFAULT_EMAIL,
	                      git_commit_time(src),
	                      git_commit_time_offset(src)) < 0)
		rc = git_fail(e, NULL, "cannot make the commit signature");
	git_signature_free(user);
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
	/* It checks refs/heads/<branch> as a reference name too. */
	if (git_branch_name_is_valid(&valid, branch) < 0 || !valid)
		return bad_branch(branch, e);
	ch_buf_printf(refname, "refs/heads/%s", branch);
	if (!ch_buf_ok(refname))
		return ch_fail(e, NULL, 0, "out of memory");
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
	git_signature *sig = NULL;
	ch_buf refname = CH_BUF_INIT;
	char msg[GIT_OID_HEXSZ + 32];
	git_oid tree_id, commit_id;
	const git_oid *parent = NULL;
	int empty = 0, found, rc = -1;

	*created = 0;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) < 0) {
		ch_fail(e, repo_dir, 0, "not a git repository");
		goto out;
	}
	if (check_branch(repo, branch, &refname, e) < 0)
		goto out;
	if (git_revparse_single(&srcobj, repo, source_commit) < 0 ||
	    git_object_peel((git_object **)&src, srcobj, GIT_OBJECT_COMMIT) < 0) {
		ch_fail(e, NULL, 0, "no commit '%s' in %s", source_commit,
		        repo_dir);
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
		parent = git_commit_id(tip);
		if (git_oid_equal(git_commit_tree_id(tip), &tree_id)) {
			rc = 0; /* already published */
			goto out;
		}
	} else if (found != GIT_ENOTFOUND) {
		git_fail(e, NULL, "cannot read the branch");
		goto out;
	}
	git_error_clear();

	if (make_signature(repo, src, &sig, e) < 0)
		goto out;
	snprintf(msg, sizeof msg, "Publish site from %s\n",
	         git_oid_tostr_s(git_commit_id(src)));
	/* With update_ref libgit2 moves the branch only if its tip is still
	 * the parent, so a concurrent publish cannot be lost. */
	if (git_commit_create_from_ids(&commit_id, repo, refname.data, sig, sig,
	                               NULL, msg, &tree_id, parent ? 1 : 0,
	                               &parent) < 0) {
		git_fail(e, NULL, "cannot commit the site");
		goto out;
	}
	*created = 1;
	rc = 0;
out:
	ch_buf_free(&refname);
	git_signature_free(sig);
	git_commit_free(tip);
	git_reference_free(ref);
	git_commit_free(src);
	git_object_free(srcobj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
