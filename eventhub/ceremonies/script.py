"""What the master of ceremonies says at each cue, in English and in Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.ceremonies.models import Agreement
from eventhub.ceremonies.run_of_show import Cue, run_of_show
from eventhub.directory.models import Organisation
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity


@dataclass
class ScriptLine:
    cue: Cue
    say_en: str = ""
    say_zh: str = ""


def _introduce_en(person: Participant | None, organisation: Organisation) -> str:
    if person is None:
        return f"[signatory of {organisation.name_en} not named]"
    title = f"{person.honorific} {person.latin_name}".strip()
    return f"{title}, {person.position}, {organisation.name_en}" if person.position else title


def _chinese_name(person: Participant) -> str:
    # Chinese names are read in Chinese; others as written in Latin letters.
    if person.country_code == "CN" and person.native_name:
        return person.native_name
    return f" {person.latin_name} "


def _introduce_zh(person: Participant | None, organisation: Organisation) -> str:
    organisation_name = organisation.name_zh or organisation.name_en
    if person is None:
        return f"【{organisation_name}签字人未定】"
    # Positions are kept in English only; read them in Chinese only when written so.
    has_chinese = any("\u4e00" <= char <= "\u9fff" for char in person.position)
    position = person.position if has_chinese else ""
    return f"{organisation_name}{position}{_chinese_name(person)}".replace("  ", " ")


def _announcement(agreement: Agreement) -> tuple[str, str]:
    signers_en = " and ".join(_introduce_en(p.signatory, p.organisation) for p in agreement.parties)
    signers_zh = "与".join(_introduce_zh(p.signatory, p.organisation) for p in agreement.parties)
    en = f"We now invite {signers_en} to sign the {agreement.title_en}."
    zh = f"现在请{signers_zh}签署《{agreement.title_zh or agreement.title_en}》。"
    if agreement.witnesses:
        witnesses = sorted(
            (w.participant for w in agreement.witnesses),
            key=lambda p: (p.protocol_rank or 99, p.latin_name),
        )
        en += (
            " Witnessed by "
            + ", ".join(f"{p.honorific} {p.latin_name}".strip() for p in witnesses)
            + "."
        )
        zh += "见证人：" + "、".join(_chinese_name(p).strip() for p in witnesses) + "。"
    return en, zh


def mc_script(ceremony: Activity) -> tuple[list[ScriptLine], list[str]]:
    """The run of show with what the master of ceremonies says at each cue, in English and
    Chinese: who is invited to the table, in the order of the parties, and who witnesses."""
    cues, problems = run_of_show(ceremony)
    lines: list[ScriptLine] = []
    announced: set[int] = set()
    title = ceremony.title_en
    for cue in cues:
        line = ScriptLine(cue)
        if not lines:
            line.say_en = (
                f"Distinguished guests, ladies and gentlemen, good afternoon. Welcome to the "
                f"{title}."
            )
            line.say_zh = (
                f"尊敬的各位嘉宾，女士们、先生们：大家好！欢迎出席{ceremony.title_zh or title}。"
            )
        elif cue.agreements and cue.agreements[0].id not in announced:
            announced.update(a.id for a in cue.agreements)
            said = [_announcement(a) for a in cue.agreements]
            line.say_en = " ".join(en for en, _zh in said)
            line.say_zh = "".join(zh for _en, zh in said)
        elif cue is cues[-1]:
            line.say_en = "Please join us on stage for the group photo. Thank you."
            line.say_zh = "请各位嘉宾上台合影。谢谢！"
        lines.append(line)
    return lines, problems
