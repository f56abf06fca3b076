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
python3 "$HARNESS/cover-letter.py" "$cover" "$HARNESS/cover-letter.txt"
ls "$out"
