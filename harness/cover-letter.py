#!/usr/bin/env python3
"""Fill format-patch's cover letter with harness/cover-letter.txt.

Usage: cover-letter.py COVER_PATCH BLURB: BLURB's first paragraph is the
subject, the rest the body.
"""
import sys
path, blurb_path = sys.argv[1], sys.argv[2]
text = open(path).read()
blurb = open(blurb_path).read()
subject, _, body = blurb.partition("\n\n")
text = text.replace("*** SUBJECT HERE ***", subject.strip())
text = text.replace("*** BLURB HERE ***", body.strip())
open(path, "w").write(text)
