"""kb's own words on article pages, per language (Material translates its own)."""

from __future__ import annotations

STRINGS = {
    "en": {
        "related": "Related articles",
        "translations": "This article in other languages",
        "section_articles": "Articles in this section",
        "all_articles": "All {n} articles →",
        "updated": "Last updated",
    },
    "ru": {
        "related": "Похожие статьи",
        "translations": "Эта статья на других языках",
        "section_articles": "Статьи раздела",
        "all_articles": "Все статьи раздела ({n}) →",
        "updated": "Обновлено",
    },
    "th": {
        "related": "บทความที่เกี่ยวข้อง",
        "translations": "บทความนี้ในภาษาอื่น",
        "section_articles": "บทความในหมวดนี้",
        "all_articles": "บทความทั้งหมด {n} รายการ →",
        "updated": "อัปเดตล่าสุด",
    },
}


def strings_for(lang: str) -> dict[str, str]:
    return STRINGS.get(lang.split("-")[0], STRINGS["en"])
