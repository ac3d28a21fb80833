"""The customer's own words: an unknown site's web address reads as one word, an
introduction and an identifier go when what remains still tells articles apart."""

from __future__ import annotations

import re
import time

import pytest

from deflection.own_words import question_part
from deflection.spelling import respelt

# A help center that holds these terms; all but the commonest tell its articles apart
HOLDS = {"reset", "password", "show", "error", "fail", "export", "csv", "data", "instal",
         "desktop", "app", "slow", "window", "server", "monday", "tasklan", "trello",
         "plausibleio", "pihol", "404", "48213", "slack", "сброс", "парол", "заказ", "รีเซ็ต",
         "รหัสผ่าน", "สม", "ชาย"}
TELLS = HOLDS - {"show", "error", "fail", "data", "app"}


def part(text: str, lang: str = "en") -> str:
    return " ".join(question_part(text, lang, HOLDS.__contains__, TELLS.__contains__).split())


@pytest.mark.parametrize(("question", "lang", "expected"), [
    # a web address is one word, its site's domain
    ("reset password on https://www.mysite-example.com/blog/post-1?x=1", "en",
     "reset password on mysiteexamplecom"),
    ("reset password on www.norvella.com", "en", "reset password on norvellacom"),
    ("reset password on export.microsoftonline.com fails", "en",
     "reset password on export microsoftonlinecom fails"),
    ("reset password for shop.norvella.co.uk/checkout.", "en",
     "reset password for norvellacouk."),
    ("no data on https://shop.norvella.com/checkout? reset password", "en",
     "no data on norvellacom? reset password"),
    ("ลืมรหัสผ่าน https://norvella.com/loginรีเซ็ตรหัสผ่านยังไงครับ", "th",
     "ลืมรหัสผ่าน norvellacom รีเซ็ตรหัสผ่านยังไงครับ"),
    ("รีเซ็ตรหัสผ่าน https://ร้านค้า.com/login", "th", "รีเซ็ตรหัสผ่าน ร้านค้า"),
    # an identifier goes, its label stays
    ("reset password (order #48214)", "en", "reset password ( order )"),
    ("reset password, account number 7741023", "en", "reset password, account"),
    ("#123 reset password", "en", "reset password"),
    ("reset password, ID 7741023", "en", "reset password, ID"),
    ("сброс пароля, заказ № 7741023", "ru", "сброс пароля, заказ"),
    # an identifier may hold letters and dashes after its label
    ("reset password, invoice INV-2024-0042", "en", "reset password, invoice"),
    ("сброс пароля, заказ AB-7741023", "ru", "сброс пароля, заказ"),
    # a phone number goes
    ("call me at +1 415 555 0100 about the csv export", "en", "call me at about the csv export"),
    ("сброс пароля, мой телефон 8 (916) 123-45-67", "ru", "сброс пароля, мой телефон"),
    # a file's name the help center never uses is its type
    ("csv export of report_q3_final.xlsx fails", "en", "csv export of xlsx fails"),
    ("Счёт-42.pdf не открывается после сброса пароля", "ru",
     "pdf не открывается после сброса пароля"),
    # an amount goes, with its currency: what the customer paid
    ("reset password after I paid $49.99", "en", "reset password after I paid"),
    ("csv export charged 49.99 USD", "en", "csv export charged"),
    ("сброс пароля после оплаты 1 490 ₽", "ru", "сброс пароля после оплаты"),
    ("รีเซ็ตรหัสผ่าน จ่ายไป 499 บาท", "th", "รีเซ็ตรหัสผ่าน จ่ายไป"),
    # a date goes: when it happened
    ("reset password fails since 31.01.2024", "en", "reset password fails since"),
    ("csv export empty on 2024-01-31, reset password", "en",
     "csv export empty on , reset password"),
    ("reset password failed on 1/31/2024.", "en", "reset password failed on ."),
    ("сброс пароля не работает с 31.01.2024", "ru", "сброс пароля не работает с"),
    ("รีเซ็ตรหัสผ่านไม่ได้ตั้งแต่ 31/01/2567", "th", "รีเซ็ตรหัสผ่านไม่ได้ตั้งแต่"),
    # an introduction goes, and only the introduction
    ("This is Tom Kowalczyk at Norvella Inc. How do I reset my password?", "en",
     "How do I reset my password?"),
    ("Hi this is Tom from Norvella we can't reset the password. The desktop app is slow.",
     "en", "we can't reset the password. The desktop app is slow."),
    ("Hello, my name is Priya Raman. Export to CSV fails.", "en", ". Export to CSV fails."),
    ("Jenna here, Quintro Labs. reset password", "en", "reset password"),
    ("My name is Sarah and I cannot reset my password. The desktop app is also slow.", "en",
     "and I cannot reset my password. The desktop app is also slow."),
    ("I'm Sarah from Norvella and our csv export fails. Can you help?", "en",
     "and our csv export fails."),
    ("Меня зовут Ольга Смирнова, компания Брайтвейв. Как сделать сброс пароля?", "ru",
     ". Как сделать сброс пароля?"),
    ("Здравствуйте, это Игорь из Техноплюс. сброс пароля", "ru", ". сброс пароля"),
    ("Пишет Марина, Квинтро Лабс. сброс пароля", "ru", ", Квинтро Лабс. сброс пароля"),
    ("ผมชื่อธนากรจากนอร์เวลล่า รีเซ็ตรหัสผ่านยังไง", "th", "รีเซ็ตรหัสผ่านยังไง"),
    # its company goes up to the first word the help center knows: the question's
    ("Anna here, Slack. The desktop app does not reset the password.", "en",
     "Slack. The desktop app does not reset the password."),
    ("This is Tom at Norvella Slack notifications stopped. The desktop app does not reset.",
     "en", "Slack notifications stopped. The desktop app does not reset."),
    # a Thai name is often words: สมชาย is สม and ชาย
    ("สวัสดีครับ ผมชื่อสมชายจากบริษัทเอบีซี รีเซ็ตรหัสผ่านยังไง", "th",
     "รีเซ็ตรหัสผ่านยังไง"),
])
def test_the_customers_own_parts_leave_the_question(question, lang, expected):
    assert part(question, lang) == expected


@pytest.mark.parametrize(("question", "lang"), [
    # addresses whose host or site's name the help center uses stay whole: the product's,
    # and the sites its articles speak of
    ("export fails on https://plausible.io/js/script.js and reset password", "en"),
    ("export fails on docs.plausible.io/x and reset password", "en"),
    ("http://pi.hole/admin shows 404 on reset password", "en"),
    ("https://tasklane.io/settings/billing shows a blank page on export", "en"),
    ("import from trello.com into the desktop app", "en"),
    ("export csv to monday.com boards", "en"),
    ("reset password (order #48213)", "en"),  # a number the help center uses
    # a missing space is no address
    ("Payment failed.App shows error on export", "en"),
    ("Payment bounced.App shows error on export", "en"),
    # codes, statuses, ports and years are what the question is about
    ("error 1603 on reset password", "en"),
    ("Installer error #1603 on Windows desktop app install", "en"),
    ("Event ID 1000 when the desktop app crashes on reset", "en"),
    ("Ошибка №1603 при сбросе пароля", "ru"),
    ("Customer 360 dashboard fails on csv export", "en"),
    ("csv export fails with error 10060", "en"),
    ("export fails on port 27017 after a reset", "en"),
    ("csv export shows 2023 instead of 2024", "en"),
    # a file's name the help center uses stays
    ("export fails on https://plausible.io/js/script.js and reset password", "en"),
    ("reset password then open export.csv", "en"),
    # an address, a version or a port is no phone
    ("http://pi.hole/admin shows 404 on 192.168.1.10 reset password", "en"),
    ("csv export fails on 10.12.2 after a reset", "en"),
    # a number without a currency is no amount
    ("csv export fails with error 500 after a reset", "en"),
    ("reset password for 12 users, csv export", "en"),
    # with the amount gone, one telling word would hold the question
    ("export charged $49.99", "en"),
    # a date in quotes is an example of a format
    ("строку '31.01.2024' преобразовать в дату", "ru"),
    ('parse "2024-01-31" as a date in the csv export', "en"),
    ("csv export shows «31.01.2024» as a number", "en"),
    # versions are no dates
    ("reset password broke in 2.14.1", "en"),
    ("export fails after the 10.12.2 update", "en"),
    ("csv export fails on 10.12.2024.1 build", "en"),
    # with the date gone, one telling word would hold the question
    ("export failed 31.01.2024", "en"),
    # a ticket or case number is a follow-up, not what the question is about
    ("ticket 4521 no reply on the csv export", "en"),
    ("обращение 4521 без ответа, сброс пароля", "ru"),
    # with the identifier gone, one telling word would hold the question
    ("#48214 export failed", "en"),
    # with the introduction gone, what remains would say too little
    ("I'm Sarah from Norvella. Is this the right place?", "en"),
    # a sentence about the customer's setup says which article is missing
    ("I'm on Linux Mint. The desktop app won't install.", "en"),
    ("Linux Mint here. The desktop app won't install.", "en"),
    ("Linux Mint here, the desktop app won't install. reset password", "en"),
    ("This is Windows Server with Chrome. The desktop app won't install.", "en"),
    ("This is Arch Linux with KDE. The desktop app won't install.", "en"),
    ("This is Windows Server at the office. The desktop app won't install.", "en"),
    ("We run Ubuntu Linux. How do I install the desktop app?", "en"),
    # not introductions: a cue without a name, or in the middle of a sentence
    ("My name is misspelled on the export. reset password", "en"),
    ("Это PDF из экспорта, с ошибкой. Сброс пароля не работает.", "ru"),
    ("При входе пишет Неверный пароль. Сброс пароля не работает.", "ru"),
    ("Пишу Вам по поводу экспорта. Сброс пароля не работает.", "ru"),
    ("ไฟล์ที่ฉันชื่อว่ารายงาน รีเซ็ตรหัสผ่านยังไง", "th"),
    # where they work is capitalised: the question is not taken for it
    ("I'm Sarah from accounting who cannot reset the password. The desktop app is slow.",
     "en"),
    ("Это Битрикс24 из коробки не делает сброс пароля. Сброс пароля не работает.", "ru"),
    # an introduction whose run of Thai holds the question is the question's
    ("ดิฉันชื่อนิดลืมรหัสผ่าน รีเซ็ตรหัสผ่านยังไง", "th"),
    # an introduction that asks stays
    ("I'm Tom from Norvella, can you reset my password? The csv export fails too.",
     "en"),
])
def test_what_the_question_needs_stays(question, lang):
    assert question_part(question, lang, HOLDS.__contains__, TELLS.__contains__) == question


def test_the_address_pattern_takes_linear_time():
    """An unbounded host pattern backtracked over runs of "a.": 20,000 of them took a
    minute (quadratic). Bounded, they take milliseconds; the limit is 100 times that."""
    text = "reset password " + "a." * 20_000
    started = time.perf_counter()
    assert question_part(text, "en", HOLDS.__contains__, TELLS.__contains__) == text
    assert time.perf_counter() - started < 2.0


# The search, on the sample help center, with a customer's own details in the question

@pytest.mark.parametrize(("question", "expected"), [
    ("password reset fails since 31.01.2024", "en/account/reset-your-password.md"),
    ("I was charged twice on 2024-01-31", "en/billing/request-a-refund.md"),
    ("export to csv empty since 2024-02-01", "en/data-export/export-a-project-to-csv.md"),
    ("сброс пароля не работает с 31.01.2024", "ru/account/reset-your-password.md"),
    ("I was charged $49.99 twice", "en/billing/request-a-refund.md"),
    ("charged twice 49.99 USD", "en/billing/request-a-refund.md"),
    ("refund for invoice INV-2024-0042", "en/billing/request-a-refund.md"),
    ("call me at +1 415 555 0100 about a refund", "en/billing/request-a-refund.md"),
    ("cannot export report_q3_final.xlsx to csv", "en/data-export/export-a-project-to-csv.md"),
])
def test_the_customers_own_details_are_no_words_an_article_lacks(engine, question, expected):
    """When it happened, what they paid, their invoice's number, their phone, their file's
    name: each weighed as words no article holds, and the answer went (confidence
    0.15-0.36 before)."""
    answer = engine.search(question)
    assert answer.answered and answer.results[0].path == expected


def test_a_misspelt_question_with_a_date_is_corrected(engine):
    """The words that tell the articles apart, once a date goes, may be misspelt; the
    question the customer is shown keeps the date ("password reset on", once)."""
    answer = engine.search("pasword reset on 31.01.2024")
    assert answer.corrected and answer.did_you_mean == "password reset on 31.01.2024"
    assert answer.results[0].path == "en/account/reset-your-password.md"


@pytest.mark.parametrize(("question", "meant", "expected"), [
    # the typo hid the detail's label, or the guard's second telling word, from own_words:
    # the question as typed kept its detail and went unanswered (0.17-0.19)
    ("I was chrged $49.99 twice", "I was charged $49.99 twice", "en/billing/request-a-refund.md"),
    ("refund for invoise INV-2024-0042", "refund for invoice INV-2024-0042",
     "en/billing/request-a-refund.md"),
    # the rest as typed: capitals, a greeting, the customer's own address
    ("Hi, I'm Anna from Globex. Pasword reset does not work",
     "Hi, I'm Anna from Globex. Password reset does not work",
     "en/account/reset-your-password.md"),
    ("email me at anna@example.com, pasword reset", "email me at anna@example.com, password reset",
     "en/account/reset-your-password.md"),
    ("Сбросить пароьл", "Сбросить пароль", "ru/account/reset-your-password.md"),
])
def test_a_misspelt_question_is_respelt_where_it_stands(engine, question, meant, expected):
    answer = engine.search(question)
    assert answer.corrected and answer.did_you_mean == meant
    assert answer.results[0].path == expected


def test_respelling_leaves_the_customers_addresses_and_keeps_their_capitals():
    fixes = {"pasword": "password"}
    assert respelt("email pasword@example.com: pasword", "en", fixes) \
        == "email pasword@example.com: password"
    assert respelt("PASWORD reset, see https://example.com/pasword", "en", fixes) \
        == "PASSWORD reset, see https://example.com/pasword"
    assert respelt("Pasword, pasword", "en", fixes) == "Password, password"


@pytest.mark.parametrize(("question", "lang", "expected"), [
    ("Good morning, could you help me? csv export fails. Thanks in advance!", "en",
     "csv export fails."),
    ("Hi there team, can someone explain why the csv export fails?", "en",
     "why the csv export fails?"),
    ("I need some help with the desktop app. Any help would be greatly appreciated", "en",
     "the desktop app."),
    ("Добрый день! Подскажите, пожалуйста: как сбросить пароль? Заранее спасибо!", "ru",
     "как сбросить пароль?"),
    ("Доброго времени суток, коллеги. Хотел бы уточнить, как сбросить пароль", "ru",
     "как сбросить пароль"),
    ("สวัสดีค่ะ รบกวนสอบถามค่ะ รีเซ็ตรหัสผ่านยังไงคะ ขอบคุณล่วงหน้าค่ะ", "th",
     "รีเซ็ตรหัสผ่านยังไงคะ"),
    ("URGENT: csv export fails. Sorry for the trouble", "en", "csv export fails."),
    ("csv export fails, need it asap", "en", "csv export fails, need it"),
    ("СРОЧНО! сброс пароля не работает. Извините за беспокойство", "ru",
     "сброс пароля не работает."),
    ("ด่วนมาก รีเซ็ตรหัสผ่านยังไง ขอโทษที่รบกวนค่ะ", "th", "รีเซ็ตรหัสผ่านยังไง"),
    ("I'm wondering if the csv export works", "en", "the csv export works"),
    # pleasantries alone are what was asked, and "Hey" inside a question may be a product
    ("Hi, can you help me?", "en", "Hi, can you help me?"),
    ("sync with Hey fails", "en", "sync with Hey fails"),
    # words a question needs
    ("Thank you page not tracked", "en", "Thank you page not tracked"),
    ("I need help desk integration", "en", "I need help desk integration"),
    ("Can you show hidden columns in the csv export?", "en",
     "Can you show hidden columns in the csv export?"),
    ("Hi-res export fails", "en", "Hi-res export fails"),
    ("Hello, support tickets are not created from csv", "en",
     "support tickets are not created from csv"),
    ("Привет-бот не отвечает", "ru", "Привет-бот не отвечает"),
    ("เมนูสอบถามยอดเงินใช้ไม่ได้", "th", "เมนูสอบถามยอดเงินใช้ไม่ได้"),  # a balance inquiry
    ("ตั้งค่าหน้าขอบคุณหลังชำระเงินยังไง", "th", "ตั้งค่าหน้าขอบคุณหลังชำระเงินยังไง"),  # thank-you page
])
def test_pleasantries_leave_the_question(question, lang, expected):
    """A greeting, a plea for help, thanks: "morning", "help", "advance", "день",
    "สอบถาม" weighed as words no answering article holds."""
    assert part(question, lang) == expected


@pytest.mark.parametrize(("polite", "plain", "expected"), [
    ("Good morning, could you help me? I was charged twice. Thanks in advance!",
     "I was charged twice", "en/billing/request-a-refund.md"),
    ("Добрый день! Подскажите, пожалуйста, как сбросить пароль? Заранее спасибо!",
     "как сбросить пароль?", "ru/account/reset-your-password.md"),
    ("สวัสดีค่ะ รบกวนสอบถามค่ะ รีเซ็ตรหัสผ่านยังไงคะ ขอบคุณล่วงหน้าค่ะ", "รีเซ็ตรหัสผ่านยังไงคะ",
     "th/account/reset-your-password.md"),
])
def test_a_polite_question_is_answered_as_the_plain_one(engine, polite, plain, expected):
    """With the pleasantries weighed, the confidence fell to about 0.3 and the first
    result could be another article (bench/own_details.py, "polite": R@1 0.639)."""
    answer, bare = engine.search(polite), engine.search(plain)
    assert answer.answered and answer.results[0].path == bare.results[0].path == expected
    assert answer.confidence == pytest.approx(bare.confidence)


def test_urgent_stays_where_the_help_center_speaks_of_it():
    """A help desk's articles speak of an "urgent" priority; Thai ด่วน is also "quick";
    "Hey" may be a product's name."""
    holds = (HOLDS | {"urgent", "ticket", "assign", "ด่วน", "hey", "calendar"}).__contains__
    for question, lang in [("urgent tickets not assigned", "en"),
                           ("ด่วน รีเซ็ตรหัสผ่านยังไง", "th"),
                           ("Hey Calendar csv export fails", "en")]:
        assert question_part(question, lang, holds, holds) == question
        assert question_part(question, lang, HOLDS.__contains__, TELLS.__contains__) != question
    # opening the question, it is the customer's haste
    assert question_part("Urgent: csv export fails", "en", holds, holds) == "csv export fails"


def test_every_wording_keeps_the_letters_it_starts_with():
    """The lookahead on first letters must never switch a wording off: each matches with
    it as without it."""
    from deflection import own_words

    for wording, example in zip(own_words._PLEASANT_WORDINGS, [
            "Could you please help me with", "I need some help with", "please help me",
            "I have a quick question about", "quick question", "I'm wondering if",
            "thank you so much in advance", "many thanks", "best regards",
            "any help would be greatly appreciated", "asap", "as soon as possible",
            "sorry for the trouble", "Подскажите, пожалуйста", "Не могли бы вы подсказать",
            "у меня такой вопрос", "вопрос такой", "срочный вопрос", "хотела бы уточнить",
            "нужна помощь", "прошу помочь", "заранее спасибо", "с уважением",
            "извините за беспокойство"], strict=True):
        assert re.fullmatch(rf"(?i:{wording})", example), (wording, example)
        assert own_words._PLEASANTRIES.search(f"csv {example} export").group(0).strip() \
            .rstrip(",") == example, example
    with pytest.raises(ValueError):
        own_words._first_letters(r"\w+ please")


@pytest.mark.parametrize(("question", "lang", "expected"), [
    ("Port 53 is in use. It was working fine until yesterday and nothing changed on my side",
     "en", ["Port 53 is in use."]),
    ("csv export fails? I already tried restarting and searching the docs", "en",
     ["csv export fails?"]),
    ("It stopped working two days ago. csv export fails", "en", ["csv export fails"]),
    ("Broke 3 days ago. csv export fails", "en", ["csv export fails"]),
    ("Сброс пароля не работает. Уже пробовал перезапустить, не помогло", "ru",
     ["Сброс пароля не работает."]),
    ("До вчерашнего дня всё работало. Как выгрузить задачи в эксель", "ru",
     ["Как выгрузить задачи в эксель"]),
    ("รีเซ็ตรหัสผ่านยังไง เมื่อวานยังใช้ได้ปกติ", "th", ["รีเซ็ตรหัสผ่านยังไง"]),
    # a detail that says what is asked is no story; a sentence that asks never is
    ("how do I stop counting my own visits? I'm on a VPN so my IP keeps changing", "en", None),
    ("можно поставить на свой сервер? нужна коробочная версия", "ru", None),
    ("Why did the export stop working yesterday? csv is empty", "en", None),
    # nothing but story: it is all there is to ask
    ("It was working fine until yesterday. I already tried restarting", "en", None),
    ("csv export fails", "en", None),
])
def test_a_sentence_of_story_is_not_the_question(question, lang, expected):
    from deflection.own_words import questions_of

    assert questions_of(question, lang) == expected


@pytest.mark.parametrize(("question", "plain", "expected"), [
    ("do you accept paypal? I already tried restarting and searching the docs but couldn't "
     "find anything", "do you accept paypal?", "en/billing/update-payment-method.md"),
    ("It stopped working two days ago. logged in fine but my team's workspace is gone",
     "logged in fine but my team's workspace is gone", "en/troubleshooting/cannot-log-in.md"),
    ("как выгрузить все задачи в эксель? Уже пробовал перезапустить и искал в документации, "
     "но ничего не нашёл", "как выгрузить все задачи в эксель?",
     "ru/data-export/export-your-data.md"),
    ("รีเซ็ตรหัสผ่านยังไง เมื่อวานยังใช้ได้ปกติ ไม่ได้เปลี่ยนอะไรเลย", "รีเซ็ตรหัสผ่านยังไง",
     "th/account/reset-your-password.md"),
])
def test_a_story_around_the_question_is_its_context(engine, question, plain, expected):
    """What the customer tried and when it last worked: "yesterday", "couldn't" weighed
    as words no answering article holds, "working", "find" as any article's; the question
    went unanswered or to another article (bench/own_details.py, "tried": R@1 0.656)."""
    answer, bare = engine.search(question), engine.search(plain)
    assert answer.answered and answer.results[0].path == bare.results[0].path == expected
    assert answer.confidence >= bare.confidence - 0.01


def test_every_story_wording_keeps_the_letters_it_starts_with():
    from deflection import own_words

    for wording, example in zip(own_words._STORY_WORDINGS, [
            "yesterday", "last week",
            "a couple of days ago", "I've already tried", "already restarted", "was working",
            "worked fine", "used to work", "nothing has changed", "no luck",
            "didn't change anything", "Вчера", "уже попробовала",
            "переустанавливали", "всё работало", "работало нормально", "ничего не меняли",
            "не помогло", "до обновления"], strict=True):
        assert re.fullmatch(rf"(?i:{wording})", example), (wording, example)
        assert own_words._STORY.search(f"csv {example} export").group(0) == example, example
