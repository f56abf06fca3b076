#!/usr/bin/env python3
"""Apply one C mutant (harness/mutants/FAMILY/NAME.mut) to a tree.

Usage: mutate.py MUTANT TREE

A mutant names a file and replaces an exact 'old' text, which must occur
exactly once, with 'new'.  Exit 1 if it does not apply.
"""
import sys

mut, src = sys.argv[1], sys.argv[2]
text = open(mut).read()
head, _, rest = text.partition("--- old\n")
old, _, new = rest.partition("--- new\n")
path = [l.split(":", 1)[1].strip() for l in head.splitlines()
        if l.startswith("file:")][0]
target = f"{src}/{path}"
body = open(target).read()
if body.count(old) != 1:
    sys.exit(f"{mut}: text to replace found {body.count(old)} times in {path}")
open(target, "w").write(body.replace(old, new))
