"""kb's own words on article pages, per language (Material translates its own)."""

from __future__ import annotations

STRINGS = {
    "en": {
        "related": "Related articles",
        "translations": "This article in other languages",
        "section_articles": "Articles in this section",
        "sections": "Browse by topic",
        "all_articles": "All {n} articles →",
        "updated": "Last updated",
        "search_title": "Search",
        "search": {"did_you_mean": "Did you mean", "none": "No article answers this yet.",
                   "all": "All results", "matching": "Matching articles",
                   "type": "Type a question in the search box.",
                   "offline": "Showing the browser's search results."},
    },
    "ru": {
        "related": "Похожие статьи",
        "translations": "Эта статья на других языках",
        "section_articles": "Статьи раздела",
        "sections": "Разделы",
        "all_articles": "Все статьи раздела ({n}) →",
        "updated": "Обновлено",
        "search_title": "Поиск",
        "search": {"did_you_mean": "Возможно, вы имели в виду", "none": "Ответа на этот вопрос "
                   "пока нет.", "all": "Все результаты", "matching": "Найдено статей",
                   "type": "Введите вопрос в строку поиска.",
                   "offline": "Результаты поиска в браузере."},
    },
    "th": {
        "related": "บทความที่เกี่ยวข้อง",
        "translations": "บทความนี้ในภาษาอื่น",
        "section_articles": "บทความในหมวดนี้",
        "sections": "หมวดหมู่",
        "all_articles": "บทความทั้งหมด {n} รายการ →",
        "updated": "อัปเดตล่าสุด",
        "search_title": "ค้นหา",
        "search": {"did_you_mean": "หรือคุณหมายถึง", "none": "ยังไม่มีบทความที่ตอบคำถามนี้",
                   "all": "ผลลัพธ์ทั้งหมด", "matching": "บทความที่ตรงกัน",
                   "type": "พิมพ์คำถามในช่องค้นหา", "offline": "ผลการค้นหาในเบราว์เซอร์"},
    },
}


def strings_for(lang: str) -> dict:
    return STRINGS.get(lang.split("-")[0], STRINGS["en"])
