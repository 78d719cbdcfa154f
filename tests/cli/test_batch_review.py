"""Review and shipping (issue 9): the state table's new transitions, each
allowed once and refused with the state named; due dates on the 2026
calendar (national day, 调休, Asia/Shanghai days); the review sheet's
escaping; ID numbers in full only on the sheet; the nightly step due and
the report's 审核与发货 section."""
import json
import re

import bundles
import money
from money import Money

HOSTILE_ORG = "<img src=x onerror=alert(1)>示例公司"
EVIL_FILE = "营业执照<b>&\"'.jpg"


def paid_order(m, i, paid_at, org=money.ORG, files=None, app_changes=None):
    """An order of m paid in full by a transfer booked at paid_at: it is
    in_review since then."""
    aid, no, due = m.order(i, org=org)
    f = m.file()
    m.line(f, "credit", due, memo="货款 " + no, name=org,
           account=money.ACCOUNT)
    m.reconcile(CERTHALL_NOW=paid_at)
    assert m.state(aid) == ("in_review", due)
    return aid, no, due


def listing(m, now):
    r = m.run("review", "list", "--json", CERTHALL_NOW=now)
    assert r.returncode == 0, r.stderr
    return {d["order_no"]: d for d in map(json.loads, r.stdout.splitlines())}


def state(m, aid):
    return m.state(aid)[0]


def test_review_due_skips_the_national_day(tmp_path):
    m = Money(tmp_path, now="2026-09-28T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-09-30T02:00:00Z")
    d = listing(m, "2026-10-08T09:00:00Z")[no]
    assert (d["kind"], d["due"], d["overdue"]) == ("review", "2026-10-08", False)
    assert d["since"] == "2026-09-30T02:00:00Z"
    d = listing(m, "2026-10-08T16:30:00Z")[no]  # 10-09 00:30 in Shanghai
    assert d["overdue"] is True
    text = m.run("review", "list", CERTHALL_NOW="2026-10-09T02:00:00Z").stdout
    assert re.search(no + r".*2026-10-08\s+OVERDUE", text), text


def test_review_day_is_the_day_in_shanghai(tmp_path):
    # 2026-09-29 17:00 UTC is 09-30 01:00 in Shanghai: due after the holiday.
    m = Money(tmp_path, now="2026-09-28T02:00:00Z")
    _, no, _ = paid_order(m, 1, "2026-09-29T17:00:00Z")
    assert listing(m, "2026-09-30T02:00:00Z")[no]["due"] == "2026-10-08"


def test_shipping_due_counts_a_saturday_worked(tmp_path):
    m = Money(tmp_path, now="2026-09-28T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-09-29T02:00:00Z")
    r = m.run("review", "approve", no, "--by", "审核员甲",
              CERTHALL_NOW="2026-09-30T03:00:00Z")
    assert r.returncode == 0, r.stderr
    d = listing(m, "2026-10-09T02:00:00Z")[no]
    # 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 国庆节调休).
    assert (d["kind"], d["state"], d["due"]) == ("shipping", "approved", "2026-10-10")
    assert d["overdue"] is False
    assert listing(m, "2026-10-11T02:00:00Z")[no]["overdue"] is True


def test_a_due_date_past_the_calendar_is_an_error(tmp_path):
    m = Money(tmp_path, now="2026-12-28T02:00:00Z")
    _, no, _ = paid_order(m, 1, "2026-12-30T02:00:00Z")
    assert m.run("review", "approve", no, "--by", "甲",
                 CERTHALL_NOW="2026-12-30T03:00:00Z").returncode == 0
    r = m.run("review", "list", CERTHALL_NOW="2026-12-31T02:00:00Z")
    assert r.returncode == 2
    assert "2027" in r.stderr and no in r.stderr
    assert r.stdout == ""


def test_every_transition_allowed_once_and_refused_naming_the_state(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, due = m.order(1)
    for args in (["review", "approve", no, "--by", "甲"],
                 ["review", "reject", no, "--by", "甲", "--reason", "材料不清晰"],
                 ["ship", no, "--carrier", "顺丰速运", "--tracking", "SF1234567890"]):
        r = m.run(*args)
        assert r.returncode == 1, (args, r.stderr)
        assert "awaiting_payment" in r.stderr, r.stderr
    assert state(m, aid) == "awaiting_payment"
    f = m.file()
    aid2, no2, due2 = m.order(2)
    m.line(f, "credit", due, memo="货款 " + no)
    m.line(f, "credit", due2, memo="货款 " + no2)
    m.reconcile()
    assert state(m, aid) == "in_review" and state(m, aid2) == "in_review"

    r = m.run("review", "approve", no, "--by", "审核员甲")
    assert r.returncode == 0, r.stderr
    assert state(m, aid) == "approved"
    for args in (["review", "approve", no, "--by", "甲"],
                 ["review", "reject", no, "--by", "甲", "--reason", "x"],
                 ["ship", no, "--carrier", "顺丰速运", "--tracking", "SF1234567890"]):
        r = m.run(*args)
        assert r.returncode == 1 and "approved" in r.stderr, (args, r.stderr)
    # `issued` is the issuance command's (issue 9, another part): set here
    # as it leaves an order.
    m.ws.query("UPDATE applications SET state = 'issued' WHERE"
               " application_id = ?", aid)
    r = m.run("ship", no, "--carrier", "顺丰速运", "--tracking", "SF1234567890")
    assert r.returncode == 0, r.stderr
    assert state(m, aid) == "shipped"
    assert m.ws.query("SELECT carrier, tracking_no FROM shipments") == [
        ("顺丰速运", "SF1234567890")]
    r = m.run("ship", no, "--carrier", "顺丰速运", "--tracking", "SF1234567890")
    assert r.returncode == 1 and "shipped" in r.stderr

    # Who and when: an events row per decision.
    rows = m.ws.query("SELECT at, detail FROM events WHERE application_id = ?"
                      " AND kind = 'decision' ORDER BY event_id", aid)
    assert [json.loads(d)["decision"] for _, d in rows] == ["approved", "shipped"]
    assert json.loads(rows[0][1])["by"] == "审核员甲"

    # Closed 15 days after shipping (2026-11-20T02:00:00Z), by the
    # nightly step due.
    r = m.run("nightly", CERTHALL_NOW="2026-12-05T01:59:59Z")
    assert state(m, aid) == "shipped", r.stderr
    r = m.run("nightly", CERTHALL_NOW="2026-12-05T02:00:00Z")
    assert state(m, aid) == "closed", r.stderr
    r = m.run("ship", no, "--carrier", "顺丰速运", "--tracking", "SF1234567890")
    assert r.returncode == 1 and "closed" in r.stderr


def test_reject_queues_the_reason_and_a_corrected_revision_returns(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    reason = "营业执照扫描件不清晰，请重新扫描后上传"
    r = m.run("review", "reject", money.fold_fullwidth(no), "--by", "审核员乙",
              "--reason", reason, CERTHALL_NOW="2026-11-24T02:00:00Z")
    assert r.returncode == 0, r.stderr
    assert state(m, aid) == "rejected"
    [(payload,)] = m.ws.query("SELECT payload FROM outbox WHERE notice ="
                              " 'rejected' AND channel = 'sms'")
    assert reason in json.loads(payload)["text"]
    [(detail,)] = m.ws.query("SELECT detail FROM events WHERE kind = 'decision'")
    assert json.loads(detail) == {"by": "审核员乙", "decision": "rejected",
                                  "reason": reason}
    assert no not in listing(m, "2026-11-24T03:00:00Z")

    # Revision 2, same certificates: already paid, straight back to review.
    m.now = "2026-11-25T02:00:00Z"
    m.orders([dict(i=1, revision=2)])
    assert m.state(aid)[0] == "in_review"
    d = listing(m, "2026-11-25T03:00:00Z")[no]
    assert (d["since"], d["due"]) == ("2026-11-25T02:00:00Z", "2026-11-26")
    [(detail,)] = m.ws.query("SELECT detail FROM events WHERE kind = 'state'"
                             " ORDER BY event_id DESC LIMIT 1")
    assert detail.startswith("rejected -> in_review")


def test_approve_queues_the_approved_notice(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    assert m.run("review", "approve", aid, "--by", "甲").returncode == 0
    [(payload,)] = m.ws.query("SELECT payload FROM outbox WHERE notice = 'approved'")
    assert no in json.loads(payload)["text"]


def test_bad_reasons_and_names_change_nothing(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    before = m.ws.dump()
    for args in (["--by", "甲", "--reason", "看\u202etxt.exe"],
                 ["--by", "甲", "--reason", "第一行\n第二行"],
                 ["--by", "甲", "--reason", "\x1b[2J清屏"],
                 ["--by", "甲", "--reason", "长" * 201],
                 ["--by", "甲", "--reason", "   "],
                 ["--by", "甲\u200f", "--reason", "原因"]):
        r = m.run("review", "reject", no, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1
    for tracking in ("SF 123456", "SF<1234>", "1" * 41):
        r = m.run("ship", no, "--carrier", "顺丰速运", "--tracking", tracking)
        assert r.returncode == 2
    assert m.ws.dump() == before
    r = m.run("review", "reject", no, "--by", "甲", "--reason", "长" * 200)
    assert r.returncode == 0, r.stderr


def test_shipping_notice_fits_two_sms_parts(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    assert m.run("review", "approve", no, "--by", "甲").returncode == 0
    m.ws.query("UPDATE applications SET state = 'issued'")
    carrier, tracking = "快" * 32, "A" * 40  # the longest allowed
    r = m.run("ship", no, "--carrier", carrier, "--tracking", tracking)
    assert r.returncode == 0, r.stderr
    [(payload,)] = m.ws.query("SELECT payload FROM outbox WHERE notice ="
                              " 'shipped' AND channel = 'sms'")
    text = json.loads(payload)["text"]
    assert carrier in text and tracking in text and "邮费到付" in text
    assert len(text) <= 2 * 67
    [(payload,)] = m.ws.query("SELECT payload FROM outbox WHERE notice ="
                              " 'shipped' AND channel = 'email'")
    assert no in json.loads(payload)["subject"]


def hostile_order(m):
    app = bundles.application(application_id=money.app_id(7))
    app["organization"]["name"] = HOSTILE_ORG
    app["bank_account"]["name"] = HOSTILE_ORG
    app["bank_account"]["number"] = money.ACCOUNT
    files = bundles.documents()
    files[EVIL_FILE] = files.pop("营业执照.jpg")
    for d in app["documents"]:
        if d["kind"] == "business_license":
            d["file"] = EVIL_FILE
    bundles.make_bundle(m.ws.inbox / "evil.zip", app=app, files=files)
    r = m.run("ingest")
    assert r.returncode == 0 and '"accepted"' in r.stdout, r.stdout + r.stderr
    [(aid, no, due)] = m.ws.query("SELECT application_id, order_no,"
                                  " amount_due_fen FROM applications")
    f = m.file()
    m.line(f, "credit", due, memo="货款 " + no)
    m.reconcile()
    return aid, no


def test_review_sheet_escapes_and_embeds(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no = hostile_order(m)
    out = tmp_path / "sheet.html"
    r = m.run("review", "show", money.fold_fullwidth(no), "-o", out)
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;示例公司" in html
    assert "营业执照&lt;b&gt;&amp;&quot;&#39;.jpg" in html
    assert "<b>" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html
    assert html.count('src="data:image/jpeg;base64,') == 1
    assert html.count('src="data:image/png;base64,') == 1
    assert html.count('href="file:///') == 2  # the two PDFs, read-only
    assert "http://" not in html and "https://" not in html
    # The labels come from the form schema.
    assert "法人身份证号码" in html and "营业执照扫描件" in html
    assert (tmp_path / "sheet.html").stat().st_mode & 0o077 == 0
    r = m.run("review", "show", no)
    assert r.returncode == 0 and r.stdout == html


def test_id_numbers_in_full_only_on_the_sheet(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    ids = [bundles.PERSON_ID, bundles.LEGAL_ID, bundles.HANDLER_ID]
    sheet = m.run("review", "show", no).stdout
    for i in ids:
        assert i in sheet
    outputs = [m.run("status", no).stdout, m.run("status", "--json", no).stdout,
               m.run("review", "list").stdout,
               m.run("review", "list", "--json").stdout]
    assert m.run("review", "approve", no, "--by", "甲").returncode == 0
    outputs.append(m.run("review", "list", "--json").stdout)
    m.run("nightly", CERTHALL_NOW="2026-11-30T02:00:00Z")
    outputs += [p.read_text() for p in (m.ws.var / "reports").iterdir()]
    for text in outputs:
        for i in ids:
            assert i not in text


def test_show_and_decisions_of_an_unknown_order(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    r = m.run("review", "show", money.order_no(20261120, 999))
    assert r.returncode == 1 and "no order" in r.stderr
    r = m.run("review", "show", "not-an-id")
    assert r.returncode == 1
    r = m.run("review", "approve", "K7QD-2MPE-X9A3")
    assert r.returncode == 2  # --by missing
    r = m.run("review", "frobnicate")
    assert r.returncode == 2


def test_nightly_counts_and_report_section(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no = hostile_order(m)  # in review since 2026-11-20 (Fri)
    _, no2, _ = paid_order(m, 2, "2026-11-26T02:00:00Z")
    r = m.run("nightly", CERTHALL_NOW="2026-11-26T18:00:00Z")  # 11-27 Shanghai
    assert r.returncode == 0, r.stderr
    [(counts,)] = m.ws.query("SELECT counts FROM nightly_steps WHERE step = 'due'")
    assert json.loads(counts) == {"closed": 0, "reviews_due": 2,
                                  "reviews_overdue": 1, "shipping_due": 0,
                                  "shipping_overdue": 0}
    html = (m.ws.var / "reports" / "2026-11-27.html").read_text()
    section = html[html.index("<h2>审核与发货</h2>"):html.index("<h2>通知</h2>")]
    assert no in section and no2 not in section
    assert "&lt;img src=x onerror=alert(1)&gt;" in section
    assert "<img" not in html
    csv = (m.ws.var / "reports" / "2026-11-27.csv").read_text()
    assert "reviews_overdue,1" in csv and "reviews_due,2" in csv


def test_an_approved_order_takes_no_new_revision(tmp_path):
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    assert m.run("review", "approve", no, "--by", "甲").returncode == 0
    app = bundles.application(application_id=money.app_id(1), revision=2)
    app["bank_account"]["number"] = money.ACCOUNT
    bundles.make_bundle(m.ws.inbox / "r2.zip", app=app)
    bundles.make_bundle(m.ws.inbox / "z.zip",
                        app=bundles.application(application_id=money.app_id(2)))
    r = m.run("ingest")
    assert r.returncode == 0, r.stderr
    res = {x["bundle"]: x for x in map(json.loads, r.stdout.splitlines())}
    assert res["r2.zip"]["outcome"] == "rejected"
    assert [f["code"] for f in res["r2.zip"]["findings"]] == ["REVISION_CLOSED"]
    assert res["z.zip"]["outcome"] == "accepted"  # the run went on
    assert m.state(aid)[0] == "approved"
    assert m.ws.query("SELECT revision FROM applications WHERE"
                      " application_id = ?", aid) == [(1,)]


def test_sheet_shows_control_and_bidi_characters_as_code_points(tmp_path):
    # Intake refuses them (FORM_CHARACTER); a row written otherwise (an
    # older version, a hand repair) must still not act on the reviewer.
    m = Money(tmp_path, now="2026-11-20T02:00:00Z")
    aid, no, _ = paid_order(m, 1, "2026-11-23T02:00:00Z")
    [(text,)] = m.ws.query("SELECT application_json FROM revisions")
    app = json.loads(text)
    app["organization"]["name"] = "示例\u202egnp.exe\x1b[2J"
    m.ws.query("UPDATE revisions SET application_json = ?",
               json.dumps(app, ensure_ascii=False))
    r = m.run("review", "show", no)
    assert r.returncode == 0, r.stderr
    assert "示例<span class=\"cp\">[U+202E]</span>gnp.exe" in r.stdout
    assert "[U+001B]" in r.stdout
    assert "\u202e" not in r.stdout and "\x1b" not in r.stdout
