"""What `certhall-batch check` tells an applicant, word for word: the same
Chinese text goes into a 驳回 notice. Places are named in Chinese (the JSON
path only in `where`), choices are chosen, lengths are too short or too
long, a cut PDF is incomplete, and no control or bidi character of a value
reaches the output."""
import json

import pytest

import bundles
from batchws import Workspace


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


HOLDER_2 = {"name": "赵示例", "id_number": bundles.people.id_number("140107", "19770707", "321"),
            "mobile": "13700002222", "years": 1}


def check_json(ws, app=None, files=None, name="a.zip"):
    bundles.make_bundle(ws.path / name, app=app, files=files)
    r = ws.run("check", "--json", name)
    assert r.returncode == 1, r.stdout + r.stderr
    return {f["where"]: f for f in json.loads(r.stdout)["findings"]}


def with_holders(*holders):
    app = bundles.application()
    files = bundles.documents()
    for i, h in enumerate(holders, start=1):
        app["certificates"]["personal"].append(dict(h))
        name = "身份证-%d.png" % i
        app["documents"].append({"kind": "id_copy", "file": name, "person": i})
        files[name] = bundles.png(1000, 10 + i)
    return app, files


def test_duplicate_person_names_the_place_in_chinese(ws):
    app, files = with_holders(HOLDER_2, dict(HOLDER_2, name="赵示例二"))
    found = check_json(ws, app, files)
    f = found["certificates.personal[2].id_number"]
    assert f["code"] == "DUPLICATE_PERSON"
    assert f["message"] == ("同一身份证号不能重复办理机构个人证书："
                            "第 3 位机构个人证书申请人的身份证号与第 2 位申请人的相同。")
    # The human-readable report says the same, with no JSON path in it.
    r = ws.run("check", "a.zip")
    line = next(l for l in r.stdout.splitlines() if "DUPLICATE_PERSON" in l)
    assert "第 3 位机构个人证书申请人的身份证号" in line
    message = line.rsplit(".id_number: ", 1)[1]
    assert message == f["message"] and "personal" not in message


def test_holder_fields_named_by_position(ws):
    app, files = with_holders(dict(HOLDER_2, mobile="0351-7654321"))
    del app["certificates"]["personal"][0]["mobile"]
    found = check_json(ws, app, files)
    assert found["certificates.personal[0].mobile"]["message"] == \
        "请填写第 1 位机构个人证书申请人的手机号码。"
    assert found["certificates.personal[1].mobile"]["message"] == \
        "“第 2 位机构个人证书申请人的手机号码”不是有效的中国大陆手机号码。"


def test_choices_ask_to_choose(ws):
    app = bundles.application()
    del app["payment_method"]
    del app["certificates"]["organization_years"]
    found = check_json(ws, app)
    assert found["payment_method"]["message"] == "请选择付款方式。"
    assert found["certificates.organization_years"]["message"] == "请选择机构证书办理年限。"


def test_fifteen_digit_id_is_told_eighteen_are_needed(ws):
    app = bundles.application()
    app["legal_representative"]["id_number"] = "140105800101456"
    found = check_json(ws, app)
    assert found["legal_representative.id_number"]["message"] == \
        "“法人身份证号码”应为 18 位身份证号码（15 位的旧号码已不能使用），现为 15 位。"


def test_short_and_long_names_say_which(ws):
    app = bundles.application()
    app["organization"]["name"] = "晋"
    assert check_json(ws, app)["organization.name"]["message"] == \
        "“机构名称”太短（至少 2 个字符）。"
    app["organization"]["name"] = "山" * 101
    assert check_json(ws, app, name="b.zip")["organization.name"]["message"] == \
        "“机构名称”太长（最多 100 个字符）。"


def test_truncated_pdf_is_incomplete_not_unknown(ws):
    files = bundles.documents()
    files["授权委托书.pdf"] = bundles.pdf()[:60]
    found = check_json(ws, files=files)
    f = found["授权委托书.pdf"]
    assert f["code"] == "DOC_TYPE"
    assert f["message"].startswith("“授权委托书.pdf”是不完整的 PDF 文件")
    files["授权委托书.pdf"] = b"Just text.\n"
    assert check_json(ws, files=files, name="b.zip")["授权委托书.pdf"]["message"] == \
        "“授权委托书.pdf”不是 PDF、JPEG 或 PNG 文件。"


@pytest.mark.parametrize("value,cp", [
    ("王\x1b]0;pwned\x07示例", "U+001B"),
    ("王\x07示例", "U+0007"),
    ("王\u202e示例", "U+202E"),
    ("王\u061c示例", "U+061C"),
    ("王\u0085示例", "U+0085"),
    ("王\u2067示例", "U+2067"),
])
def test_control_and_bidi_characters_refused_in_any_value(ws, value, cp):
    app = bundles.application()
    app["handler"]["name"] = value
    app["mailing"]["address"] = "示例路 1 号" + value
    found = check_json(ws, app)
    for where, label in (("handler.name", "单位经办人姓名"), ("mailing.address", "收件地址")):
        f = found[where]
        assert f["code"] == "FORM_CHARACTER"
        assert f["message"] == ("“%s”含有不允许的控制字符或文字方向控制字符（%s），"
                                "请删除后重新填写。" % (label, cp))
    # Nothing of the value's controls reaches the terminal either.
    r = ws.run("check", "a.zip")
    assert r.returncode == 1
    for c in "\x1b\x07\u202e\u061c\u0085\u2067":
        assert c not in r.stdout


def test_a_refused_value_never_reaches_the_outbox(ws):
    ws.init()
    app = bundles.application()
    app["handler"]["name"] = "王\u202e示例"
    app["organization"]["name"] = "山西\u202e示例\x1b[2J科技有限公司"
    bundles.make_bundle(ws.inbox / "a.zip", app=app)
    _, results = ws.ingest()
    assert results[0]["outcome"] == "rejected"
    assert "FORM_CHARACTER" in [f["code"] for f in results[0]["findings"]]
    # The 驳回 notice is queued, and carries neither character.
    assert ws.query("SELECT count(*) FROM outbox")[0][0] > 0
    for table in ("outbox", "people", "findings"):
        text = " ".join(str(c) for row in ws.query("SELECT * FROM " + table)
                        for c in row)
        # Stored JSON escapes ESC as \u001b; the bidi override stays raw.
        assert "\u202e" not in text and "\x1b" not in text, table
        assert "\\u001b" not in text.lower() and "\\u202e" not in text.lower(), table
