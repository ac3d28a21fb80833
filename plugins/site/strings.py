"""kb's own words on article pages, per language (Material translates its own).

The feedback reasons are labels for `deflection.events.REASONS`, the codes the
events API accepts; a test keeps the two lists equal.
"""

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
        "feedback": {
            "question": "Was this article helpful?", "yes": "Yes", "no": "No",
            "why": "What was wrong with it?",
            "reasons": {"not_what_i_needed": "It's not what I was looking for",
                        "hard_to_understand": "Hard to understand",
                        "outdated": "Out of date", "incorrect": "Something is wrong",
                        "missing_steps": "Steps are missing", "other": "Something else"},
            "comment": "Tell us more (optional)",
            "comment_hint": "Please don't include passwords or personal details.",
            "counter": "{n} of {max} characters", "send": "Send feedback",
            "thanks": "Thanks for letting us know!",
            "thanks_no": "Thank you. We'll use your feedback to improve this article.",
        },
        "contact": {
            "title": "Contact support", "still": "Still need help?", "link": "Contact support",
            "intro": "Describe your question and we'll suggest articles that may answer it "
                     "right away.",
            "question": "What do you need help with?",
            "placeholder": "For example: I can't log in after changing my phone",
            "suggested": "These articles may answer your question",
            "button": "Contact support",
            "not_answered": "Didn't find the answer?",
            "no_helpdesk": "If these articles don't answer your question, contact support "
                           "the way you usually do.",
        },
        "search": {"did_you_mean": "Did you mean", "showing": "Showing results for",
                   "instead": "Search instead for",
                   "none": "No article answers this yet.", "all": "All results",
                   "matching": "Matching articles",
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
        "feedback": {
            "question": "Была ли эта статья полезной?", "yes": "Да", "no": "Нет",
            "why": "Что было не так?",
            "reasons": {"not_what_i_needed": "Это не то, что мне нужно",
                        "hard_to_understand": "Сложно понять",
                        "outdated": "Информация устарела", "incorrect": "В статье ошибка",
                        "missing_steps": "Не хватает шагов", "other": "Другое"},
            "comment": "Расскажите подробнее (необязательно)",
            "comment_hint": "Не указывайте пароли и личные данные.",
            "counter": "{n} из {max} символов", "send": "Отправить отзыв",
            "thanks": "Спасибо за отзыв!",
            "thanks_no": "Спасибо! Мы учтём ваш отзыв и улучшим статью.",
        },
        "contact": {
            "title": "Связаться с поддержкой", "still": "Остались вопросы?",
            "link": "Напишите в поддержку",
            "intro": "Опишите вопрос, и мы сразу предложим статьи, которые могут на него "
                     "ответить.",
            "question": "С чем вам помочь?",
            "placeholder": "Например: не могу войти после смены телефона",
            "suggested": "Возможно, ответ есть в этих статьях",
            "button": "Написать в поддержку",
            "not_answered": "Не нашли ответ?",
            "no_helpdesk": "Если эти статьи не помогли, обратитесь в поддержку привычным "
                           "способом.",
        },
        "search": {"did_you_mean": "Возможно, вы имели в виду",
                   "showing": "Показаны результаты для",
                   "instead": "Искать вместо этого", "none": "Ответа на этот вопрос "
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
        "feedback": {
            "question": "บทความนี้มีประโยชน์หรือไม่", "yes": "มีประโยชน์", "no": "ไม่มีประโยชน์",
            "why": "ช่วยบอกเราได้ไหมว่าเพราะอะไร",
            "reasons": {"not_what_i_needed": "ไม่ใช่สิ่งที่ฉันต้องการ",
                        "hard_to_understand": "เข้าใจยาก",
                        "outdated": "ข้อมูลล้าสมัย", "incorrect": "ข้อมูลไม่ถูกต้อง",
                        "missing_steps": "ขั้นตอนไม่ครบ", "other": "อื่นๆ"},
            "comment": "รายละเอียดเพิ่มเติม (ไม่บังคับ)",
            "comment_hint": "โปรดอย่าใส่รหัสผ่านหรือข้อมูลส่วนตัว",
            "counter": "{n}/{max} ตัวอักษร", "send": "ส่งความคิดเห็น",
            "thanks": "ขอบคุณสำหรับความคิดเห็น",
            "thanks_no": "ขอบคุณ เราจะนำความคิดเห็นของคุณไปปรับปรุงบทความนี้",
        },
        "contact": {
            "title": "ติดต่อฝ่ายสนับสนุน", "still": "ยังต้องการความช่วยเหลือ?",
            "link": "ติดต่อฝ่ายสนับสนุน",
            "intro": "พิมพ์คำถามของคุณ แล้วเราจะแนะนำบทความที่อาจตอบคำถามได้ทันที",
            "question": "คุณต้องการความช่วยเหลือเรื่องอะไร",
            "placeholder": "เช่น เข้าสู่ระบบไม่ได้หลังจากเปลี่ยนโทรศัพท์",
            "suggested": "บทความเหล่านี้อาจตอบคำถามของคุณได้",
            "button": "ติดต่อฝ่ายสนับสนุน",
            "not_answered": "ยังไม่พบคำตอบ?",
            "no_helpdesk": "หากบทความเหล่านี้ยังไม่ตอบคำถามของคุณ โปรดติดต่อฝ่ายสนับสนุน"
                           "ผ่านช่องทางที่คุณใช้เป็นประจำ",
        },
        "search": {"did_you_mean": "หรือคุณหมายถึง", "showing": "แสดงผลลัพธ์สำหรับ",
                   "instead": "ค้นหาตามที่พิมพ์แทน",
                   "none": "ยังไม่มีบทความที่ตอบคำถามนี้",
                   "all": "ผลลัพธ์ทั้งหมด", "matching": "บทความที่ตรงกัน",
                   "type": "พิมพ์คำถามในช่องค้นหา", "offline": "ผลการค้นหาในเบราว์เซอร์"},
    },
}


def strings_for(lang: str) -> dict:
    return STRINGS.get(lang.split("-")[0], STRINGS["en"])
