#!/usr/bin/python3
"""Writes samples/: the data `make run` tells its story with. The files are
committed; run this again only to change them. Everyone in them is made up
(valid check characters, nobody's numbers), as in the tests.

  samples/inbox/       four bundles: two by transfer, one paid online, one
                       that intake refuses
  samples/statements/  the 建设银行 statement (GB18030) and the WeChat Pay
                       bill of the next day, paying those orders
  samples/issued.jsonl the issuing system's report for the approved order
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cli"))
import bundles  # noqa: E402
import people  # noqa: E402
import statements  # noqa: E402
from money import order_no  # noqa: E402

DAY = 20261124  # the demo's first night (make run sets CERTHALL_NOW)
OUT = ROOT / "samples"

ORGS = [
    ("山西示例建设工程有限公司", "0502 0001 0930 0011 111", "transfer"),
    ("太原示例物资贸易有限责任公司", "0502 0001 0930 0022 222", "transfer"),
    ("晋中示例信息技术有限公司", "0502 0001 0930 0033 333", "online"),
]


def application(k, org, account, method):
    app = bundles.application(application_id="DEMA-%04d-%04d" % (k, k),
                              payment_method=method)
    app["organization"]["name"] = org
    app["bank_account"]["name"] = org
    app["bank_account"]["number"] = account
    app["invoice"]["title"] = org
    return app


def main():
    inbox = OUT / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for k, (org, account, method) in enumerate(ORGS, 1):
        bundles.make_bundle(inbox / ("%d-%s.zip" % (k, method)),
                            app=application(k, org, account, method))
    # Refused at intake: the 营业执照 scan is missing.
    bundles.make_bundle(inbox / "4-missing-licence.zip",
                        app=application(4, "示例缺件有限公司",
                                        "0502 0001 0930 0044 444", "transfer"),
                        omit=("营业执照.jpg",))
    # Amounts due by the fee schedule: a 2-year 机构证书 and one 1-year
    # 机构个人证书, as bundles.application() applies for.
    due = 90000
    stmts = OUT / "statements"
    stmts.mkdir(parents=True, exist_ok=True)
    lines = [
        statements.Line("2026-11-24", "09:12:00", fen=due, name=ORGS[0][0],
                        account=ORGS[0][1].replace(" ", ""),
                        memo="数字证书费 " + order_no(DAY, 1)),
        statements.Line("2026-11-24", "10:40:00", fen=1500000,
                        name="示例物业管理有限公司", account="6222000011119999888",
                        memo="房租"),
        # The memo forgot the order number; the payer's account is the
        # applicant's 基本户, which identifies the order.
        statements.Line("2026-11-24", "14:05:00", fen=due, name=ORGS[1][0],
                        account=ORGS[1][1].replace(" ", ""), memo="证书费"),
    ]
    (stmts / "ccb-20261124.csv").write_bytes(statements.ccb(lines))
    bill = [statements.Line("2026-11-24", "16:30:00", fen=due,
                            order_no=order_no(DAY, 3), memo="数字证书")]
    (stmts / "wechat-20261124.csv").write_bytes(statements.wechat(bill))
    # The certificates of the first order (approved in the demo): its
    # 机构证书 and its holder's 机构个人证书, each with a made-up PIN.
    issued = [
        {"order_no": order_no(DAY, 1), "kind": "organization",
         "serial": "5A0C00000000000000000001", "pin": "482913",
         "e_invoice_url": "https://einvoice.example.com/i/DEMA00010001"},
        {"order_no": order_no(DAY, 1), "kind": "personal",
         "id_number": bundles.PERSON_ID,
         "serial": "5A0C00000000000000000002", "pin": "730264"},
    ]
    (OUT / "issued.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in issued))


if __name__ == "__main__":
    main()
