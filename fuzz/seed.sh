#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the committed test data (testdata/formats, the
# generated sample delivery, testdata/catalogues, profiles/) and the regression inputs
# (testdata/fuzz). Run from anywhere; safe to re-run (files are named by content).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
add() { # add TARGET PREFIX FILE: copy FILE, with PREFIX bytes (printf format) in front
    mkdir -p "$here/corpus/$1"
    tmp=$(mktemp)
    { printf "$2"; cat "$3"; } >"$tmp"
    mv "$tmp" "$here/corpus/$1/$(sha1sum "$tmp" 2>/dev/null | cut -c1-40 || basename "$3")"
}
seed() { # seed TARGET PREFIX FILES...
    t=$1 p=$2
    shift 2
    for f in "$@"; do [ -f "$f" ] && add "$t" "$p" "$f"; done
    return 0
}
F=$top/testdata/formats
S=$top/testdata/sample/delivery
R=$top/testdata/fuzz
jpegs=$(find "$F" "$S" "$R" -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) 2>/dev/null || true)
G=$top/testdata/regressions
tiffs=$(find "$F" "$S" "$R" "$G" -type f \( -iname '*.tif' -o -iname '*.tiff' \) 2>/dev/null || true)
pdfs=$(find "$F" "$S" "$R" -type f -iname '*.pdf' 2>/dev/null || true)
jp2s=$(find "$F" "$R" -type f -iname '*.jp2' 2>/dev/null || true)
ofds=$(find "$F" "$R" -type f -iname '*.ofd' 2>/dev/null || true)
pngs=$(find "$F" "$R" -type f -iname '*.png' 2>/dev/null || true)
# shellcheck disable=SC2086
{
    seed inspect '' $jpegs $tiffs $pdfs $jp2s $ofds $pngs "$F/jbig2-mmr-96x48.jb2"
    seed jpeg '' $jpegs
    seed tiff '\000' $tiffs
    seed png '' $pngs
    seed jp2 '\000' $jp2s
    seed pdf '' $pdfs
    # pdf_image: the first byte picks the filter chain (see the target), the rest is data.
    for pick in '\000' '\001' '\002' '\003'; do seed pdf_image "$pick" "$F/README.md"; done
    # JBIG2Decode (pick 9): the committed JBIG2 file's segments without its 13-byte header.
    jb2=$(mktemp)
    tail -c +14 "$F/jbig2-mmr-96x48.jb2" >"$jb2" && seed pdf_image '\011' "$jb2"
    rm -f "$jb2"
    seed ofd '\000' $ofds
    # pdf_content: inline images as producers write them; pdf_xref: a table and trailer.
    c=$(mktemp)
    printf 'q 72 0 0 72 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \001\002\003\004 EI Q BI /W 2 /H 1 /CS /P0 /BPC 8 /F /AHx ID 0001> EI' >"$c" && seed pdf_content '' "$c"
    printf 'xref\n0 6\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n9\n%%%%EOF\n' >"$c" && seed pdf_xref '' "$c"
    rm -f "$c"
}
# A structured OFD seed: the parts of the committed sample, joined by \0\377.
src=$F/ofd-src
if [ -d "$src" ]; then
    mkdir -p "$here/corpus/ofd"
    {
        printf '\001\000'
        for part in OFD.xml Doc_0/Document.xml Doc_0/DocumentRes.xml \
            Doc_0/Pages/Page_0/Content.xml; do
            cat "$src/$part" 2>/dev/null || true
            printf '\000\377'
        done
        find "$src" -name '*.jpg' | head -1 | xargs cat
    } >"$here/corpus/ofd/structured-sample"
fi
for f in "$top"/testdata/catalogues/*.csv "$top"/testdata/catalogues/*.txt "$top"/testdata/sample/*.csv; do
    add catalogue_csv '' "$f"
done
for f in "$top"/testdata/catalogues/*.xlsx "$top"/testdata/catalogues/*.ods; do
    add catalogue_xlsx '\000' "$f"
done
for f in "$S"/manifest-sha256.txt; do
    for pick in '\000' '\001' '\002' '\003' '\004'; do add manifest "$pick" "$f"; done
done
mkdir -p "$here/corpus/manifest"
printf '\004%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha256,filename\n## Invoked from: /d\n3,900150983cd24fb0d6963f7d28e17f72,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,/d/a.tif\n' >"$here/corpus/manifest/hashdeep"
printf '\002SHA256 (a/b.tif) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n' >"$here/corpus/manifest/bsd"
printf '\003ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  data/a%%0Ab.tif\n' >"$here/corpus/manifest/bagit"
for f in "$top"/profiles/*.toml "$top"/testdata/profiles/*.toml; do
    [ -f "$f" ] && add profile '' "$f"
done
echo "seeded: $(ls "$here/corpus" | tr '\n' ' ')"
# Hand-made seeds for formats testdata/ lacks (PNG).
for f in "$here"/seeds/*.png; do
    add png '' "$f"
    add inspect '' "$f"
done
