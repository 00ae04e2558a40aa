"""Privacy and sign-off rules: personal data and secrecy cues (R12), addressee and sign-off (R13)."""

from __future__ import annotations

import re
from datetime import date

from pipeline.completeness.document import Doc, first_match, make_item, sentence_around
from pipeline.completeness.schema import RuleSpec
from pipeline.dates import (
    FULL_DATE,
)
from pipeline.normalise import normalise
from pipeline.types import CheckItem

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Digits glued to other digits or letters are part of a longer code, not an ID or phone number.
_ID_CAND = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_PHONE_CAND = re.compile(r"(?<![\dA-Za-z.])1[3-9]\d{9}(?![\dA-Za-z])")
# Given-name characters that show the name is anonymised (张某某, 李X) or is no name at all.
_NOT_GIVEN = re.compile(r"[某XxＸ×*＊○〇\d村镇乡组县区市街家氏姓户方面级年]")


def valid_citizen_id(s: str) -> bool:
    """An 18-character resident ID (GB 11643) whose check character and birth date hold."""
    if not re.fullmatch(r"\d{17}[\dXx]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != s[17].upper():
        return False
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def mask_digits(s: str) -> str:
    """``s`` with the middle of every ID and mobile number starred (never echo one in full)."""

    def star_id(m: re.Match[str]) -> str:
        d = m.group(0)
        return d[:3] + "*" * 11 + d[-4:] if valid_citizen_id(d) else d

    s = _ID_CAND.sub(star_id, s)
    return _PHONE_CAND.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], s)


def _name_hits(doc: Doc, spec: RuleSpec) -> list[tuple[int, int, str]]:
    """A private person's full name next to a litigation/petition word (王建国信访)."""
    surnames = frozenset(spec.opts.get("surnames", ()))
    before = spec.pats("name_before")
    norm = doc.norm
    out: list[tuple[int, int, str]] = []
    for p in spec.pats("litigation"):
        for m in p.finditer(norm, doc.body_start):
            end = m.start()
            # A short link may sit between the name and the word (王建国等人信访, 李四因纠纷).
            link = re.search(r"(等人?|因|就|多次|再次|一直)$", norm[max(0, end - 2) : end])
            ends = (end, end - len(link.group(0))) if link else (end,)
            hit = None
            for name_end in ends:
                # Longest name first: 欧阳明辉, 王建国, 王芳.
                for sur_len, given_len in ((2, 2), (2, 1), (1, 2), (1, 1)):
                    start = name_end - sur_len - given_len
                    if start < doc.body_start:
                        continue
                    sur, given = norm[start : start + sur_len], norm[start + sur_len : name_end]
                    if sur not in surnames or not re.fullmatch(r"[\u4e00-\u9fff]+", given):
                        continue
                    if _NOT_GIVEN.search(given):
                        continue
                    prefix = norm[max(0, start - 6) : start]
                    # The name stands at a clause boundary or after a role word (村民, 当事人).
                    at_boundary = not prefix or re.search(r"[，。；：、,;:\n“”\"（(]$", prefix)
                    if not at_boundary and not first_match(before, prefix):
                        continue
                    hit = (start, m.end())
                    break
                if hit:
                    break
            if hit:
                out.append((hit[0], hit[1], norm[hit[0] : hit[1]]))
    return out


def check_pii(doc: Doc, spec: RuleSpec) -> CheckItem:
    norm = doc.norm
    found: list[tuple[int, int, str]] = []  # (start, end, what) in norm
    if spec.opts.get("id_numbers", True):
        for m in _ID_CAND.finditer(norm):
            if valid_citizen_id(m.group(0)):
                found.append((m.start(), m.end(), f"身份证号码{mask_digits(m.group(0))}"))
    if spec.opts.get("phones", True):
        for m in _PHONE_CAND.finditer(norm):
            found.append((m.start(), m.end(), f"手机号码{mask_digits(m.group(0))}"))
    for s, e, q in _name_hits(doc, spec):
        found.append((s, e, f"当事人姓名“{q}”"))
    for p in spec.pats("secrecy"):
        for m in p.finditer(norm):
            found.append((m.start(), m.end(), f"涉密标识“{m.group(0).strip()}”"))
    if not found:
        return make_item(spec, False, "未发现身份证号、手机号、当事人姓名或涉密标识")
    found.sort()
    s, e, _what = found[0]
    u = next((x for x in doc.units if x.start <= s < x.end), None)
    span = sentence_around(doc, u, s) if u else (max(0, s - 12), min(len(norm), e + 12))
    whats = "、".join(dict.fromkeys(w for _s, _e, w in found[:4]))
    more = f"等{len(found)}处" if len(found) > 1 else ""
    msg = f"疑含个人信息或涉密内容：{whats}{more}，公开前应做保密审查和脱敏"
    item = make_item(spec, True, msg, where="paragraph")
    item.evidence, item.start = mask_digits(doc.quote(*span)), doc.text_pos(span[0])
    return item


# -- R13: addressee and sign-off -------------------------------------------------


def _tail_lines(doc: Doc, n: int) -> list[tuple[int, str]]:
    """The last ``n`` non-empty lines after the title, last first, with their norm offsets."""
    out: list[tuple[int, str]] = []
    pos = doc.body_start
    for line in doc.norm[doc.body_start :].split("\n"):
        s = line.strip()
        if s:
            out.append((pos + line.find(s), s))
        pos += len(line) + 1
    return out[::-1][:n]


def check_sign_off(doc: Doc, spec: RuleSpec) -> CheckItem:
    norm = doc.norm
    # The addressee: a line ending in a colon among the opening lines (web copies put header
    # fields and the title before it), before the first heading.
    addressee: tuple[int, int] | None = None
    first_heading = next((u.start for u in doc.units if u.kind == "heading"), len(norm))
    pos, seen = 0, 0
    while pos < first_heading and seen < int(spec.opts.get("addressee_lines", 12)):
        nl = norm.find("\n", pos)
        nl = len(norm) if nl < 0 else nl
        line = norm[pos:nl].strip()
        if line:
            seen += 1
            if first_match(spec.pats("addressee"), line) and not first_match(spec.pats("not_addressee"), line):
                s = pos + norm[pos:nl].find(line)
                addressee = (s, s + len(line))
                break
        pos = nl + 1
    # The sign-off: organ and date in the last lines; metadata found them already when it could.
    organ: tuple[int, int] | None = None
    dated: tuple[int, int] | None = None
    # Only lines after the first heading: in a short web copy the last lines may be its header fields.
    last = [x for x in _tail_lines(doc, int(spec.opts.get("signature_lines", 6))) if x[0] > first_heading]
    if first_heading == len(norm):
        last = _tail_lines(doc, int(spec.opts.get("signature_lines", 6)))
    for s, line in last:
        m = FULL_DATE.search(line)
        if m and dated is None and len(line) <= 40:
            dated = (s + m.start(), s + m.end())
            line = line[: m.start()]
        if organ is None and line and len(line) <= 40 and first_match(spec.pats("organ"), line):
            organ = (s, s + len(line))
    r = doc.report
    tail = norm[last[-1][0] :] if last else ""
    if organ is None:
        for p in r.provenance:
            if p.source == "issuer" and p.field in ("entity", "county") and p.evidence:
                ev = normalise(p.evidence).text.strip()
                i = tail.find(ev) if ev else -1
                if i < 0:
                    continue
                s = len(norm) - len(tail) + i
                # The issuer's own line, not a sentence or a "发布机构：" field that names it.
                ls, le = norm.rfind("\n", 0, s) + 1, norm.find("\n", s)
                line = norm[ls : le if le >= 0 else len(norm)].strip()
                if len(line) <= 40 and not re.search(r"[，,。；;：:|]", line):
                    organ = (s, s + len(ev))
                    break
    date_known = dated is not None or bool(r.issue_date)
    missing = []
    if addressee is None:
        missing.append("主送机关（县委、县政府）")
    if organ is None:
        missing.append("落款机关")
    if not date_known:
        missing.append("成文日期")
    if missing:
        msg = "缺少" + "、".join(missing) + "（网页公开版常省略，报送版应齐全）"
        item = make_item(spec, True, msg, where="layout")
        span = addressee or organ or dated or doc.title_span
        if span:
            item.evidence, item.start = doc.quote(*span), doc.text_pos(span[0])
        return item
    assert addressee is not None
    return make_item(spec, False, "有主送机关和落款（机关、日期）", doc=doc, span=addressee, where="layout")
