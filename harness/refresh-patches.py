#!/usr/bin/env python3
"""Write patches/*.patch back from the commits of branch 'series'.

The inverse of series.py, for edits made in build/linux: commit them onto
the series commit they belong to (git commit --fixup, git rebase
--autosquash base), then run this.  Patch N takes commit N of base..series:
its subject and message, the new files it adds (X-Series-Add:, copied to
their kernel paths in this repository) and its diff to base-tree files.
The number of commits must equal the number of patches.  With
--keep-messages, each patch keeps its subject and message and takes only
the diff and the new files (for messages edited in patches/).

X-Series-Add: lists the files the commit creates.  A new patch needs its
file in patches/ first (From:, Subject:, then a blank line); without
--keep-messages its message comes from the commit.

usage: refresh-patches.py [--keep-messages] TOP SRC   (make refresh: TOP=.,
SRC=build/linux, messages from the commits)
"""
import os
import subprocess
import sys

keep = sys.argv[1:2] == ["--keep-messages"]
top, src = sys.argv[1 + keep], sys.argv[2 + keep]
patch_dir = os.path.join(top, "patches")


def git(*args):
    return subprocess.run(["git", "-C", src, *args], check=True,
                          capture_output=True, text=True).stdout


def main():
    commits = git("rev-list", "--reverse", "base..series").split()
    names = sorted(p for p in os.listdir(patch_dir) if p.endswith(".patch"))
    if len(commits) != len(names):
        sys.exit(f"{len(commits)} commits on base..series, {len(names)} patches")
    for name, c in zip(names, commits):
        path = os.path.join(patch_dir, name)
        with open(path, encoding="utf-8") as f:
            head, _, rest = f.read().partition("\n\n")
        hdr = {}
        for line in head.splitlines():
            key, _, val = line.partition(":")
            hdr[key.strip().lower()] = val.strip()
        # X-Series-Add: the files the commit creates (ours), in the order
        # the patch listed them, then any new ones; a renamed file leaves.
        created = git("diff", "--name-only", "--no-renames", "--diff-filter=A",
                      f"{c}^", c).split()
        adds = [rel for rel in hdr.get("x-series-add", "").split() if rel in created]
        adds += [rel for rel in created if rel not in adds]
        if keep:
            subject = hdr["subject"]
            body = rest.partition("\n---\n")[0].strip() + "\n"
        else:
            subject = git("log", "-1", "--format=%s", c).strip()
            body = git("log", "-1", "--format=%b", c).strip() + "\n"
        changed = git("diff", "--name-only", "--no-renames", f"{c}^", c).split()
        for rel in adds:
            if rel in changed:
                data = git("show", f"{c}:{rel}")
                os.makedirs(os.path.dirname(os.path.join(top, rel)), exist_ok=True)
                with open(os.path.join(top, rel), "w", encoding="utf-8") as f:
                    f.write(data)
        excl = [f":(exclude){rel}" for rel in adds]
        diff = git("diff", "--no-renames", "--abbrev=7", f"{c}^", c, "--", ".", *excl)
        out = [f"From: {hdr['from']}", f"Subject: {subject}"]
        if adds:
            out.append("X-Series-Add: " + " ".join(adds))
        text = "\n".join(out) + "\n\n" + body + "---\n" + diff
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    # What prepare.sh may reset over without losing anything.
    with open(os.path.join(top, "build", "series-exported"), "w") as f:
        f.write(commits[-1] + "\n")
    print(f"refreshed {len(names)} patches from {commits[-1][:12]}")


main()
