/* repo.c: reading content/ and site/ from git (or the work tree) and
 * dating content files from history in one walk. */
#include "generator/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/grow.h"
#include "common/fsutil.h"
#include "common/parallel.h"
#include "common/trace.h"

#define MAX_FILE (64u * 1024 * 1024)

static const char *const roots[] = {"content", "site"};

static int git_fail(ch_error *e, const char *file, const char *what)
{
	const git_error *g = git_error_last();
	return ch_fail(e, file, 0, "%s%s%s", what, g ? ": " : "",
	               g ? g->message : "");
}

/* Adds a file, its bytes unread; id NULL leaves its blob id unknown for
 * now. */
static int add_file(gen_source *s, const char *path, const git_oid *id,
                    ch_error *e)
{
	gen_file *f;

	if (CH_GROW(s->files, s->nfiles + 1, s->capfiles) < 0)
		return ch_fail(e, path, 0, "out of memory");
	f = &s->files[s->nfiles];
	memset(f, 0, sizeof *f);
	f->path = strdup(path);
	if (!f->path)
		return ch_fail(e, path, 0, "out of memory");
	if (id)
		git_oid_fmt(f->blob_id, id);
	f->blob_id[id ? 40 : 0] = '\0';
	s->nfiles++;
	return 0;
}

/* Reads f's blob from repo into f->data. */
static int read_blob(git_repository *repo, gen_file *f, ch_error *e)
{
	git_blob *blob = NULL;
	git_oid id;
	size_t len;

	if (git_oid_fromstr(&id, f->blob_id) < 0 ||
	    git_blob_lookup(&blob, repo, &id) < 0)
		return git_fail(e, f->path, "cannot read blob");
	len = (size_t)git_blob_rawsize(blob);
	f->data = len <= MAX_FILE ? malloc(len + 1) : NULL;
	if (f->data) {
		memcpy(f->data, git_blob_rawcontent(blob), len);
		f->data[len] = '\0';
		f->len = len;
	}
	git_blob_free(blob);
	if (!f->data)
		return ch_fail(e, f->path, 0, len > MAX_FILE ? "file too large" :
		               "out of memory");
	return 0;
}

/* --- from a commit ----------------------------------------------------- */

struct walk_ctx {
	gen_source *src;
	const char *root;
	ch_error *e;
	int failed;
	const gen_source_hints *hints;
	size_t *unread;     /* files whose bytes are to be read (owned) */
	size_t nunread, capunread;
};

static int known(const gen_source_hints *h, const char *path, const char *hex)
{
	return h && h->known && h->known(h->ctx, path, hex);
}

static int walk_cb(const char *dir, const git_tree_entry *ent, void *payload)
{
	struct walk_ctx *w = payload;
	char path[1024];

	if (git_tree_entry_type(ent) != GIT_OBJECT_BLOB)
		return 0;
	if ((size_t)snprintf(path, sizeof path, "%s/%s%s", w->root, dir,
	                     git_tree_entry_name(ent)) >= sizeof path) {
		ch_fail(w->e, w->root, 0, "a path under it is too long");
		goto fail;
	}
	if (git_tree_entry_filemode(ent) == GIT_FILEMODE_LINK)
		return 0; /* a symlink's target is no content of ours */
	if (add_file(w->src, path, git_tree_entry_id(ent), w->e) < 0)
		goto fail;
	if (known(w->hints, path, w->src->files[w->src->nfiles - 1].blob_id))
		return 0;
	/* Read after the walk, on several threads (blob_run). */
	if (CH_GROW(w->unread, w->nunread + 1, w->capunread) < 0) {
		ch_fail(w->e, path, 0, "out of memory");
		goto fail;
	}
	w->unread[w->nunread++] = w->src->nfiles - 1;
	return 0;
fail:
	w->failed = 1;
	return -1;
}

/* Reading blobs on several threads, each with a repository of its own
 * (the rules: common/parallel.h). */
typedef struct blob_job {
	const char *repo_path;
	gen_source *src;
	const size_t *unread;
} blob_job;

static int blob_run(void *ctx, size_t begin, size_t end, ch_error *e)
{
	blob_job *j = ctx;
	git_repository *repo = NULL;
	int rc = 0;

	if (git_repository_open_bare(&repo, j->repo_path) < 0)
		return git_fail(e, "", "cannot open the repository");
	for (size_t k = begin; k < end && rc == 0; k++)
		rc = read_blob(repo, &j->src->files[j->unread[k]], e);
	git_repository_free(repo);
	return rc;
}

/* Below this many files one thread reads them all. */
#define READ_THREADS_MIN 256

static int read_commit(git_repository *repo, git_commit *commit,
                       gen_source *s, const gen_source_hints *hints,
                       ch_error *e)
{
	git_tree *tree = NULL;
	struct walk_ctx w;
	blob_job job;
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (git_commit_tree(&tree, commit) < 0) {
		git_fail(e, "", "cannot read the commit's tree");
		goto out;
	}
	w.src = s;
	w.e = e;
	w.hints = hints;
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		git_tree_entry *ent = NULL;
		git_tree *sub = NULL;

		w.root = roots[i];
		if (git_tree_entry_bypath(&ent, tree, roots[i]) < 0)
			continue; /* a missing site/ or content/ is caught later */
		if (git_tree_entry_type(ent) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&sub, repo, git_tree_entry_id(ent)) < 0) {
			git_tree_entry_free(ent);
			continue;
		}
		git_tree_entry_free(ent);
		if (git_tree_walk(sub, GIT_TREEWALK_PRE, walk_cb, &w) < 0) {
			git_tree_free(sub);
			if (!w.failed)
				git_fail(e, roots[i], "cannot walk the tree");
			goto out;
		}
		git_tree_free(sub);
	}
	job.repo_path = git_repository_path(repo);
	job.src = s;
	job.unread = w.unread;
	if (ch_parallel_for(w.nunread, ch_parallel_threads(w.nunread, READ_THREADS_MIN),
	                    blob_run, &job, e) < 0)
		goto out;
	rc = 0;
out:
	free(w.unread);
	git_tree_free(tree);
	return rc;
}

/* --- from the work tree ------------------------------------------------ */

/* Lists the regular files under rel with their stats, bytes unread and
 * blob ids unknown (resolve() comes next): the walk is mostly the
 * kernel's stat, and the caller's hints (from the build cache, which may
 * still be loading) are not needed until every file is listed. */
static int walk_dir(const char *workdir, const char *rel, gen_source *s,
                    ch_error *e)
{
	char full[4096];
	struct dirent **names = NULL;
	int n, dfd, rc = 0;

	snprintf(full, sizeof full, "%s%s", workdir, rel);
	n = scandir(full, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : ch_fail(e, rel, 0, "%s", strerror(errno));
	/* Names looked up in their folder, not from the root each time: a
	 * rebuild's reading is mostly these stats. */
	dfd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		rc = ch_fail(e, rel, 0, "%s", strerror(errno));
	for (int i = 0; i < n; i++) {
		char child[2048];
		struct stat st;
		const char *name = names[i]->d_name;

		if (rc < 0 || name[0] == '.')
			continue; /* hidden files and editor droppings */
		if ((size_t)snprintf(child, sizeof child, "%s/%s", rel, name) >= sizeof child ||
		    strlen(workdir) + strlen(child) >= 4096) {
			rc = ch_fail(e, rel, 0, "a path under it is too long");
		} else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = ch_fail(e, child, 0, "%s", strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(workdir, child, s, e);
		} else if (S_ISREG(st.st_mode)) {
			gen_file *f;
			rc = add_file(s, child, NULL, e);
			if (rc < 0)
				continue;
			f = &s->files[s->nfiles - 1];
			f->st.size = (long long)st.st_size;
			f->st.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
			                 st.st_mtim.tv_nsec;
			f->st.ctime_ns = (long long)st.st_ctim.tv_sec * 1000000000LL +
			                 st.st_ctim.tv_nsec;
			f->st.ino = (unsigned long long)st.st_ino;
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* Gives every listed work-tree file its blob id: the hints' when its
 * stats say it is unchanged and its bytes need not be read, else read
 * and hashed. */
static int resolve(const char *workdir, gen_source *s,
                   const gen_source_hints *h, ch_error *e)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		gen_file *f = &s->files[i];
		char path[4096], hex[41];
		git_oid id;

		if (h && h->blob_of && h->blob_of(h->ctx, f, hex) &&
		    known(h, f->path, hex)) {
			memcpy(f->blob_id, hex, 41);
			continue;
		}
		snprintf(path, sizeof path, "%s%s", workdir, f->path);
		if (ch_read_file(path, MAX_FILE, &f->data, &f->len, e) < 0)
			return -1;
		if (git_odb_hash(&id, f->data, f->len, GIT_OBJECT_BLOB) < 0)
			return git_fail(e, f->path, "cannot hash");
		git_oid_fmt(f->blob_id, &id);
		f->blob_id[40] = '\0';
	}
	return 0;
}

/* --- dates ------------------------------------------------------------- */

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const gen_file *)a)->path, ((const gen_file *)b)->path);
}

static int cmp_path_file(const void *path, const void *f)
{
	return strcmp(path, ((const gen_file *)f)->path);
}

gen_file *gen_source_file_rw(gen_source *s, const char *path)
{
	return s->nfiles ? bsearch(path, s->files, s->nfiles, sizeof *s->files,
	                           cmp_path_file) : NULL;
}

const gen_file *gen_source_file(const gen_source *s, const char *path)
{
	return s->nfiles ? bsearch(path, s->files, s->nfiles, sizeof *s->files,
	                           cmp_path_file) : NULL;
}

static int content_tree(git_repository *repo, git_commit *c, git_tree **out)
{
	git_tree *root = NULL;
	git_tree_entry *ent = NULL;
	int rc = 0;

	*out = NULL;
	if (git_commit_tree(&root, c) < 0)
		return -1;
	if (git_tree_entry_bypath(&ent, root, "content") == 0 &&
	    git_tree_entry_type(ent) == GIT_OBJECT_TREE)
		rc = git_tree_lookup(out, repo, git_tree_entry_id(ent));
	git_tree_entry_free(ent);
	git_tree_free(root);
	return rc;
}

/* One walk, newest first (children before parents even when clocks were
 * skewed): a content file's date is the time of the first
 * commit met whose content/ differs from its first parent's in that path.
 * Commits whose content/ tree equals the parent's are skipped without a
 * diff, and the walk stops once every file is dated. */
/* Dates the files that commit c changed against its first parent and
 * that have none yet; -1 on a libgit2 error. */
static int date_commit(git_repository *repo, git_commit *c, gen_source *s,
                       size_t *pending)
{
	git_commit *parent = NULL;
	git_tree *ct = NULL, *pt = NULL;
	git_diff *diff = NULL;
	long long when = (long long)git_commit_time(c);
	int rc = -1;

	if (content_tree(repo, c, &ct) < 0 ||
	    (git_commit_parentcount(c) > 0 &&
	     (git_commit_parent(&parent, c, 0) < 0 ||
	      content_tree(repo, parent, &pt) < 0)))
		goto out;
	if (ct && pt && git_oid_equal(git_tree_id(ct), git_tree_id(pt))) {
		rc = 0;
		goto out;
	}
	if (git_diff_tree_to_tree(&diff, repo, pt, ct, NULL) < 0)
		goto out;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		char path[4096];
		gen_file *f;

		snprintf(path, sizeof path, "content/%s", d->new_file.path);
		f = gen_source_file_rw(s, path);
		if (f && f->updated < 0) {
			f->updated = when;
			(*pending)--;
		}
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(ct);
	git_tree_free(pt);
	git_commit_free(parent);
	return rc;
}

/* Walks history from start (hiding hide, when given) until every file
 * is dated; 1 when a commit with more parents than one was met and
 * stop_at_merge is set (nothing dated is then to be trusted). */
static int walk_dates(git_repository *repo, const git_oid *start,
                      const git_oid *hide, int stop_at_merge, gen_source *s,
                      size_t *pending, ch_error *e)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc = -1, r = 0;

	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, start) < 0 ||
	    (hide && git_revwalk_hide(walk, hide) < 0)) {
		git_fail(e, "", "cannot walk history");
		goto out;
	}
	while (*pending > 0 && (r = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		int ok = git_commit_lookup(&c, repo, &oid) < 0 ? -1 : 0;
		if (ok == 0 && stop_at_merge && git_commit_parentcount(c) > 1) {
			git_commit_free(c);
			rc = 1;
			goto out;
		}
		if (ok == 0)
			ok = date_commit(repo, c, s, pending);
		git_commit_free(c);
		if (ok < 0) {
			git_fail(e, "", "cannot read history");
			goto out;
		}
	}
	rc = 0;
out:
	git_revwalk_free(walk);
	return rc;
}

/* The dates the build before knew: 1 when every file without one found
 * one. */
static int known_dates(gen_source *s, const gen_source_hints *h)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		gen_file *f = &s->files[i];
		if (f->updated == -1 && !h->date_of(h->ctx, f->path, &f->updated))
			return 0;
	}
	return 1;
}

/* Marks every content file undated; returns their number. */
static size_t undate(gen_source *s)
{
	size_t pending = 0;

	for (size_t i = 0; i < s->nfiles; i++)
		if (strncmp(s->files[i].path, "content/", 8) == 0) {
			s->files[i].updated = -1;
			pending++;
		}
	return pending;
}

/* Each content file's date: that of the last commit that changed it.
 * The build before knew them for its commit: for that commit they are
 * taken as they are, and for a commit on a straight line of history
 * after it only the commits since are walked (the dates are then those
 * the whole walk would give). */
static int date_files(git_repository *repo, const git_oid *start,
                      gen_source *s, const gen_source_hints *h, ch_error *e)
{
	const char *was = h && h->date_of && h->dated ? h->dated(h->ctx) : NULL;
	size_t pending = undate(s);
	git_oid old;
	int r;

	if (was && strcmp(was, s->commit) == 0 && known_dates(s, h))
		return 0;
	/* (Not for the work tree: its drafts were dated with the commit
	 * they sat on, which has moved.) */
	if (was && !s->worktree && strcmp(was, s->commit) != 0 &&
	    git_oid_fromstr(&old, was) == 0 &&
	    git_graph_descendant_of(repo, start, &old) == 1) {
		r = walk_dates(repo, start, &old, 1, s, &pending, e);
		if (r < 0)
			return -1;
		if (r == 0 && known_dates(s, h))
			goto drafts;
	}
	pending = undate(s);
	if (walk_dates(repo, start, NULL, 0, s, &pending, e) < 0)
		return -1;
drafts:
	/* Drafts never committed carry the time of the commit they sit on. */
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].updated < 0)
			s->files[i].updated = s->commit_time;
	return 0;
}

/* --- entry ------------------------------------------------------------- */

int gen_source_read(const char *repo_dir, const char *rev, int worktree,
                    const gen_source_hints *hints, gen_source *out,
                    ch_error *e)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	const char *spec = rev ? rev : "HEAD";
	int rc = -1;

	memset(out, 0, sizeof *out);
	git_libgit2_init();
	/* Every blob is read once: hashing each again to verify it costs a
	 * large site more than reading it (git fsck is the place for that). */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) < 0) {
		ch_fail(e, repo_dir, 0, "not a git repository");
		goto out;
	}
	if (worktree && git_repository_is_bare(repo)) {
		ch_fail(e, repo_dir, 0, "--worktree needs a work tree, the repository is bare");
		goto out;
	}
	if (git_revparse_single(&obj, repo, spec) < 0) {
		ch_fail(e, "", 0, "unknown revision '%s'", spec);
		goto out;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		ch_fail(e, "", 0, "revision '%s' is not a commit", spec);
		goto out;
	}
	git_oid_fmt(out->commit, git_commit_id(commit));
	out->commit[40] = '\0';
	snprintf(out->short_id, sizeof out->short_id, "%.10s", out->commit);
	out->commit_time = (long long)git_commit_time(commit);
	out->worktree = worktree;
	ch_trace("source: open the repository");
	if (worktree) {
		const char *wd = git_repository_workdir(repo);
		for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
			if (walk_dir(wd, roots[i], out, e) < 0)
				goto out;
		ch_trace("source: list the work tree");
		if (hints && hints->ready)
			hints->ready(hints->ctx);
		ch_trace("source: wait for the cache");
		if (resolve(wd, out, hints, e) < 0)
			goto out;
		ch_trace("source: blob ids");
	} else {
		if (hints && hints->ready)
			hints->ready(hints->ctx);
		if (read_commit(repo, commit, out, hints, e) < 0)
			goto out;
	}
	if (out->nfiles > 1)
		qsort(out->files, out->nfiles, sizeof *out->files, cmp_file);
	ch_trace("source: sorted");
	if (date_files(repo, git_commit_id(commit), out, hints, e) < 0)
		goto out;
	ch_trace("source: dates");
	/* Closed now, with its caches; gen_source_load opens it again in
	 * the rare build that needs an unread file. */
	out->repo_path = strdup(git_repository_path(repo));
	if (!out->repo_path) {
		ch_fail(e, repo_dir, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		gen_source_free(out);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

int gen_source_load(gen_source *s, gen_file *f, ch_error *e)
{
	git_repository *repo = s->repo;
	char *data = NULL;
	size_t len = 0;
	git_oid id;
	int rc = -1;

	if (f->data)
		return 0;
	if (!repo) {
		if (!s->repo_path ||
		    git_repository_open(&repo, s->repo_path) < 0)
			return git_fail(e, f->path, "cannot open the repository again");
		s->repo = repo;
	}
	if (s->worktree) {
		char path[8192];
		snprintf(path, sizeof path, "%s%s", git_repository_workdir(repo), f->path);
		if (ch_read_file(path, MAX_FILE, &data, &len, e) < 0)
			return -1;
		/* Changed since the stat said otherwise: a full build is right. */
		if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0 ||
		    (git_oid_fmt(path, &id), memcmp(path, f->blob_id, 40) != 0)) {
			ch_fail(e, f->path, 0, "changed while the site was built; build again");
			goto out;
		}
		f->data = data;
		f->len = len;
		data = NULL;
	} else if (read_blob(repo, f, e) < 0) {
		goto out;
	}
	rc = 0;
out:
	free(data);
	return rc;
}

void gen_source_free(gen_source *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].data);
	}
	free(s->files);
	s->files = NULL;
	s->nfiles = s->capfiles = 0;
	git_repository_free(s->repo);
	s->repo = NULL;
	free(s->repo_path);
	s->repo_path = NULL;
}

/* Stops the status walk at the first change outside hidden names: the
 * build's reading of the work tree skips those, so they make no draft. */
static int draft_change(const char *path, unsigned int status, void *unused)
{
	(void)unused;
	return status != GIT_STATUS_CURRENT && path[0] != '.' &&
	       !strstr(path, "/.");
}

int gen_preview_worktree(const char *repo_dir, int *worktree, ch_error *e)
{
	git_repository *repo = NULL;
	char *paths[] = {"content", "site"};
	git_status_options opts = {
		.version = GIT_STATUS_OPTIONS_VERSION,
		.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR,
		.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		         GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		         GIT_STATUS_OPT_EXCLUDE_SUBMODULES,
		.pathspec = {paths, sizeof paths / sizeof paths[0]},
	};
	int rc = -1, changed;

	*worktree = 1;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) < 0) {
		ch_fail(e, repo_dir, 0, "not a git repository");
		goto out;
	}
	if (git_repository_is_bare(repo)) {
		*worktree = 0;
		rc = 0;
		goto out;
	}
	changed = git_status_foreach_ext(repo, &opts, draft_change, NULL);
	if (changed < 0) {
		git_fail(e, repo_dir, "cannot read the work tree's status");
		goto out;
	}
	*worktree = changed > 0;
	git_error_clear(); /* the callback's stop is no error */
	rc = 0;
out:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
