#!/usr/bin/env bash
# make series: write the series (build/linux, base..series) as git
# format-patch mails with a cover letter, into build/series/; the cover
# letter's text is harness/cover-letter.txt (cover-letter.py puts it in).
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
python3 "$HARNESS/cover-letter.py" "$cover" "$HARNESS/cover-letter.txt"
ls "$out"
