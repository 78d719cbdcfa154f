#!/usr/bin/python3
"""Generates the site benchmark's corpus: N Chinese pages in sections, as

  OUT/certhall/  a git repository with content/ (front matter as the
                 generator wants it) and this repository's site/ and data
                 files, committed once;
  OUT/hugo/      the same pages for Hugo (Hugo front matter, _index.md for
                 sections) with the minimal layouts of tests/bench/hugo.

The text is made of words of the guide's own domain, so that pages look
like the real ones to Markdown and to the search index (headings, lists,
links between pages); it is deterministic for a given N.

usage: site_corpus.py [--pages N] [--per-section M] OUT
"""
import argparse
import os
import pathlib
import random
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
HUGO_LAYOUTS = pathlib.Path(__file__).resolve().parent / "hugo" / "layouts"

WORDS = """数字证书 申请 经办人 单位 统一社会信用代码 营业执照 法定代表人 授权委托书
印模采集表 审核 驳回 金融认证 对公账户 打款 实名 电信认证 手机号码 短信 验证码 PIN码
密码 发票 电子发票 领取 邮寄 快递 网上营业厅 登录 注册 上传 扫描件 盖章 公章 有效期
续期 变更 注销 补办 费用 缴费 在线支付 银行转账 订单 申请编号 客户服务 热线 工作日
平台 招标 投标 采购 供应商 机构证书 个人证书 介质 驱动 浏览器 插件 安装 下载 系统
提示 信息 核对 修改 提交 保存 草稿 查询 进度 结果 通知 邮件 地址 联系人 办理
材料 原件 复印件 身份证 护照 港澳居民 台湾居民 外国人 永久居留证 税号 开户行 账号""".split()
JOIN = ["，", "，", "、", "。", "；"]
VERBS = ["需要", "可以", "应当", "请", "将", "会", "已经", "无法", "完成", "确认"]


def sentence(rng):
    n = rng.randint(6, 14)
    parts = []
    for i in range(n):
        parts.append(rng.choice(WORDS))
        if i % 3 == 1:
            parts.append(rng.choice(VERBS))
    text = ""
    for i, p in enumerate(parts):
        text += p
        if i < len(parts) - 1 and rng.random() < 0.25:
            text += rng.choice(JOIN[:3])
    return text + "。"


def paragraph(rng):
    return "".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def title(rng, n):
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) + f"说明 {n}"


def body(rng, siblings):
    out = [paragraph(rng), ""]
    for h in range(rng.randint(2, 4)):
        out += [f"## 第{h + 1}部分 {rng.choice(WORDS)}{rng.choice(WORDS)}", "",
                paragraph(rng), ""]
        if rng.random() < 0.5:
            out += [f"- {sentence(rng)}" for _ in range(rng.randint(2, 4))] + [""]
        if rng.random() < 0.3:
            out += [f"1. **{rng.choice(WORDS)}**：{sentence(rng)}" for _ in range(3)] + [""]
        out += [paragraph(rng), ""]
    if siblings:
        other = rng.choice(siblings)
        out += [f"相关页面：[{other[1]}]({other[0]}.md)。", ""]
    return "\n".join(out)


def front(fields):
    lines = ["---"]
    for k, v in fields:
        lines.append(f"{k}: {v}")
    lines += ["---", ""]
    return "\n".join(lines)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def git(repo, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": "2026-11-01T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-01T10:00:00+08:00"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--per-section", type=int, default=200,
                    help="pages per section (about)")
    ap.add_argument("out")
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    ch, hu = out / "certhall", out / "hugo"
    for d in (ch, hu):
        if d.exists():
            shutil.rmtree(d)

    rng = random.Random(20261101)
    nsec = max(1, a.pages // max(1, a.per_section))
    # home + sections + leaves == pages
    leaves = max(0, a.pages - 1 - nsec)
    per = [leaves // nsec + (1 if i < leaves % nsec else 0) for i in range(nsec)]

    desc = "数字证书办理指南的基准测试语料。"
    write(ch / "content" / "index.md",
          front([("title", "基准测试首页"), ("order", 0), ("description", desc)])
          + paragraph(rng) + "\n")
    write(hu / "content" / "_index.md",
          front([("title", "基准测试首页"), ("weight", 0), ("description", desc)])
          + paragraph(rng) + "\n")
    for s in range(nsec):
        sec = f"section-{s + 1:03d}"
        stitle = f"{rng.choice(WORDS)}{rng.choice(WORDS)}专题 {s + 1}"
        sdesc = sentence(rng)
        stext = paragraph(rng) + "\n"
        write(ch / "content" / sec / "index.md",
              front([("title", stitle), ("order", s + 1), ("description", sdesc)]) + stext)
        write(hu / "content" / sec / "_index.md",
              front([("title", stitle), ("weight", s + 1), ("description", sdesc)]) + stext)
        names = [(f"page-{i + 1:04d}", title(rng, i + 1)) for i in range(per[s])]
        for i, (name, t) in enumerate(names):
            d = sentence(rng)
            b = body(rng, names[:i] + names[i + 1:])
            write(ch / "content" / sec / f"{name}.md",
                  front([("title", t), ("order", i + 1), ("description", d)]) + b)
            write(hu / "content" / sec / f"{name}.md",
                  front([("title", t), ("weight", i + 1), ("description", d)]) + b)

    # The generator's data files and look come from this repository.
    shutil.copytree(ROOT / "site", ch / "site")
    for f in ("site.yaml", "fees.yaml"):
        shutil.copy(ROOT / "content" / f, ch / "content" / f)
    shutil.copytree(ROOT / "content" / "forms", ch / "content" / "forms")
    git(ch, "init", "-q", "-b", "main")
    git(ch, "add", "-A")
    git(ch, "commit", "-q", "-m", "benchmark corpus")

    shutil.copytree(HUGO_LAYOUTS, hu / "layouts")
    write(hu / "config.toml", "\n".join([
        'baseURL = "https://ca.example.invalid/"',
        'languageCode = "zh-CN"',
        'defaultContentLanguage = "zh"',
        'hasCJKLanguage = true',
        'title = "基准测试"',
        'disableKinds = ["taxonomy", "term", "RSS"]',
        'enableRobotsTXT = true',
        ""]))
    print(f"{a.pages} pages in {nsec} sections: {ch} and {hu}")


if __name__ == "__main__":
    main()
