/* Heading anchors as content.md defines them: Chinese kept, punctuation
 * dropped, repeats numbered. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "generator/anchor.h"

static void slug_is(const char *text, const char *want)
{
	char *got = gen_slug(text);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, want, "slug of \"%s\"", text);
	free(got);
}

Test(anchor, chinese_heading_from_the_conventions)
{
	slug_is("(一) 审核进度如何查询?", "一-审核进度如何查询");
}

Test(anchor, cjk_and_fullwidth_punctuation_dropped)
{
	slug_is("（二）证书怎么领取？", "二证书怎么领取");
	slug_is("“金融认证”不通过，怎么办！", "金融认证不通过怎么办");
	slug_is("《电子认证服务协议》、【提示】：", "电子认证服务协议提示");
	slug_is("第一步。登录…完成—结束·", "第一步登录完成结束");
}

Test(anchor, ascii_lowercased_spaces_to_dashes)
{
	slug_is("PIN 码获取", "pin-码获取");
	slug_is("Step  2:\tUpload files", "step-2-upload-files");
	slug_is("keep-dash_and_underscore", "keep-dash_and_underscore");
	slug_is("a.b,c!d?e(f)", "abcdef");
}

Test(anchor, digits_and_letters_kept)
{
	slug_is("1–5 年", "15-年");
	slug_is("ＰＩＮ码", "ＰＩＮ码"); /* only ASCII is lowercased */
}

Test(anchor, repeats_get_numbers_and_empty_is_section)
{
	gen_anchors a = GEN_ANCHORS_INIT;

	cr_assert_str_eq(gen_anchors_add(&a, "概述"), "概述");
	cr_assert_str_eq(gen_anchors_add(&a, "概述"), "概述-2");
	cr_assert_str_eq(gen_anchors_add(&a, "概述"), "概述-3");
	cr_assert_str_eq(gen_anchors_add(&a, "？！"), "section");
	cr_assert_str_eq(gen_anchors_add(&a, "..."), "section-2");
	cr_assert(gen_anchors_has(&a, "概述-2"));
	cr_assert_not(gen_anchors_has(&a, "概述-4"));
	gen_anchors_free(&a);
}

Test(anchor, a_literal_numbered_heading_does_not_collide)
{
	gen_anchors a = GEN_ANCHORS_INIT;

	cr_assert_str_eq(gen_anchors_add(&a, "a"), "a");
	cr_assert_str_eq(gen_anchors_add(&a, "a 2"), "a-2");
	cr_assert_str_eq(gen_anchors_add(&a, "a"), "a-3");
	gen_anchors_free(&a);
}
