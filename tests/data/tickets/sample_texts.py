# ruff: noqa: E501 -- ticket texts are data, kept one per line for reading
"""The words of the sample tickets: planted topics (answered or not by the sample help
center) and one-off noise, in English, Russian and Thai. Read by make_samples.py (named apart from kb.gaps.topics on purpose)."""

from __future__ import annotations

# Each topic: language, the article that answers it (None: no article does), the verdict
# kb gaps should reach, how many tickets, how they spread over time, and what customers
# write (subject, body) in their own words, misspellings included.
TOPICS = [
    {
        "key": "password-reset-email",
        "language": "en",
        "article": "en/account/reset-your-password.md",
        "verdict": "update",
        "count": 28,
        "trend": "rising",
        "tags": ["login", "password"],
        "texts": [
            (
                "Password reset link not working",
                "I clicked Forgot password but the reset link says it has expired. I requested it only a few minutes ago.",
            ),
            (
                "Reset link expired",
                "Every reset link I get says expired or already used. I tried three times today.",
            ),
            (
                "cant reset my pasword",
                "i forgot my pasword and the reset email link doesnt work, it says the link was already used",
            ),
            (
                "Forgot password - link invalid",
                "The password reset link from your email shows an error page. How do I set a new password?",
            ),
            (
                "Reset password email link broken",
                "Requested a password reset twice, both links say invalid. Please help me get back in.",
            ),
            (
                "Unable to reset password",
                "Your reset password link opens and then says it has expired. I need access to my projects today.",
            ),
            (
                "password reset not going through",
                "After I enter a new password on the reset page it sends me back to the login and the old password still works?",
            ),
        ],
    },
    {
        "key": "download-invoice",
        "language": "en",
        "article": "en/billing/download-invoices.md",
        "verdict": "ok",
        "count": 24,
        "trend": "flat",
        "tags": ["billing", "invoice"],
        "texts": [
            (
                "Where can I download my invoice?",
                "Our accountant needs the PDF invoice for last month's payment. Where do I find invoices?",
            ),
            ("Need invoice PDF", "How do I download the invoice for our subscription as a PDF?"),
            (
                "invoice download",
                "cant find where to download invoices for our workspace, finance is asking for them",
            ),
            (
                "Receipt for payment",
                "Could you send me a receipt for the charge on our card? I can't see where to get it.",
            ),
            (
                "Get past invoices",
                "I need all invoices from this year as PDFs for our audit. Is there a page with past invoices?",
            ),
            (
                "Invoices to our finance team",
                "Can invoices be emailed to our finance team instead of me? Where do I download the old ones?",
            ),
        ],
    },
    {
        "key": "dark-mode",
        "language": "en",
        "article": None,
        "verdict": "missing",
        "count": 21,
        "trend": "rising",
        "tags": ["feature-request"],
        "texts": [
            ("Dark mode?", "Is there a dark mode? The white background is very bright at night."),
            (
                "How to enable dark theme",
                "I can't find a dark theme anywhere in settings. Does Tasklane have one?",
            ),
            (
                "dark mode please",
                "working late and the app is way too bright, any way to switch to dark mode",
            ),
            (
                "Night mode / dark theme",
                "Does the web app support a dark theme like the mobile app? Where do I turn it on?",
            ),
            (
                "Darkmode on desktop",
                "Looking for a darkmode toggle on the desktop app. Is it hidden somewhere?",
            ),
        ],
    },
    {
        "key": "calendar-sync",
        "language": "en",
        "article": None,
        "verdict": "missing",
        "count": 19,
        "trend": "flat",
        "tags": ["integrations"],
        "texts": [
            (
                "Sync due dates with Google Calendar",
                "Can task due dates show up in my Google Calendar? I don't see a calendar integration.",
            ),
            (
                "Outlook calendar sync",
                "We use Outlook. Is there a way to sync Tasklane deadlines to the Outlook calendar?",
            ),
            (
                "calender integration",
                "how do i get my tasks into my calender? google or outlook, either is fine",
            ),
            (
                "iCal feed for tasks",
                "Is there an iCal feed of my assigned tasks so I can subscribe from my calendar app?",
            ),
        ],
    },
    {
        "key": "2fa-setup",
        "language": "ru",
        "article": "ru/account/set-up-two-factor-authentication.md",
        "verdict": "update",
        "count": 26,
        "trend": "rising",
        "tags": ["2fa", "security"],
        "texts": [
            (
                "Как включить двухфакторную аутентификацию?",
                "Хочу включить двухфакторную аутентификацию, но не нахожу, где это сделать в настройках.",
            ),
            (
                "Не приходит код 2FA",
                "Включил двухфакторку, а приложение-аутентификатор не принимает код. Что делать?",
            ),
            (
                "двухфакторка не работает",
                "пытаюсь включить двухфакторную защиту, qr код сканируется но код не подходит",
            ),
            (
                "Коды восстановления 2FA",
                "Где взять коды восстановления для двухфакторной аутентификации? Боюсь потерять телефон.",
            ),
            (
                "Настройка 2FA для сотрудников",
                "Как включить двухфакторную аутентификацию? Код из Google Authenticator пишет неверный.",
            ),
        ],
    },
    {
        "key": "refund",
        "language": "ru",
        "article": "ru/billing/request-a-refund.md",
        "verdict": "ok",
        "count": 23,
        "trend": "flat",
        "tags": ["billing", "refund"],
        "texts": [
            (
                "Возврат денег",
                "Оплатили годовой тариф по ошибке, хотим вернуть деньги. Как оформить возврат средств?",
            ),
            (
                "Списали дважды",
                "С карты списали деньги дважды за один месяц. Верните, пожалуйста, лишний платёж.",
            ),
            (
                "вернуть деньги за подписку",
                "отменили подписку, как вернуть деньги за оставшиеся месяцы?",
            ),
            (
                "Когда придёт возврат?",
                "Запросили возврат средств неделю назад, деньги так и не вернулись на карту.",
            ),
            (
                "Запрос на возврат средств",
                "Подскажите, как запросить возврат за тариф, который мы не используем?",
            ),
        ],
    },
    {
        "key": "telegram-notifications",
        "language": "ru",
        "article": None,
        "verdict": "missing",
        "count": 18,
        "trend": "rising",
        "tags": ["notifications"],
        "texts": [
            (
                "Уведомления в Telegram",
                "Можно ли получать уведомления о задачах в Telegram? Почта у нас мало кто читает.",
            ),
            (
                "Телеграм бот",
                "Есть ли у вас телеграм-бот для уведомлений о новых задачах и комментариях?",
            ),
            (
                "интеграция с телеграмом",
                "хотим чтобы упоминания приходили в телеграм, как подключить?",
            ),
            (
                "Оповещения в мессенджер",
                "Как настроить оповещения о дедлайнах в Telegram вместо email?",
            ),
        ],
    },
    {
        "key": "reset-password-th",
        "language": "th",
        "article": "th/account/reset-your-password.md",
        "verdict": "ok",
        "count": 24,
        "trend": "flat",
        "tags": ["login", "password"],
        "texts": [
            ("ลืมรหัสผ่าน", "ลืมรหัสผ่านเข้าระบบ ต้องทำอย่างไรเพื่อตั้งรหัสผ่านใหม่ครับ"),
            ("รีเซ็ตรหัสผ่านไม่ได้", "กดลืมรหัสผ่านแล้ว ลิงก์รีเซ็ตรหัสผ่านบอกว่าหมดอายุค่ะ"),
            ("ลืมพาสเวิร์ด", "ลืมพาสเวิด เข้าใช้งานไม่ได้ ช่วยรีเซ็ตให้หน่อยครับ"),
            ("เปลี่ยนรหัสผ่านใหม่", "อยากตั้งรหัสผ่านใหม่เพราะจำรหัสเดิมไม่ได้ ทำที่ไหนคะ"),
            ("ลิงก์รีเซ็ตรหัสผ่านหมดอายุ", "ขอลิงก์รีเซ็ตรหัสผ่านใหม่แล้วแต่ใช้ไม่ได้ บอกว่าลิงก์หมดอายุ"),
        ],
    },
    {
        "key": "export-data-th",
        "language": "th",
        "article": "th/data-export/export-your-data.md",
        "verdict": "update",
        "count": 22,
        "trend": "rising",
        "tags": ["export"],
        "texts": [
            ("ส่งออกข้อมูลทั้งหมด", "ต้องการส่งออกข้อมูลทั้งเวิร์กสเปซเป็นไฟล์ CSV ทำอย่างไรครับ"),
            ("export ข้อมูลไม่ได้", "กด export ข้อมูลแล้วไม่ได้รับไฟล์ ZIP ทางอีเมลเลยค่ะ"),
            ("ดาวน์โหลดข้อมูลทั้งหมด", "อยากดาวน์โหลดข้อมูลทั้งหมดพร้อมไฟล์แนบเพื่อสำรองข้อมูล"),
            ("สำรองข้อมูลโปรเจกต์", "มีวิธีสำรองข้อมูลหรือส่งออกข้อมูลเป็น JSON ไหมครับ"),
        ],
    },
    {
        "key": "line-notifications",
        "language": "th",
        "article": None,
        "verdict": "missing",
        "count": 17,
        "trend": "flat",
        "tags": ["notifications"],
        "texts": [
            ("แจ้งเตือนผ่าน LINE ได้ไหม", "อยากให้แจ้งเตือนงานใหม่ส่งเข้า LINE ได้ไหมครับ ทีมไม่ค่อยเช็กอีเมล"),
            ("เชื่อมต่อ LINE", "มีวิธีเชื่อมต่อ LINE เพื่อรับแจ้งเตือนเมื่อมีคนแท็กไหมคะ"),
            ("แจ้งเตือนไลน์", "อยากได้แจ้งเตือนเข้าไลน์กลุ่มเวลามีงานใกล้ครบกำหนด"),
            ("LINE Notify", "จะตั้งค่า LINE Notify ให้เด้งเตือนงานที่ได้รับมอบหมายยังไงครับ"),
        ],
    },
]

# One-off tickets: each says something no other ticket says.
NOISE = {
    "en": [
        ("Typo on pricing page", "The pricing page says 'anual' instead of 'annual'."),
        ("Can you add emoji reactions to comments?", "Would love to react to comments with emoji."),
        (
            "Project color reset after rename",
            "I renamed a project and its color went back to grey.",
        ),
        (
            "Wrong timezone in activity log",
            "The activity log shows times one hour off since the clock change.",
        ),
        (
            "Question about nonprofit discount",
            "We are a registered charity. Do you offer a nonprofit discount?",
        ),
        ("Attachment preview blurry", "PNG attachments look blurry in the preview panel."),
        (
            "Keyboard shortcut conflicts with Firefox",
            "Ctrl+K opens the Firefox search bar instead of quick find.",
        ),
        (
            "Can guests see private tasks?",
            "If I invite a guest to one project, can they see private tasks there?",
        ),
        (
            "Subtask order changes randomly",
            "The order of subtasks changes after I reload the page.",
        ),
        ("Request: bulk edit due dates", "Please let us move many due dates at once."),
        ("Logo upload fails for SVG", "Uploading our SVG logo gives an unsupported file error."),
        (
            "Template gallery missing",
            "The template gallery button disappeared from the new project dialog.",
        ),
        (
            "Trial extension",
            "Our trial ends tomorrow but the decision maker is on holiday. Can we extend?",
        ),
        ("Zapier trigger fires twice", "Our Zap for new tasks runs twice for every task."),
        ("Print view cuts off columns", "Printing the board view cuts off the last two columns."),
        (
            "Mention autocomplete slow",
            "Typing @ takes several seconds to show people in big workspaces.",
        ),
        (
            "Question about data center location",
            "Where is our data stored? We need an EU data center.",
        ),
        ("Markdown tables not rendering", "Tables in task descriptions show raw pipes."),
        ("Cannot archive old project", "The archive option is greyed out for a project from 2024."),
        (
            "Custom field limit",
            "Is there a limit on custom fields per project? We hit an error at 50.",
        ),
        ("Thank you!", "Just wanted to say the new timeline view is great."),
        ("Spell check in comments", "Spell check does not underline mistakes in comments."),
        (
            "Duplicate project keeps assignees?",
            "When duplicating a project, are assignees copied too?",
        ),
        ("Recurring task skipped a week", "My weekly recurring task skipped last Monday."),
        (
            "Accessibility: screen reader labels",
            "Some buttons in the sidebar have no labels for screen readers.",
        ),
        ("Sort by priority reverses", "Sorting by priority puts Low at the top."),
        (
            "Webhook payload missing field",
            "The task.updated webhook has no previous due date field.",
        ),
        ("Favicon shows old logo", "The browser tab still shows the old Tasklane logo."),
        ("Request: Gantt baseline", "Could the timeline show a baseline to compare plans?"),
        (
            "Emoji in project name breaks search",
            "Projects with an emoji in the name don't appear in search.",
        ),
        ("Time tracking rounding", "Time entries are rounded to 15 minutes. Can we turn that off?"),
        (
            "Onboarding checklist won't close",
            "The onboarding checklist keeps reappearing after I close it.",
        ),
    ],
    "ru": [
        ("Опечатка в интерфейсе", "В меню написано «Настроики» вместо «Настройки»."),
        ("Скидка для школ", "Есть ли скидка для образовательных учреждений?"),
        (
            "Не сохраняется фильтр",
            "Фильтр по исполнителю сбрасывается после перезагрузки страницы.",
        ),
        ("Вопрос про лимит файлов", "Какой максимальный размер вложения в задаче?"),
        ("Спасибо за обновление", "Новая доска стала намного удобнее, спасибо!"),
        ("Неверный формат даты", "Даты показываются в американском формате, хотя язык русский."),
        ("Предложение: шаблоны задач", "Хотелось бы сохранять задачи как шаблоны."),
        ("Пропал проект", "Один проект пропал из списка, хотя мы его не удаляли."),
        ("Медленно грузится доска", "Доска с тысячей задач открывается около минуты."),
        ("Гостевой доступ", "Может ли гость оставлять комментарии?"),
        ("Печать задач", "Как распечатать список задач проекта?"),
        ("Смена владельца", "Владелец уволился, как передать права владельца?"),
        ("Ошибка при импорте из Trello", "Импорт из Trello останавливается на 80 процентах."),
        ("Цвет меток", "Можно ли поменять цвет меток?"),
    ],
    "th": [
        ("ภาษาไทยแสดงผลเพี้ยน", "บางเมนูแสดงภาษาไทยเป็นสี่เหลี่ยม"),
        ("ขอใบเสนอราคา", "ต้องการใบเสนอราคาสำหรับ 50 ผู้ใช้"),
        ("ส่วนลดสำหรับนักศึกษา", "มีส่วนลดสำหรับนักศึกษาไหมคะ"),
        ("ปฏิทินแสดงวันที่เป็นพุทธศักราช", "อยากให้แสดงวันที่เป็น ค.ศ. แทน พ.ศ."),
        ("แท็กหายหลังรีเฟรช", "แท็กที่เพิ่มในงานหายไปหลังรีเฟรชหน้า"),
        ("ขอบคุณทีมงาน", "ระบบใช้งานง่ายมาก ขอบคุณทีมงานครับ"),
        ("อัปโหลดรูปโปรไฟล์ไม่ได้", "อัปโหลดรูปโปรไฟล์แล้วขึ้นข้อผิดพลาด"),
        ("ย้ายงานข้ามโปรเจกต์", "ย้ายงานจากโปรเจกต์หนึ่งไปอีกโปรเจกต์ได้ไหม"),
        ("แจ้งเตือนซ้ำ", "ได้รับแจ้งเตือนเดียวกันสามครั้ง"),
        ("เปลี่ยนชื่อเวิร์กสเปซ", "จะเปลี่ยนชื่อเวิร์กสเปซได้ที่ไหน"),
        ("ฟอนต์เล็กเกินไป", "ตัวหนังสือในแอปมือถือเล็กมาก ปรับขนาดได้ไหม"),
        ("ลบคอมเมนต์ไม่ได้", "ลบคอมเมนต์ของตัวเองไม่ได้"),
    ],
}

GREETINGS = {
    "en": ["Hi,", "Hello,", "Hi team,", ""],
    "ru": ["Здравствуйте!", "Добрый день.", ""],
    "th": ["สวัสดีครับ", "สวัสดีค่ะ", ""],
}
CLOSINGS = {
    "en": ["Best regards,", "Thanks,", "Kind regards,"],
    "ru": ["С уважением,", "Спасибо,"],
    "th": ["ขอบคุณครับ", "ขอบคุณค่ะ"],
}
NAMES = {
    "en": [
        "Ann Lee",
        "Tom Becker",
        "Priya Shah",
        "Carlos Ruiz",
        "Emma Novak",
        "Liam Walsh",
        "Sara Kim",
        "Omar Haddad",
        "Julia Stone",
        "Ben Carter",
        "Nina Patel",
        "Mark Olsen",
    ],
    "ru": [
        "Иван Петров",
        "Мария Смирнова",
        "Алексей Козлов",
        "Ольга Иванова",
        "Дмитрий Соколов",
        "Анна Волкова",
        "Сергей Морозов",
        "Елена Попова",
    ],
    "th": [
        "Somchai Wongsa",
        "Nok Srisuk",
        "Anan Chaiyo",
        "Pim Suwan",
        "Kittipong Rak",
        "Malee Boonmee",
        "Chai Somsri",
        "Dao Ratana",
    ],
}
# Planted personal data: fake, reserved or test values (example.* domains, TEST-NET IPs,
# the card networks' published test numbers).
PII_SENTENCES = {
    "en": [
        ("You can call me on {phone}.", "phone"),
        ("My work email is {email} if the account one bounces.", "email"),
        ("The card ending in our payment is {card}.", "card"),
        ("I'm connecting from {ip} if that helps.", "ip"),
    ],
    "ru": [
        ("Мой телефон {phone}.", "phone"),
        ("Пишите на {email}.", "email"),
        ("Оплачивали картой {card}.", "card"),
        ("Заходим с адреса {ip}.", "ip"),
    ],
    "th": [
        ("เบอร์โทร {phone}", "phone"),
        ("อีเมลสำรอง {email}", "email"),
        ("บัตรที่ใช้จ่ายคือ {card}", "card"),
        ("เข้าจาก IP {ip}", "ip"),
    ],
}
PHONES = {
    "en": ["+1 555 010 4477", "(555) 014-2290", "+44 20 7946 0958"],
    "ru": ["+7 (495) 123-45-67", "8 916 123-45-67", "+7 912 345 67 89"],
    "th": ["081-234-5678", "+66 81 234 5678", "02-123-4567"],
}
CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "4242424242424242", "3782 822463 10005"]
IPS = ["203.0.113.45", "198.51.100.7", "2001:db8::7:1"]
