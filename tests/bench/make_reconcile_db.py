"""Fills a certhall-batch database (made by `init`) with ORDERS accepted
orders awaiting payment and one bank statement of LINES lines, written
straight into the tables as intake and import book them: a tenth of the
lines (at most one per order) pay an order, by the order number in the
memo or, for every fourth, by the payer's account alone; the rest are
noise of strangers. For tools/bench-reconcile.sh.

    make_reconcile_db.py DB ORDERS LINES"""
import json
import random
import sqlite3
import sys


def check_char(digits):
    s = 0
    for c in digits:
        s = ((s + int(c)) * 2) % 11
    s = (12 - s) % 11
    return "X" if s == 10 else str(s)


def order_no(i):
    day = 20261101 + i // 99999
    seq = i % 99999 + 1
    d = "%08d%05d" % (day, seq)
    return "SX" + d + check_char(d)


def main():
    db, orders, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(8)
    c = sqlite3.connect(db)
    c.execute("PRAGMA synchronous = OFF")
    now = "2026-11-24T02:30:00Z"
    apps, revs = [], []
    for i in range(orders):
        aid = "B%03d-%04d-%04d" % (i // 10**8, i // 10**4 % 10**4, i % 10**4)
        app = {"organization": {"name": "测试企业%d有限公司" % i},
               "bank_account": {"name": "测试企业%d有限公司" % i,
                                "bank": "中国工商银行太原分行",
                                "number": "6222%012d" % i},
               "payment_method": "transfer"}
        apps.append((aid, order_no(i), "awaiting_payment", 90000, 0, 1, now, now))
        revs.append((aid, 1, "%064x" % i, json.dumps(app, ensure_ascii=False),
                     now, now, "accepted"))
    c.executemany("INSERT INTO applications VALUES (?,?,?,?,?,?,?,?)", apps)
    c.executemany("INSERT INTO revisions VALUES (?,?,?,?,?,?,?)", revs)
    c.execute("INSERT INTO statement_files (file_id, sha256, file_name, layout,"
              " source, lines_read, lines_booked, lines_known, imported_at)"
              " VALUES (1, ?, 'bench.csv', 'bench', 'bank', ?, ?, 0, ?)",
              ("0" * 64, lines, lines, now))
    paying = min(lines // 10, orders)
    payers = rnd.sample(range(orders), paying)
    batch = []
    for n in range(lines):
        if n % 10 == 0 and n // 10 < paying:
            i = payers[n // 10]
            if (n // 10) % 4:
                memo, acct = "证书费 " + order_no(i), "6217%012d" % n
            else:
                memo, acct = "货款", "6222%012d" % i
            row = ("credit", 90000, "测试企业%d有限公司" % i, acct, memo)
        else:
            row = (rnd.choice(("credit", "debit")), rnd.randint(1, 10**7),
                   "路人%d" % n, "6228%012d" % n, "往来款%d" % n)
        batch.append(("L%d" % n, 1, n + 2, "bank", "S%d" % n, "2026-11-25",
                      row[0], row[1], row[2], row[3], row[4]))
        if len(batch) == 50000 or n == lines - 1:
            c.executemany("INSERT INTO statement_lines (line_key, file_id,"
                          " line_no, source, serial, booked_on, direction,"
                          " amount_fen, counterparty_name, counterparty_account,"
                          " memo) VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
            c.executemany("INSERT INTO statement_file_lines SELECT 1, line_no,"
                          " line_id, 'raw' FROM statement_lines WHERE"
                          " line_key = ?", [(b[0],) for b in batch])
            batch = []
    c.commit()
    c.close()


main()
