"""Statement and merchant-bill files written the way each bank and platform
writes them: their header rows, preamble and footer lines, encodings
(GB18030 bytes, UTF-8 with or without BOM), CRLF line ends, forced-text
marks, thousands separators. Counterparties are made up (示例 names, account
numbers that are nobody's).

A statement is a list of Line; each writer returns the file's bytes."""
import dataclasses


@dataclasses.dataclass
class Line:
    date: str                 # 2026-11-23
    time: str = "10:00:00"
    credit: bool = True
    fen: int = 30000
    name: str = "山西示例科技有限公司"
    account: str = "6222000011112222333"
    bank: str = "示例银行太原分行"
    memo: str = "数字证书费"
    serial: str = ""
    order_no: str = ""
    refund: bool = False
    balance: int = 0          # filled by running()


def running(lines, opening):
    """Fills each line's balance from the opening balance, oldest first;
    opening None keeps the balances the lines carry (for gaps)."""
    if opening is None:
        return lines
    b = opening
    for l in lines:
        b += l.fen if l.credit else -l.fen
        l.balance = b
    return lines


def yuan(fen, group=True):
    s = "-" if fen < 0 else ""
    a = abs(fen)
    whole = f"{a // 100:,}" if group else str(a // 100)
    return f"{s}{whole}.{a % 100:02d}"


def q(s):
    """A CSV cell: quoted when it holds a comma or a quote."""
    s = str(s)
    if any(c in s for c in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def rows(cells_list, sep=","):
    return [sep.join(q(c) for c in cells) for cells in cells_list]


def encode(lines, encoding="gb18030", crlf=True, bom=False):
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def compact(d):
    return d.replace("-", "")


OUR_ACCOUNT = "0502000109300012345"


def icbc(lines, opening=100000, **kw):
    """工商银行 企业网银 账户明细: GB18030, CRLF, preamble, 合计 row."""
    running(lines, opening)
    out = rows([["中国工商银行 账户明细查询"], [f"账号：{OUR_ACCOUNT}"],
                ["户名：示例认证服务有限公司"], ["起止日期：2026-11-01 至 2026-11-24"],
                [f"期初余额：{yuan(opening)}"], [""]])
    out.append("凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,"
               "对方行号,摘要,用途,对方单位名称,余额,个性化信息")
    debit = credit = 0
    for l in lines:
        debit += 0 if l.credit else l.fen
        credit += l.fen if l.credit else 0
        out += rows([["", OUR_ACCOUNT, l.account, f"{l.date} {l.time}",
                      "贷" if l.credit else "借",
                      "" if l.credit else yuan(l.fen),
                      yuan(l.fen) if l.credit else "", "102161000017", l.memo,
                      "", l.name, yuan(l.balance), ""]])
    out += rows([["合计", "", "", "", "", yuan(debit), yuan(credit), "", "",
                  "", "", "", ""]])
    out += rows([[f"期末余额：{yuan(lines[-1].balance if lines else opening)}"]])
    return encode(out, **kw)


def ccb(lines, opening=100000, **kw):
    """建设银行 企业网银 账户明细: GB18030, label,value preamble, the account
    in the first column, serials."""
    running(lines, opening)
    out = rows([["账号", OUR_ACCOUNT], ["账户名称", "示例认证服务有限公司"],
                ["起始日期", "20261101", "终止日期", "20261124"]])
    out.append("账号,交易时间,借方发生额,贷方发生额,余额,币种,对方户名,对方账号,"
               "对方开户机构,记账日期,摘要,备注,账户明细编号-交易流水号,企业流水号,"
               "凭证种类,凭证号,交易介质编号")
    for i, l in enumerate(lines):
        out += rows([[OUR_ACCOUNT, f"{l.date.replace('-', '/')} {l.time}",
                      "" if l.credit else yuan(l.fen),
                      yuan(l.fen) if l.credit else "", yuan(l.balance), "人民币",
                      l.name, l.account, l.bank, compact(l.date), l.memo, "",
                      l.serial or f"1400{i:08d}-CCB{i:06d}", "", "", "", ""]])
    return encode(out, **kw)


ABC_HEADER = ("交易日期,交易时间戳,收入金额,支出金额,本次余额,手续费总额,交易方式,"
              "交易行名,交易类别,对方省市,对方账号,对方户名,交易说明,交易摘要,"
              "交易附言,交易凭证号,交易日志号")


def abc(lines, opening=100000, **kw):
    """农业银行 企业网银 账户明细: UTF-8 with BOM (as Excel saves CSV),
    two preamble and two footer lines, the date and its time stamp in
    columns of their own, 收入/支出 columns, 交易日志号."""
    kw.setdefault("encoding", "utf-8")
    kw.setdefault("bom", True)
    running(lines, opening)
    out = ["中国农业银行账户明细", f"账号：{OUR_ACCOUNT}", ABC_HEADER]
    income = spent = 0
    for i, l in enumerate(lines):
        income += l.fen if l.credit else 0
        spent += 0 if l.credit else l.fen
        out += rows([[compact(l.date), l.time.replace(":", ""),
                      yuan(l.fen) if l.credit else "-",
                      "-" if l.credit else yuan(l.fen), yuan(l.balance), "0.00",
                      "网银", l.bank, "转账", "山西省", l.account, l.name,
                      l.memo, "转账", "", "", l.serial or f"{356050882 + i}"]])
    out += rows([["收入合计", yuan(income)], ["支出合计", yuan(spent)]])
    return encode(out, **kw)


BOC_HEADER = ("交易类型[ Transaction Type ],业务类型[ Business type ],"
              "付款人开户行号[ Payer account bank ],付款人开户行名[ Payer account bank name ],"
              "付款人账号[ Debit Account No. ],付款人名称[ Payer's Name ],"
              "收款人开户行行号[ Payee's Account Bank ],收款人开户行名[ Beneficiary account bank ],"
              "收款人账号[ Payee's Account Number ],收款人名称[ Payee's Name ],"
              "交易日期[ Transaction Date ],交易时间[ Transaction time ],"
              "交易货币[ Trade Currency ],交易金额[ Trade Amount ],"
              "交易后余额[ After-transaction balance ],起息日期[ Value Date ],"
              "汇率[ Exchange rate ],交易流水号[ Transaction reference number ],"
              "客户申请号[ Online Banking Serial Number ],摘要[ Reference ],"
              "用途[ Purpose ],交易附言[ Remark ],备注[ Remarks ]")


def boc(lines, opening=100000, **kw):
    """中国银行 企业网银 交易明细: bilingual headers, one signed amount,
    payer and payee both listed, GB18030."""
    running(lines, opening)
    out = ["中国银行交易明细 Transaction Details", BOC_HEADER]
    us = ("104161000010", "中国银行太原分行", OUR_ACCOUNT, "示例认证服务有限公司")
    for i, l in enumerate(lines):
        them = ("313161000017", l.bank, l.account, l.name)
        payer, payee = (them, us) if l.credit else (us, them)
        out += rows([["来账" if l.credit else "往账", "转账", *payer, *payee,
                      compact(l.date), l.time, "人民币",
                      yuan(l.fen if l.credit else -l.fen, group=False),
                      yuan(l.balance, group=False), compact(l.date), "",
                      l.serial or f"BOC{i:010d}", "", l.memo, "", "", ""]])
    return encode(out, **kw)


def cmb(lines, opening=100000, **kw):
    """招商银行 企业网银 交易明细: UTF-8, serials forced to text with ="…",
    冲帐标志."""
    kw.setdefault("encoding", "utf-8")
    running(lines, opening)
    out = ["招商银行交易明细", f"账号：{OUR_ACCOUNT}", "币种：人民币", ""]
    out.append("交易日,交易时间,起息日,交易类型,借方金额,贷方金额,余额,摘要,流水号,"
               "流程实例号,业务名称,用途,业务参考号,业务摘要,其它摘要,收/付方分行名,"
               "收/付方名称,收/付方帐号,收/付方开户行行号,收/付方开户行名,"
               "收/付方开户行地址,冲帐标志")
    for i, l in enumerate(lines):
        serial = l.serial or f"G{i:09d}"
        out += rows([[compact(l.date), l.time, compact(l.date), "汇入汇款" if l.credit else "汇出汇款",
                      "" if l.credit else yuan(l.fen),
                      yuan(l.fen) if l.credit else "", yuan(l.balance), l.memo,
                      f'="{serial}"', "", "", "", "", "", "", "太原分行", l.name,
                      l.account, "", l.bank, "", "Y" if l.refund else ""]])
    return encode(out, **kw)


WECHAT_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,"
                 "用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,"
                 "微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
                 "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")


def wechat(lines, **kw):
    """微信支付 交易账单 (ALL): UTF-8, every value prefixed with a backtick,
    the summary block after the rows."""
    kw.setdefault("encoding", "utf-8")
    kw.setdefault("crlf", False)
    out = [WECHAT_HEADER]
    settled = refunded = 0
    for i, l in enumerate(lines):
        wx = l.serial or f"42000020262026112{i:011d}"
        if l.refund:
            refunded += l.fen
            cells = [f"{l.date} {l.time}", "wx8888888888888888", "1900000109",
                     "0", "", wx, l.order_no, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                     "NATIVE", "REFUND", "OTHERS", "CNY", "0.00", "0.00",
                     f"50300000{i:018d}", f"R{l.order_no}", yuan(l.fen, False),
                     "0.00", "ORIGINAL", "SUCCESS", l.memo, "", "0.00000",
                     "0.60%", "0.00", yuan(l.fen, False), ""]
        else:
            settled += l.fen
            cells = [f"{l.date} {l.time}", "wx8888888888888888", "1900000109",
                     "0", "", wx, l.order_no, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                     "NATIVE", "SUCCESS", "CMB_DEBIT", "CNY",
                     yuan(l.fen, False), "0.00", "0", "0", "0.00", "0.00", "",
                     "", l.memo, "", "0.00000", "0.60%", yuan(l.fen, False),
                     "0.00", ""]
        out.append(",".join("`" + c for c in cells))
    out.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,"
               "订单总金额,申请退款总金额")
    out.append(",".join("`" + c for c in [
        str(len(lines)), f"¥{yuan(settled, False)}", f"¥{yuan(refunded, False)}",
        "¥0.00", "¥0.00000", f"¥{yuan(settled, False)}",
        f"¥{yuan(refunded, False)}"]))
    return encode(out, **kw)


def alipay(lines, opening=0, **kw):
    """支付宝 账务明细: GBK, # comment lines before and after, every cell
    padded with a tab."""
    kw.setdefault("encoding", "gbk")
    running(lines, opening)
    out = ["#支付宝账务明细查询", "#账号：[20889912345678900156]",
           "#起始日期：[2026年11月01日 00:00:00]    终止日期：[2026年11月24日 00:00:00]",
           "#-----------------------------------------账务明细列表----------------------------------------",
           "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,"
           "支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注,"]
    income = spent = 0
    for i, l in enumerate(lines):
        income += l.fen if l.credit else 0
        spent += 0 if l.credit else l.fen
        cells = [l.serial or f"2026112311001{i:06d}",
                 f"2026112322001{i:06d}", l.order_no, l.memo,
                 f"{l.date} {l.time}", "pay***@example.com",
                 f"+{yuan(l.fen, False)}" if l.credit else "",
                 "" if l.credit else f"-{yuan(l.fen, False)}",
                 yuan(l.balance, False), "支付宝", "交易退款" if l.refund else "在线支付", ""]
        out.append("".join(c + "\t," for c in cells))
    out += ["#-----------------------------------------账务明细列表结束------------------------------------",
            f"#收入合计：{sum(1 for l in lines if l.credit)}笔，共{yuan(income, False)}元",
            f"#支出合计：{sum(1 for l in lines if not l.credit)}笔，共{yuan(spent, False)}元",
            "#导出时间：[2026年11月24日 10:00:00]"]
    return encode(out, **kw)


WRITERS = {"icbc": icbc, "ccb": ccb, "abc": abc, "boc": boc, "cmb": cmb,
           "wechat": wechat, "alipay": alipay}


def sample(n=3, day="2026-11-23"):
    """n plain lines: credits with one debit among them."""
    out = []
    for i in range(n):
        out.append(Line(date=day, time=f"1{i % 10}:0{i % 6}:00",
                        credit=i % 3 != 2, fen=30000 + 100 * i,
                        name=f"示例企业{i}有限公司",
                        account=f"62220000111122{i:05d}",
                        memo=f"SX2026112300{i:03d} 证书费",
                        order_no=f"SX2026112300{i:03d}"))
    return out
