"""What the master of ceremonies says at each cue, in English and in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask_babel import ngettext

from eventhub.ceremonies.models import Agreement
from eventhub.ceremonies.names import chinese_title, in_chinese, latin, tidy
from eventhub.ceremonies.run_of_show import Cue, run_of_show
from eventhub.ceremonies.running_order import tie_break_of
from eventhub.ceremonies.signed_record import Person, signer, witness
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.personnames.protocol import MC_SCRIPT
from eventhub.registration import precedence
from eventhub.scheduling.models import Activity


@dataclass
class ScriptLine:
    cue: Cue
    say_en: str = ""
    say_zh: str = ""


def greetings(ceremony: Activity) -> tuple[str, str]:
    """'good morning' and 上午好, by the hour the ceremony starts where it takes place."""
    zone = ZoneInfo(db.session.get(Event, ceremony.event_id).timezone)
    hour = ceremony.starts_at.astimezone(zone).hour
    if hour < 12:
        return "good morning", "上午好"
    if hour < 18:
        return "good afternoon", "下午好"
    return "good evening", "晚上好"


def _introduce_en(person: Person | None, organisation: Organisation) -> str:
    if person is None:
        return f"[signatory of {organisation.name_en} not named]"
    return (
        f"{latin(person, MC_SCRIPT)}, {person.position}, {organisation.name_en}"
        if person.position
        else latin(person, MC_SCRIPT)
    )


def _introduce_zh(person: Person | None, organisation: Organisation, missing: list[str]) -> str:
    """'贵州大学校长王建华教授': organisation, title, name, honorific, as said in Chinese. A
    title known only in English is read as written (and the MC is told)."""
    organisation_name = organisation.name_zh or f" {organisation.name_en} "
    if person is None:
        return f"【{organisation_name.strip()}签字人未定】"
    title = chinese_title(person)
    if not title and person.position:
        title = f" {person.position} "
        missing.append(person.latin_name)
    return f"{organisation_name}{title}{in_chinese(person)}"


def _announcement(agreement: Agreement, missing: list[str], tie_break: str) -> tuple[str, str]:
    """Who is invited to sign and who witnesses, named as signed once signed."""
    # "A, B and C" / "A、B和C": three parties are not chained with "and ... and".
    signers_en = format_list(
        [_introduce_en(signer(p), p.organisation) for p in agreement.parties], locale="en"
    )
    signers_zh = format_list(
        [_introduce_zh(signer(p), p.organisation, missing) for p in agreement.parties],
        locale="zh_Hans",
    )
    en = f"We now invite {signers_en} to sign the {agreement.title_en}."
    zh = f"现在请{signers_zh}签署《{agreement.title_zh or agreement.title_en}》。"
    if agreement.witnesses:
        witnesses = sorted(
            (witness(w) for w in agreement.witnesses),
            key=lambda p: precedence.precedence_key(p, tie_break),
        )
        en += " Witnessed by " + ", ".join(latin(p, MC_SCRIPT) for p in witnesses) + "."
        zh += "见证人：" + "、".join(in_chinese(p) for p in witnesses) + "。"
    return en, tidy(zh)


def mc_script(ceremony: Activity) -> tuple[list[ScriptLine], list[str]]:
    """The run of show with what the master of ceremonies says at each cue, in English and
    Chinese: the greeting for the time of day, who is invited to the table with their
    titles, in the order of the parties, and who witnesses."""
    cues, problems = run_of_show(ceremony)
    lines: list[ScriptLine] = []
    announced: set[int] = set()
    missing: list[str] = []
    tie_break = tie_break_of(ceremony)
    title = ceremony.title_en
    for cue in cues:
        line = ScriptLine(cue)
        if not lines:
            hello_en, hello_zh = greetings(ceremony)
            line.say_en = (
                f"Distinguished guests, ladies and gentlemen, {hello_en}. Welcome to the {title}."
            )
            line.say_zh = (
                f"尊敬的各位嘉宾，女士们、先生们：大家{hello_zh}！"
                f"欢迎出席{ceremony.title_zh or title}。"
            )
        elif cue.agreements and cue.agreements[0].id not in announced:
            announced.update(a.id for a in cue.agreements)
            said = [_announcement(a, missing, tie_break) for a in cue.agreements]
            line.say_en = " ".join(en for en, _zh in said)
            line.say_zh = "".join(zh for _en, zh in said)
        elif cue is cues[-1]:
            line.say_en = "Please join us on stage for the group photo. Thank you."
            line.say_zh = "请各位嘉宾上台合影。谢谢！"
        lines.append(line)
    if names := list(dict.fromkeys(missing)):
        # One line for all: a week whose registrations give no Chinese titles would otherwise
        # open its script with a page of warnings.
        problems.append(
            ngettext(
                "%(num)d person has no title in Chinese, so the Chinese line reads the English "
                "one: %(names)s. Enter it as 'Position in Chinese' on the registration.",
                "%(num)d people have no title in Chinese, so the Chinese lines read the English "
                "ones: %(names)s. Enter them as 'Position in Chinese' on the registrations.",
                len(names),
                names=", ".join(names),
            )
        )
    return lines, problems
