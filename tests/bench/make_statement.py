"""Writes the finance benchmark's statement: a 建设银行 account-detail export
(GB18030, CRLF, preamble, serials) of N lines, a tenth of them transfers
paying open orders (memo carries the order number, amount exact), the rest
noise (other credits and debits). Also writes orders.csv (order_no,
amount_fen) for the reconcile half of the benchmark.

usage: make_statement.py STATEMENT ORDERS_CSV N"""
import random
import sys


def check(digits):
    s = 0
    for c in digits:
        s = ((s + int(c)) * 2) % 11
    s = (12 - s) % 11
    return "X" if s == 10 else str(s)


def order_no(k):
    day, seq = 20261101 + k // 99999, k % 99999 + 1
    body = f"{day:08d}{seq:05d}"
    return "SX" + body + check(body)


def yuan(fen):
    return f"{fen // 100:,}.{fen % 100:02d}"


def main():
    path, orders_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(20261124)
    paying = n // 10
    orders = [(order_no(k), rnd.choice((40000, 60000, 70000, 100000)))
              for k in range(paying)]
    with open(orders_path, "w") as f:
        f.write("order_no,amount_fen\n")
        for o, fen in orders:
            f.write(f"{o},{fen}\n")
    balance = 10 ** 10
    out = open(path, "w", encoding="gb18030", newline="")
    out.write("账号,0502000109300012345\r\n账户名称,示例认证服务有限公司\r\n"
              "起始日期,20261101,终止日期,20261130\r\n")
    out.write("交易时间,借方发生额（支取）,贷方发生额（收入）,余额,币种,对方户名,"
              "对方账号,对方开户机构,记账日期,摘要,备注,账户明细编号-交易流水号,"
              "企业流水号,凭证种类,凭证号\r\n")
    pay_at = set(rnd.sample(range(n), paying))
    k = 0
    for i in range(n):
        day = 1 + i * 29 // n
        t = f"2026/11/{day:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
        if i in pay_at:
            o, fen = orders[k]
            k += 1
            credit, memo = True, f"{o} 数字证书费"
        else:
            fen = rnd.randrange(1, 5000000)
            credit = rnd.random() < 0.5
            memo = rnd.choice(("货款", "服务费", "代发工资", "往来款", "退款"))
        balance += fen if credit else -fen
        amount = f'"{yuan(fen)}"'
        out.write(f'{t},{"" if credit else amount},{amount if credit else ""},'
                  f'"{yuan(balance)}",人民币,示例企业{i % 5000}有限公司,'
                  f'62220000{i % 100000:011d},示例银行太原分行,2026110{day % 10},{memo},,'
                  f'1400{i:010d}-B{i:08d},,,\r\n')
    out.close()


if __name__ == "__main__":
    main()
