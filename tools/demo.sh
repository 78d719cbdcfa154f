#!/bin/sh
# make run: the whole road of an application, on the sample data in
# samples/, in demo/ inside this repository (nothing outside it is
# touched). Two nights and a day in between, with the clock set so that
# order numbers and dates are the same every time:
#
#   night 1   bundles arrive: three accepted, one refused
#   day 2     finance imports a bank statement (GB18030) and a WeChat bill,
#             reconciles, exports the micro-deposit; the online payer types
#             the code back; a reviewer approves one and rejects one
#   night 2   the CA's issuing system reports the certificates and PINs;
#             every notice goes to the outbox folder; the report is written
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CERTHALL_BIN:-$root/build/bin}
demo=${CERTHALL_DEMO:-$root/demo}
batch() { "$bin/certhall-batch" --config "$demo/certhall.yaml" "$@"; }
step() { printf '\n== %s\n' "$*"; }

rm -rf "$demo"
mkdir -p "$demo"
cat > "$demo/certhall.yaml" <<YAML
paths:
  database: $demo/var/certhall.db
  store: $demo/var/store
  inbox: $demo/var/inbox
  done: $demo/var/done
  rejected: $demo/var/rejected
  outbox: $demo/var/outbox
  reports: $demo/var/reports
  statements: $demo/var/statements
  content: $root/content
YAML

step "1. the site: guide, FAQ and the application form"
"$bin/certhall-site" build -C "$root" -o "${CERTHALL_PUBLIC:-$root/public}"

step "2. night 1: four bundles arrive; intake accepts three and refuses one"
export CERTHALL_NOW=2026-11-24T14:00:00Z
batch init >/dev/null
cp "$root"/samples/inbox/*.zip "$demo/var/inbox/"
batch nightly 2>"$demo/night1.log" | cut -c1-150
grep -E 'ingest: done|send: done|steps failed' "$demo/night1.log" | sed 's/^/  /'

step "3. day 2: finance imports the 建设银行 statement and the WeChat bill"
export CERTHALL_NOW=2026-11-25T02:00:00Z
batch import "$root"/samples/statements/*.csv

step "4. reconcile: transfers by the memo's order number or the payer's account"
batch reconcile

step "5. the online payer's micro-deposit: exported, and its code typed back"
batch payouts export -o "$demo/payouts.csv"
order=$(batch status --json DEMA-0003-0003 | sed -n 's/.*"order_no": *"\([^"]*\)".*/\1/p' | head -1)
# The code is in the transfer's memo (附言), which the applicant reads on
# the bank statement; here it is read from the export.
code=$(iconv -f GB18030 -t UTF-8 "$demo/payouts.csv" | grep -o '验证码[A-Z0-9]*' | head -1 | sed 's/验证码//')
batch verify "$order" "$code"

step "6. review: one approved, one rejected with the reason the applicant reads"
batch review list
batch review approve DEMA-0001-0001 --by 审核员甲
batch review reject DEMA-0002-0002 --by 审核员甲 \
	--reason "授权委托书未加盖公章，请盖章后重新扫描上传。"

step "7. night 2: the issuing system reports the certificate and its PINs"
export CERTHALL_NOW=2026-11-25T14:00:00Z
batch issued "$root/samples/issued.jsonl"

step "8. and 9. the night sends every notice to the outbox folder and writes the report"
batch nightly 2>&1 | sed 's/^/  /'

step "10. where to look"
echo "the site:    file://${CERTHALL_PUBLIC:-$root/public}/index.html"
echo "             (or: $bin/certhall-site serve, then http://127.0.0.1:8080/)"
echo "the report:  file://$demo/var/reports/index.html"
echo "the outbox:  $demo/var/outbox/  (.eml: e-mail, .sms.json: SMS)"
echo "the state:   $bin/certhall-batch --config $demo/certhall.yaml status DEMA-0001-0001"
