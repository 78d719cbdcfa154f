/* layout_builtin.c: the layouts compiled in, in the layout file format
 * (certhall-batch(1), LAYOUT FILES), so that one parser reads both and a
 * file of the same name can replace one. Header rows are those of the
 * banks' corporate (对公) account-detail exports and of the two merchant
 * bills, with the synonyms their versions use. */
#include "batch/money/layout.h"

const char *const LAYOUT_BUILTIN[] = {
	/* 工商银行 企业网银 账户明细 (CSV). */
	"name: icbc\n"
	"title: 工商银行 对公账户明细\n"
	"source: bank\n"
	"require: [counterparty_name, direction]\n"
	"fields:\n"
	"  date: [交易时间, 交易日期, 入账日期]\n"
	"  debit: [借方发生额, 借方金额]\n"
	"  credit: [贷方发生额, 贷方金额]\n"
	"  direction: [借/贷, 借贷标志]\n"
	"  balance: [余额, 账户余额]\n"
	"  counterparty_name: [对方单位名称, 对方单位, 对方户名]\n"
	"  counterparty_account: [对方账号]\n"
	"  counterparty_bank: [对方行号, 对方行名]\n"
	"  memo: [摘要, 用途, 附言, 个性化信息]\n",

	/* 建设银行 企业网银 账户明细. */
	"name: ccb\n"
	"title: 建设银行 对公账户明细\n"
	"source: bank\n"
	"require: [serial]\n"
	"fields:\n"
	"  serial: [账户明细编号-交易流水号, 交易流水号]\n"
	"  date: [交易时间, 记账日期, 交易日期]\n"
	"  debit: [借方发生额（支取）, 借方发生额(支取), 借方发生额]\n"
	"  credit: [贷方发生额（收入）, 贷方发生额(收入), 贷方发生额]\n"
	"  balance: [余额, 账户余额]\n"
	"  counterparty_name: [对方户名, 对方账户名称]\n"
	"  counterparty_account: [对方账号]\n"
	"  counterparty_bank: [对方开户机构, 对方开户行]\n"
	"  memo: [摘要, 备注, 用途]\n",

	/* 农业银行 企业网银 账户明细: 交易日志号 is the line's number; the
	 * time stamp is a column of its own. */
	"name: abc\n"
	"title: 农业银行 对公账户明细\n"
	"source: bank\n"
	"require: [serial, time]\n"
	"fields:\n"
	"  serial: [交易日志号, 交易流水号, 流水号]\n"
	"  date: [交易日期]\n"
	"  time: [交易时间戳, 交易时间]\n"
	"  credit: [收入金额, 贷方金额]\n"
	"  debit: [支出金额, 借方金额]\n"
	"  balance: [本次余额, 账户余额, 余额]\n"
	"  counterparty_name: [对方户名]\n"
	"  counterparty_account: [对方账号]\n"
	"  counterparty_bank: [对方开户行, 对方行名, 交易行名]\n"
	"  type: [交易类别]\n"
	"  memo: [交易说明, 交易摘要, 交易附言, 交易用途, 摘要, 附言]\n",

	/* 中国银行 企业网银 交易明细: bilingual headers, one signed amount,
	 * payer and payee both listed. */
	"name: boc\n"
	"title: 中国银行 对公交易明细\n"
	"source: bank\n"
	"require: [serial, payer_name, payee_name]\n"
	"fields:\n"
	"  serial: [交易流水号]\n"
	"  date: [交易日期]\n"
	"  time: [交易时间]\n"
	"  amount: [交易金额]\n"
	"  balance: [交易后余额]\n"
	"  payer_name: [付款人名称]\n"
	"  payer_account: [付款人账号]\n"
	"  payer_bank: [付款人开户行名]\n"
	"  payee_name: [收款人名称]\n"
	"  payee_account: [收款人账号]\n"
	"  payee_bank: [收款人开户行名]\n"
	"  type: [交易类型]\n"
	"  memo: [摘要, 用途, 交易附言, 备注]\n",

	/* 招商银行 企业网银 (U-BANK) 交易明细. */
	"name: cmb\n"
	"title: 招商银行 对公交易明细\n"
	"source: bank\n"
	"require: [serial, counterparty_name]\n"
	"fields:\n"
	"  serial: [流水号]\n"
	"  date: [交易日, 交易日期]\n"
	"  time: [交易时间]\n"
	"  debit: [借方金额]\n"
	"  credit: [贷方金额]\n"
	"  balance: [余额]\n"
	"  counterparty_name: [收/付方名称, 收(付)方名称]\n"
	"  counterparty_account: [收/付方帐号, 收/付方账号, 收(付)方帐号, 收(付)方账号]\n"
	"  counterparty_bank: [收/付方开户行名, 收(付)方开户行名]\n"
	"  type: [交易类型]\n"
	"  reversal_flag: [冲帐标志, 冲账标志]\n"
	"  memo: [摘要, 用途, 业务摘要, 其它摘要, 扩展摘要]\n",

	/* 微信支付 商户平台 交易账单 (ALL, SUCCESS or REFUND). */
	"name: wechat\n"
	"title: 微信支付 交易账单\n"
	"source: wechat\n"
	"require: [serial, merchant_order_no, type]\n"
	"fields:\n"
	"  date: [交易时间]\n"
	"  serial: [微信订单号]\n"
	"  refund_serial: [微信退款单号]\n"
	"  merchant_order_no: [商户订单号]\n"
	"  type: [交易状态]\n"
	"  amount: [应结订单金额, 总金额]\n"
	"  refund_amount: [退款金额]\n"
	"  counterparty_account: [用户标识]\n"
	"  memo: [商品名称, 商户数据包]\n"
	"words:\n"
	"  refund: [REFUND, REVOKED, 退款]\n"
	"  footer: [总交易单数, '#']\n"
	"summary:\n"
	"  total_credit: [应结订单总金额, 总交易额]\n"
	"  total_debit: [退款总金额, 总退款金额]\n",

	/* 支付宝 商家 账务明细 (GBK, # comments before and after). */
	"name: alipay\n"
	"title: 支付宝 账务明细\n"
	"source: alipay\n"
	"require: [serial, merchant_order_no]\n"
	"fields:\n"
	"  serial: [账务流水号]\n"
	"  merchant_order_no: [商户订单号]\n"
	"  date: [发生时间, 入账时间]\n"
	"  credit: [收入金额（+元）, 收入金额(+元), 收入金额]\n"
	"  debit: [支出金额（-元）, 支出金额(-元), 支出金额]\n"
	"  balance: [账户余额（元）, 账户余额(元), 账户余额]\n"
	"  counterparty_account: [对方账号]\n"
	"  counterparty_name: [对方名称]\n"
	"  type: [业务类型]\n"
	"  memo: [商品名称, 备注]\n"
	"words:\n"
	"  refund: [退款]\n"
	"  footer: ['#']\n"
	"summary:\n"
	"  account: [账号]\n"
	"  total_credit: [收入合计]\n"
	"  total_debit: [支出合计]\n",
};

const size_t LAYOUT_NBUILTIN = sizeof LAYOUT_BUILTIN / sizeof LAYOUT_BUILTIN[0];
