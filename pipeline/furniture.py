"""Page furniture: the one home of what is on a page but not in the report.

Web copies carry breadcrumbs, page tools, CMS info lines and visit counters;
PDFs and scans carry page numbers and running headers. Each reader drops or
ignores them with the patterns named here: the HTML reader drops tool lines,
the PDF and OCR readers drop page numbers, the structure stage never takes a
furniture line for a title or heading, and the metrics stage never takes a
visit counter for a figure.
"""

from __future__ import annotations

import re

from pipeline.dates import YEAR_MONTH

__all__ = [
    "BARE_PAGE_NUMBER", "COUNTER_FURNITURE", "DASHES", "LEAD_JUNK", "OCR_PAGE_NUMBER", "PAGE_NUMBER", "SITE_NAME",
    "SITE_SUFFIX", "WEB_FURNITURE",
    "is_web_tool_line",
]

# --- lines of text (structure) ---------------------------------------------------
# Junk that precedes a line's first real character in web copies ("??一、",
# "• 索引号", "- 日期").
LEAD_JUNK = re.compile(r"[?？•·\-–—*#>|\u25cf\u25a0\u25c6\u2022\ufffd]+")
# Words of web-page furniture: a line with one of them is never a title or heading.
WEB_FURNITURE = re.compile(
    r"[|>＞»›]|首页|当前位置|所在位置|您的位置|位置[:：]|发布时间|发布日期|日期[:：]|来源[:：]|浏览|点击|字号|字体|打印|分享|"
    r"索引号|主题分类|发文字号|发布机构|成文日期|体裁分类|有效性|语音播报|无障碍|"
    # The open-government page's record fields (政府信息公开 catalogue), printed as a table.
    r"生成日期|公开方式|公开范围|组配分类|公开时限"
)

# A page title's site suffix ("…报告 - 明川县人民政府门户网站", "…报告_青石镇人民政府").
SITE_SUFFIX = re.compile(r"\s*[-_—–]+\s*[\u4e00-\u9fff]{2,20}(?:人民政府|政府|网|网站|门户|平台)$")
# A site's name above the title ("明川县人民政府门户网站"): never the first part of a broken title.
SITE_NAME = re.compile(r"(?:网|网站|门户|平台|客户端|公众号)$")


# --- figures (metrics) -----------------------------------------------------------
# Web-page furniture around a saved report: visit counters, attachment and page
# counts, bylines ("浏览次数：326次", "附件（1个）", "访问量：1288人次"). A
# quantity on a line with one of these words and no sentence end is not a figure
# of the report; a body sentence ends with 。 and keeps "阅读量达2.3万人次".
# A counter is its word right before the number ("浏览次数：326", "阅读1,024次"),
# so "网站浏览量达5万人次" in a heading keeps its figure.
COUNTER_FURNITURE = re.compile(
    r"(?:浏览|访问|访客|阅读|点击)(?:量|数|次数|人次)?[:：]?\d|附件(?:下载)?[:：（(\d]|[第共]\d+页|"
    r"字号[:：]|分享到|版权所有|技术支持[:：]|联系电话[:：]|发布(?:时间|日期)[:：]|来源[:：]|【?打印本页|关闭窗口"
)


# --- web pages (the HTML reader) ---------------------------------------------------
# Page tools: a line made only of these (and brackets, separators, counts) is not article text.
_TOOL_TOKENS = re.compile(
    r"打印本页|打印此页|打印文章|打印页面|打印|关闭本页|关闭窗口|关闭页面|关闭|返回顶部|返回首页|返回|"
    r"收藏本页|加入收藏|收藏|分享到|分享|保存本页|字号|字体|默认|语音播报|朗读|扫一扫在手机打开当前页|"
    r"扫一扫|手机扫码|浏览次数|阅读次数|访问量|点击数|[大中小]|[【】\[\]（）()：:|/·\s\d-]"
)
_HAS_WORD = re.compile(r"[^\d\s【】\[\]（）()：:|/·-]")
_NOISE_LINE = re.compile(r"^(?:上一篇|下一篇|相关链接|相关文章|相关阅读|相关新闻|责任编辑|网站地图)")
# Breadcrumbs and the CMS's date/source/index lines, when they sit inside the content container.
_CRUMB_LINE = re.compile(r"^(?:您|你)?(?:当前|现在)?(?:所在)?(?:的)?位置\s*[：:]|^首页\s*[>＞»›/]")
_INFO_LABEL = re.compile(
    r"(?:发布时间|发布日期|发文日期|成文日期|更新时间|日期|时间|来源|信息来源|文章来源|作者|编辑|浏览次数|点击数|阅读数|"
    r"索引号|发文字号|文号|主题分类|体裁分类|发布机构|有效性|主题词|所属机构)\s*[\]】]?\s*[：:]?"
)
# Labels of the government-information-disclosure table (信息公开目录) that CMSes print above
# the article; a short line opening with one of them (then a bracket, colon, space or the
# end) is never report text.
_INDEX_LABEL = re.compile(
    r"^[\[【]?\s*(?:索引号|发文字号|主题分类|体裁分类|发布机构|有效性|成文日期|发布日期|主题词|公开方式|公开范围|"
    r"公开时限|信息分类|组配分类|生成日期|所属机构|文号)\s*(?:[\]】:：\s]|$)"
)


def is_web_tool_line(line: str) -> bool:
    """A line of page tools, a breadcrumb, or the CMS's date/source/index data (not article text)."""
    compact = "".join(line.split())
    if _NOISE_LINE.match(compact) or _CRUMB_LINE.match(compact):
        return True
    if not _TOOL_TOKENS.sub("", compact) and _HAS_WORD.search(compact):
        return True  # nothing but tool words ("【打印本页】【关闭窗口】", "字号：大 中 小")
    if len(compact) <= 60 and _INDEX_LABEL.match(line.strip()):
        return True
    if len(compact) <= 120 and "。" not in compact:
        labels = len(_INFO_LABEL.findall(line))
        lead = _INFO_LABEL.match(compact.lstrip("[【"))
        if lead and (labels >= 2 or YEAR_MONTH.search(compact)):
            return True
    return False


# --- page numbers (the PDF and OCR readers) ------------------------------------------
DASHES = "-－—–─~～·•"
PAGE_NUMBER = re.compile(
    rf"""^(?:
        [{DASHES}]+\d{{1,4}}[{DASHES}]+            # - 3 -, — 3 —
      | 第\d{{1,4}}页(?:[,，/／]?共\d{{1,4}}页)?     # 第3页, 第3页共10页
      | 共\d{{1,4}}页[,，/／]?第\d{{1,4}}页
      | \d{{1,4}}[/／]\d{{1,4}}                     # 3/10
      | (?:page|p\.?)\d{{1,4}}(?:of\d{{1,4}})?      # Page 3 of 10
      | [{DASHES}]*[一二三四五六七八九十百]{{1,4}}[{DASHES}]+  # — 三 —
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
BARE_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
# Page furniture: "— 3 —", "-3-", "3", "第3页", "第 3 页 共 9 页".
OCR_PAGE_NUMBER = re.compile(r"^[\s\-—–－_~·]*(?:\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)[\s\-—–－_~·]*$")
