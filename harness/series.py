#!/usr/bin/env python3
"""Turn patches/*.patch into commits on branch 'series' of the base-tree repo.

Each patches/NNNN-*.patch is a mail: From:, Subject: and optional
X-Series-Add: headers (new files of ours, taken from their kernel paths in
this repository), then the commit message up to a line '---', then a diff of
base-tree files (may be empty).  Commits are built with a private index, so
the work tree is not touched; dates are fixed so that unchanged input gives
unchanged commit ids.
"""
import os
import subprocess
import sys
import tempfile

top, src = sys.argv[1], sys.argv[2]
patch_dir = os.path.join(top, "patches")


def git(*args, env=None, inp=None):
    return subprocess.run(["git", "-C", src, *args], env=env, input=inp,
                          check=True, capture_output=True,
                          text=True).stdout.strip()


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, _, rest = text.partition("\n\n")
    hdr = {}
    for line in head.splitlines():
        key, _, val = line.partition(":")
        hdr[key.strip().lower()] = val.strip()
    msg, sep, diff = rest.partition("\n---\n")
    if not sep:
        sys.exit(f"{path}: no '---' line after the message")
    if "subject" not in hdr or "from" not in hdr:
        sys.exit(f"{path}: needs From: and Subject:")
    # The diff starts at the first 'diff --git'; a diffstat may precede it.
    i = diff.find("diff --git ")
    diff = diff[i:] if i >= 0 else ""
    adds = hdr.get("x-series-add", "").split()
    return hdr, msg.strip() + "\n", diff, adds


def main():
    parent = git("rev-parse", "base^{commit}")
    patches = sorted(p for p in os.listdir(patch_dir) if p.endswith(".patch"))
    fd, index = tempfile.mkstemp(prefix="series-index.")
    os.close(fd)
    env = dict(os.environ, GIT_INDEX_FILE=index)
    try:
        for n, name in enumerate(patches):
            hdr, msg, diff, adds = parse(os.path.join(patch_dir, name))
            git("read-tree", parent, env=env)
            for rel in adds:
                sha = git("hash-object", "-w", os.path.join(top, rel))
                git("update-index", "--add", "--cacheinfo",
                    f"100644,{sha},{rel}", env=env)
            if diff:
                try:
                    git("apply", "--cached", "--whitespace=error-all", "-",
                        env=env, inp=diff)
                except subprocess.CalledProcessError as e:
                    sys.exit(f"{name}: does not apply:\n{e.stderr}")
            tree = git("write-tree", env=env)
            aname, _, amail = hdr["from"].rpartition("<")
            date = f"1700000000 +0000"
            cenv = dict(os.environ, GIT_AUTHOR_NAME=aname.strip(),
                        GIT_AUTHOR_EMAIL=amail.rstrip(">"),
                        GIT_COMMITTER_NAME=aname.strip(),
                        GIT_COMMITTER_EMAIL=amail.rstrip(">"),
                        GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
            parent = git("commit-tree", tree, "-p", parent,
                         "-m", hdr["subject"] + "\n\n" + msg, env=cenv)
        git("update-ref", "refs/heads/series", parent)
    finally:
        os.unlink(index)
    print(parent)


main()
