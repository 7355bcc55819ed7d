# wd as a user runs it in the guest: the bin/wd launcher on the real sysfs, exit codes passed
# through, nothing unexpected on stderr. (Each wd call here costs about 6 s of guest time;
# list, info and doctor are checked in depth in process by sysfs_test.ts.)
rc=0
wd list --no-headers >list.txt 2>list.err || rc=$?
cat list.err >&2
[ "$rc" -eq 0 ]
[ ! -s list.err ]
grep -Eq '^hisi_zip-0 +zlib,gzip +[0-9]+ +-1 +no +no +fake_hisi_zip.0$' list.txt
grep -Eq '^hisi_zip-1 +zlib,gzip,deflate ' list.txt

rc=0
wd doctor hisi_zip-0 >doctor.txt || rc=$?
[ "$rc" -eq 1 ]
grep -Eq '^fail +hisi_zip-0 +sva +no SVA flag' doctor.txt
