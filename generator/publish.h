/* publish.h: commit a built site folder to a branch with libgit2, without
 * touching the work tree, the index or HEAD of the repository. */
#ifndef GEN_PUBLISH_H
#define GEN_PUBLISH_H

#include "common/error.h"

/* Makes a commit on refs/heads/<branch> whose tree is the content of
 * site_dir (files and folders; the generator's cache files
 * ".certhall-cache*" skipped), parent the branch's tip if it exists,
 * message "Publish site from <source_commit>", signature from the
 * repository's user.name/user.email or "certhall-site
 * <certhall-site@localhost>", dated with the source commit's time so that
 * publishing is deterministic. source_commit is a revision (hex id or
 * name) resolved in repo_dir. If the tree equals the tip's tree, no commit
 * is made and *created is 0; otherwise *created is 1. */
int gen_publish(const char *repo_dir, const char *site_dir,
                const char *branch, const char *source_commit, int *created,
                ch_error *e);

#endif
