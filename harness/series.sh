#!/usr/bin/env bash
# Write the series as git format-patch mails with a cover letter.
. "$(dirname "$0")/common.sh"

out=$BUILD/series
rm -rf "$out"
name=${SERIES_AUTHOR% <*}
mail=${SERIES_AUTHOR#*<}
mail=${mail%>}
git -C "$SRC" -c user.name="$name" -c user.email="$mail" \
	format-patch -q --cover-letter --thread --base=base \
	-o "$out" base..series
cover=$(ls "$out"/0000-cover-letter.patch)
python3 - "$cover" "$HARNESS/cover-letter.txt" <<'PY'
import sys
path, blurb_path = sys.argv[1], sys.argv[2]
text = open(path).read()
blurb = open(blurb_path).read()
subject, _, body = blurb.partition("\n\n")
text = text.replace("*** SUBJECT HERE ***", subject.strip())
text = text.replace("*** BLURB HERE ***", body.strip())
open(path, "w").write(text)
PY
ls "$out"
