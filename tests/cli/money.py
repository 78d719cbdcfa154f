"""Money for the finance tests: a batch workspace with accepted orders
(real bundles through ingest) and statement lines written straight into
the statement tables in the shape the import step books them (schema step
3), so that reconciliation, payouts and the workbook can be tested on
their own.

    m = Money(tmp_path)
    aid, order_no, due = m.order(1)
    f = m.file()
    line = m.line(f, "credit", due, memo="货款 " + order_no)
    m.reconcile()
"""
import json
import os

import bundles
from batchws import Workspace

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ACCOUNT = "0502 1234 5678 9012 345"
ORG = "山西示例科技有限公司"


def app_id(i):
    s = "".join(ALPHABET[(i * 7 + k * 13) % 32] for k in range(8)) + "%04d" % i
    return s[:4] + "-" + s[4:8] + "-" + s[8:12]


def order_no(day, seq):
    """The order number intake gives the seq-th order of day (yyyymmdd):
    ISO 7064 MOD 11-2 over the digits, as batch/orderno.c."""
    d = "%08d%05d" % (day, seq)
    s = 0
    for c in d:
        s = ((s + int(c)) * 2) % 11
    s = (12 - s) % 11
    return "SX" + d + ("X" if s == 10 else str(s))


def fold_fullwidth(s):
    """ASCII letters and digits as a person types them in full width."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() else c
                   for c in s)


class Money:
    def __init__(self, tmp_path, now=None):
        self.ws = Workspace(tmp_path / "ws")
        self.now = now
        self.ws.init()
        self._file_seq = 0
        self._line_key = 0

    def env(self, **extra):
        env = self.ws.env(**extra)
        if self.now and "CERTHALL_NOW" not in extra:
            env["CERTHALL_NOW"] = self.now
        return env

    def run(self, *args, **extra):
        return self.ws.run(*args, env=self.env(**extra))

    def orders(self, specs):
        """Ingests one bundle per spec (dict: i, method, account, org,
        revision) in one run; returns [(aid, order_no, due)]."""
        for s in specs:
            i = s["i"]
            app = bundles.application(
                application_id=app_id(i), revision=s.get("revision", 1),
                payment_method=s.get("method", "transfer"))
            app["organization"]["name"] = s.get("org", ORG)
            app["bank_account"]["name"] = s.get("org", ORG)
            app["bank_account"]["number"] = s.get("account", ACCOUNT)
            bundles.make_bundle(self.ws.inbox / ("%04d-%d.zip" % (i, s.get("revision", 1))),
                                app=app)
        r = self.run("ingest")
        assert r.returncode == 0, r.stderr
        assert '"rejected"' not in r.stdout, r.stdout
        out = []
        for s in specs:
            aid = app_id(s["i"])
            [(no, due)] = self.ws.query(
                "SELECT order_no, amount_due_fen FROM applications"
                " WHERE application_id = ?", aid)
            out.append((aid, no, due))
        return out

    def order(self, i, **kw):
        return self.orders([dict(i=i, **kw)])[0]

    def bulk_orders(self, n, account, start=1000):
        """n orders awaiting payment of one account, written straight into
        the tables (as intake leaves them), for sizes ingest would make
        slow. Returns [(aid, order_no, due)]."""
        out = []
        with self.ws.db() as c:
            for k in range(start, start + n):
                aid, no = "BULK-%04d-0000" % k, order_no(20261124, 50000 + k)
                app = {"organization": {"name": "批量%d" % k},
                       "bank_account": {"name": "批量%d" % k, "bank": "银行",
                                        "number": account}}
                c.execute("INSERT INTO applications VALUES (?,?,?,?,0,1,?,?)",
                          (aid, no, "awaiting_payment", 90000,
                           "2026-11-24T02:30:00Z", "2026-11-24T02:30:00Z"))
                c.execute("INSERT INTO revisions VALUES (?,1,?,?,NULL,?,"
                          "'accepted')", (aid, "%064x" % k, json.dumps(app),
                                          "2026-11-24T02:30:00Z"))
                out.append((aid, no, 90000))
        return out

    def file(self, source="bank", name=None, **totals):
        self._file_seq += 1
        with self.ws.db() as c:
            cur = c.execute(
                "INSERT INTO statement_files (sha256, file_name, layout, source,"
                " account, lines_read, lines_booked, lines_known,"
                " total_debit_fen, total_credit_fen, opening_balance_fen,"
                " closing_balance_fen, imported_at)"
                " VALUES (?,?,?,?,?,0,0,0,?,?,?,?,?)",
                ("%064x" % self._file_seq, name or "stmt%d.csv" % self._file_seq,
                 "test", source, "6222020200112233445",
                 totals.get("debit"), totals.get("credit"),
                 totals.get("opening"), totals.get("closing"),
                 "2026-11-25T01:00:00Z"))
            return cur.lastrowid

    def line(self, file_id, direction, amount, memo=None, name=None,
             account=None, merchant=None, kind="normal", source=None,
             date="2026-11-25"):
        self._line_key += 1
        with self.ws.db() as c:
            if source is None:
                source = c.execute("SELECT source FROM statement_files WHERE"
                                   " file_id = ?", (file_id,)).fetchone()[0]
            line_no = c.execute("SELECT count(*) + 2 FROM statement_file_lines"
                                " WHERE file_id = ?", (file_id,)).fetchone()[0]
            cur = c.execute(
                "INSERT INTO statement_lines (line_key, file_id, line_no, source,"
                " serial, booked_on, direction, amount_fen, counterparty_name,"
                " counterparty_account, memo, merchant_order_no, kind)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ("k%d" % self._line_key, file_id, line_no, source,
                 "S%06d" % self._line_key, date, direction, amount, name,
                 account, memo, merchant, kind))
            lid = cur.lastrowid
            c.execute("INSERT INTO statement_file_lines VALUES (?,?,?,?)",
                      (file_id, line_no, lid,
                       ",".join(str(x) for x in (date, direction, amount, name,
                                                 account, memo, merchant))))
            return lid

    def reconcile(self, **extra):
        r = self.run("reconcile", "--json", **extra)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def state(self, aid):
        [(s, paid)] = self.ws.query("SELECT state, amount_paid_fen FROM"
                                    " applications WHERE application_id = ?", aid)
        return s, paid

    def outcome(self, line):
        rows = self.ws.query("SELECT outcome, review FROM line_outcomes WHERE"
                             " line_id = ?", line)
        return rows[0] if rows else None

    def queue(self):
        r = self.run("payments", "queue", "--json")
        assert r.returncode == 0, r.stderr
        return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]

    def status(self, aid):
        r = self.run("status", "--json", aid)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def db_bytes(self):
        """The database file, its WAL and shared memory, as bytes."""
        out = b""
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = str(self.ws.db_path) + suffix
            if os.path.exists(p):
                with open(p, "rb") as f:
                    out += f.read()
        return out
