"""Bench: does the search still answer when the customer adds their own details?

Customers write "password reset fails since 31.01.2024", "charged $49.99 twice", "invoice
INV-2024-0042", their phone number or their file's name into a question, wrap it in a
greeting, a plea for help and thanks ("polite"), and tell what they tried and when it
last worked, after the question or before it ("story", "tried"). Those words are in no
article or in any; weighed as question words, they once cost the answer. This bench adds
each kind of detail to every answerable labeled question (one template per kind and
language) and scores each set with `kb eval-search`, against the questions as written.
With `--gaps` it reads a `kb eval-gaps` file and scores linking instead, with one more
kind: "mail", the question in an e-mail's body (a greeting, a plea, a sentence of story,
thanks and a signature) under a subject that says nothing ("Need help", "Вопрос").
For an A/B of two trees, run it with `PYTHONPATH=<tree>`.

    .venv/bin/python bench/own_details.py tests/data/search_eval.jsonl
    .venv/bin/python bench/own_details.py tests/data/gaps_eval.jsonl --gaps
    .venv/bin/python bench/own_details.py tests/data/corpora/traefik.jsonl -f CONFIG --lang en
    .venv/bin/python bench/own_details.py tests/data/search_eval.jsonl --typo
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DETAILS = {
    "en": {"date": "{q} since 31.01.2024", "amount": "{q}, I paid $49.99",
           "phone": "{q}, call me at +1 415 555 0100", "invoice": "{q} (invoice INV-2024-0042)",
           "file": "{q}, see report_q3_final.xlsx",
           "polite": "Good morning, could you help me? {q}. Thanks in advance!",
           "urgent": "URGENT: {q}. Sorry for the trouble",
           "story": "{q}. It was working fine until yesterday and nothing changed on my side",
           "tried": "I already tried restarting and searching the docs but couldn't find "
                    "anything. {q}"},
    "ru": {"date": "{q} с 31.01.2024", "amount": "{q}, оплатил 1 490 ₽",
           "phone": "{q}, мой телефон 8 (916) 123-45-67", "invoice": "{q} (счёт INV-2024-0042)",
           "file": "{q}, файл otchet_q3.xlsx",
           "polite": "Добрый день! Подскажите, пожалуйста: {q}. Заранее спасибо!",
           "urgent": "СРОЧНО! {q}. Извините за беспокойство",
           "story": "{q}. До вчерашнего дня всё работало, у себя я ничего не менял",
           "tried": "Уже пробовал перезапустить и искал в документации, но ничего не нашёл. {q}"},
    "th": {"date": "{q} ตั้งแต่ 31/01/2567", "amount": "{q} จ่ายไป 499 บาท",
           "phone": "{q} เบอร์ 081 234 5678", "invoice": "{q} เลขที่ INV-2024-0042",
           "file": "{q} ไฟล์ report_q3.xlsx",
           "polite": "สวัสดีค่ะ รบกวนสอบถามค่ะ {q} ขอบคุณล่วงหน้าค่ะ",
           "urgent": "ด่วนมาก {q} ขอโทษที่รบกวนค่ะ",
           "story": "{q} เมื่อวานยังใช้ได้ปกติ ไม่ได้เปลี่ยนอะไรเลย",
           "tried": "ลองรีสตาร์ทและหาในเอกสารแล้วแต่ไม่เจอ {q}"},
}


def misspelt(question: str, lang: str) -> str:
    """`question` with the middle letter of its longest word (of 6 letters or more, no
    digits) left out; as it is when it has none."""
    from deflection.analysis import normalize, spelling_analyzer

    question = normalize(question)
    spans = [(t.endchar - t.startchar, t.startchar, t.endchar)
             for t in spelling_analyzer(lang)(question, chars=True)
             if len(t.text) >= 6 and not any(c.isdigit() for c in t.text)]
    if not spans:
        return question
    _, start, end = max(spans)
    middle = (start + end) // 2
    return question[:middle] + question[middle + 1:]


MAIL = {
    "en": ("Need help", "Hi team,\n\nGood morning! {q}. Could you help me with this? I have "
           "been trying for a while.\n\nThanks in advance,\nAnna Smith\nSent from my iPhone"),
    "ru": ("Вопрос", "Здравствуйте!\n\nПодскажите, пожалуйста: {q}. Уже давно пытаюсь "
           "разобраться.\n\nЗаранее спасибо,\nАнна"),
    "th": ("สอบถามค่ะ", "สวัสดีค่ะ\n\nรบกวนสอบถามค่ะ {q} ลองมาหลายวันแล้วค่ะ\n\nขอบคุณค่ะ\nแอนนา"),
}


def variants(rows: list[dict], lang: str, typo: bool = False,
             field: str = "query") -> dict[str, list[dict]]:
    """The answerable questions (`field` of each row) as written ("none") and with each
    kind of detail (each question misspelt first, with `typo`); for tickets (`field`
    "subject"), in an e-mail's body too ("mail")."""
    rows = [row for row in rows if row.get("gold")]
    if typo:
        rows = [{**row, field: misspelt(row[field], row.get("lang") or lang)} for row in rows]
    out = {"none": rows}
    for kind in DETAILS["en"]:
        out[kind] = [{**row, field: DETAILS.get(row.get("lang") or lang, DETAILS["en"])[kind]
                      .format(q=row[field].rstrip("?"))} for row in rows]
    if field == "subject":
        out["mail"] = []
        for row in rows:
            subject, body = MAIL.get(row.get("lang") or lang, MAIL["en"])
            out["mail"].append({**row, "subject": subject,
                                "body": body.format(q=row["subject"].rstrip("?"))})
    return out


def scores(file: Path, config: Path, command: str = "eval-search") -> dict:
    # run from the file's folder: `PYTHONPATH=<tree>` then chooses the code, not this folder
    done = subprocess.run([sys.executable, "-m", "kb", command, str(file), "--json",
                           "-f", str(config.resolve())], capture_output=True, text=True,
                          cwd=file.parent)
    if done.returncode not in (0, 1):  # 1: a target missed, the scores are printed
        sys.exit(f"kb {command} {file} failed:\n{done.stderr}")
    return json.loads(done.stdout)["all"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, help="a labeled JSONL file")
    parser.add_argument("-f", "--config", type=Path, default=ROOT / "site_config.yml",
                        help="the help center's site config, indexed (default: the sample)")
    parser.add_argument("--lang", default="en", choices=sorted(DETAILS),
                        help="the questions' language where a line names none (en)")
    parser.add_argument("--typo", action="store_true",
                        help="misspell each question's longest word first")
    parser.add_argument("--gaps", action="store_true",
                        help="score linking: QUESTIONS is a `kb eval-gaps` file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.open(encoding="utf-8") if line.strip()]
    field, command = ("subject", "eval-gaps") if args.gaps else ("query", "eval-search")
    measures = ("tickets", "accuracy") if args.gaps else ("questions", "recall@1", "recall@5",
                                                           "mrr")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, questions in variants(rows, args.lang, args.typo, field).items():
            file = Path(tmp) / f"{kind}.jsonl"
            file.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions),
                            encoding="utf-8")
            found = scores(file, args.config, command)
            results[kind] = {k: found[k] for k in measures}
            example = questions[0].get("body") or questions[0][field] if questions else ""
            results[kind]["example"] = " ".join(example.split())
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    print(f"| detail | {' | '.join(measures[1:])} | example |\n|---|"
          + "---:|" * (len(measures) - 1) + "---|")
    for kind, r in results.items():
        figures = " | ".join(f"{r[m]:.3f}" for m in measures[1:])
        print(f"| {kind} | {figures} | {r['example'][:70]} |")


if __name__ == "__main__":
    main()
