"""Name material for the demo week, per country, in Latin letters and the person's own script.

Each generator takes a random.Random and returns (family_name, given_name, native_name,
honorific). Latin family names are as in passports; people with a single name (Myanmar,
often Indonesia) have an empty family name. Native names are written the way the person
writes them: family name first in Chinese, Khmer and Vietnamese, given name first in Thai
and Lao; Myanmar names have no family name at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Name = tuple[str, str, str, str]

# --- China --------------------------------------------------------------------------------
CN_FAMILY = [
    ("王", "WANG"),
    ("李", "LI"),
    ("张", "ZHANG"),
    ("刘", "LIU"),
    ("陈", "CHEN"),
    ("杨", "YANG"),
    ("黄", "HUANG"),
    ("赵", "ZHAO"),
    ("吴", "WU"),
    ("周", "ZHOU"),
    ("徐", "XU"),
    ("孙", "SUN"),
    ("马", "MA"),
    ("朱", "ZHU"),
    ("胡", "HU"),
    ("郭", "GUO"),
    ("何", "HE"),
    ("罗", "LUO"),
    ("高", "GAO"),
    ("林", "LIN"),
    ("龙", "LONG"),
    ("吕", "LYU"),
    ("欧阳", "OUYANG"),
    ("司马", "SIMA"),
    ("诸葛", "ZHUGE"),
    ("韦", "WEI"),
    ("蒙", "MENG"),
    ("潘", "PAN"),
    ("石", "SHI"),
    ("田", "TIAN"),
]
CN_GIVEN = [
    ("明", "Ming"),
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("静", "Jing"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("秀英", "Xiuying"),
    ("建华", "Jianhua"),
    ("志强", "Zhiqiang"),
    ("晓东", "Xiaodong"),
    ("海燕", "Haiyan"),
    ("慧玲", "Huiling"),
    ("子涵", "Zihan"),
    ("浩然", "Haoran"),
    ("雨桐", "Yutong"),
    ("思远", "Siyuan"),
    ("婷婷", "Tingting"),
    ("国庆", "Guoqing"),
    ("喆", "Zhe"),
    ("䶮", "Yan"),
    ("玥", "Yue"),
    ("梓萱", "Zixuan"),
    ("俊杰", "Junjie"),
    ("文博", "Wenbo"),
    ("欣怡", "Xinyi"),
]
CN_HONORIFICS = ["Prof.", "Dr.", "Mr.", "Ms.", "Assoc. Prof.", "Mr.", "Ms."]


def chinese(rng: random.Random) -> Name:
    family_native, family_latin = rng.choice(CN_FAMILY)
    given_native, given_latin = rng.choice(CN_GIVEN)
    return family_latin, given_latin, family_native + given_native, rng.choice(CN_HONORIFICS)


# --- Thailand (given name first in Thai) ----------------------------------------------------
TH_GIVEN = [
    ("สมชาย", "Somchai"),
    ("สุดารัตน์", "Sudarat"),
    ("วิชัย", "Wichai"),
    ("นภา", "Napa"),
    ("ปัณณวัฒน์", "Pannawat"),
    ("กมลวรรณ", "Kamonwan"),
    ("ธนากร", "Thanakorn"),
    ("น้ำฝน", "Namfon"),
    ("ศิริพร", "Siriporn"),
    ("อนุชา", "Anucha"),
    ("ปั๊ม", "Pam"),
    ("พิมพ์ชนก", "Pimchanok"),
    ("ณัฐวุฒิ", "Nattawut"),
    ("กัญญ์ณัช", "Kannach"),
]
TH_FAMILY = [
    ("ใจดี", "JAIDEE"),
    ("ปั้นทอง", "PANTHONG"),
    ("สุขสวัสดิ์", "SUKSAWAT"),
    ("ศรีสุข", "SRISUK"),
    ("วงศ์ใหญ่", "WONGYAI"),
    ("แก้วมณี", "KAEWMANEE"),
    ("บุญมา", "BOONMA"),
    ("ทองดี", "THONGDEE"),
    ("รัตนพันธ์", "RATTANAPHAN"),
    ("ธนากรวงศ์สกุล", "THANAKORNWONGSAKUL"),
    ("ณ อยุธยา", "NA AYUTTHAYA"),
    ("เลิศวิริยะกุล", "LERTWIRIYAKUL"),
]
TH_HONORIFICS = ["Asst. Prof.", "Assoc. Prof.", "Dr.", "Mr.", "Ms.", "Mrs."]


def thai(rng: random.Random) -> Name:
    given_native, given_latin = rng.choice(TH_GIVEN)
    family_native, family_latin = rng.choice(TH_FAMILY)
    return (family_latin, given_latin, f"{given_native} {family_native}", rng.choice(TH_HONORIFICS))


# --- Lao PDR (given name first) -------------------------------------------------------------
LA_GIVEN = [
    ("ສົມພອນ", "Somphone"),
    ("ບຸນມີ", "Bounmy"),
    ("ຄຳພັນ", "Khamphanh"),
    ("ວຽງສະຫວັນ", "Viengsavanh"),
    ("ສີສຸກ", "Sisouk"),
    ("ພອນທິບ", "Phonethip"),
    ("ມະນີວັນ", "Manivanh"),
    ("ທອງລາ", "Thongla"),
    ("ແສງເດືອນ", "Sengdeuane"),
    ("ບົວພັນ", "Bouaphanh"),
    ("ອານຸສອນ", "Anousone"),
]
LA_FAMILY = [
    ("ແກ້ວມະນີ", "KEOMANY"),
    ("ພົມມະຈັນ", "PHOMMACHANH"),
    ("ສີຈະເລີນ", "SICHALEUNE"),
    ("ວົງສາ", "VONGSA"),
    ("ສຸວັນນະວົງ", "SOUVANNAVONG"),
    ("ພິລາວົງ", "PHILAVONG"),
    ("ຈັນທະລາ", "CHANTHALA"),
    ("ອິນທະວົງ", "INTHAVONG"),
    ("ໄຊຍະວົງ", "XAYAVONG"),
]
LA_HONORIFICS = ["Mr.", "Ms.", "Dr.", "Assoc. Prof. Dr.", "Prof."]


def lao(rng: random.Random) -> Name:
    given_native, given_latin = rng.choice(LA_GIVEN)
    family_native, family_latin = rng.choice(LA_FAMILY)
    return (family_latin, given_latin, f"{given_native} {family_native}", rng.choice(LA_HONORIFICS))


# --- Cambodia (family name first; subscript consonants) --------------------------------------
KH_FAMILY = [
    ("សុខ", "SOK"),
    ("ហេង", "HENG"),
    ("ចាន់", "CHAN"),
    ("គឹម", "KIM"),
    ("ឡុង", "LONG"),
    ("ស៊ីន", "SIN"),
    ("ព្រំ", "PRUM"),
    ("ឈឹម", "CHHIM"),
    ("ស្រេង", "SRENG"),
    ("ទេព", "TEP"),
]
KH_GIVEN = [
    ("ចាន់ធី", "Chanthy"),
    ("ស្រីពៅ", "Sreypov"),
    ("សុភា", "Sophea"),
    ("វណ្ណា", "Vanna"),
    ("ដារ៉ា", "Dara"),
    ("ស្រីល័ក្ខ", "Sreyleak"),
    ("បុប្ផា", "Bopha"),
    ("រតនា", "Rathana"),
    ("ពិសិដ្ឋ", "Piseth"),
    ("សុវណ្ណរិទ្ធ", "Sovannarith"),
    ("ច័ន្ទមុនី", "Chanmony"),
]
KH_HONORIFICS = ["Mr.", "Ms.", "Dr.", "H.E.", "Lok Chumteav", "Assoc. Prof."]


def khmer(rng: random.Random) -> Name:
    family_native, family_latin = rng.choice(KH_FAMILY)
    given_native, given_latin = rng.choice(KH_GIVEN)
    return (family_latin, given_latin, f"{family_native} {given_native}", rng.choice(KH_HONORIFICS))


# --- Myanmar (one name of several syllables; medials ေ ြ ျ) ----------------------------------
MM_SYLLABLES = [
    ("အောင်", "Aung"),
    ("ကျော်", "Kyaw"),
    ("မိုး", "Moe"),
    ("ဇော်", "Zaw"),
    ("မင်း", "Min"),
    ("ထွန်း", "Htun"),
    ("ဝင်း", "Win"),
    ("နိုင်", "Naing"),
    ("သူ", "Thu"),
    ("မြတ်", "Myat"),
    ("ခင်", "Khin"),
    ("စန္ဒာ", "Sandar"),
    ("နှင်း", "Hnin"),
    ("ဝေ", "Wai"),
    ("သီတာ", "Thida"),
    ("ဦး", "Oo"),
    ("ကြည်", "Kyi"),
    ("ဖြိုး", "Phyo"),
    ("သန့်", "Thant"),
    ("ဆု", "Su"),
    ("လှိုင်", "Hlaing"),
    ("ထက်", "Htet"),
    ("ပြည့်", "Pyae"),
    ("မေ", "May"),
    ("ချို", "Cho"),
]


# Syllables mostly in women's names: a name holding one is a woman's here, so "Daw" (Ms.)
# goes with it and "U" (Mr.) with the others, as a protocol office would expect.
MM_FEMALE = {"Sandar", "Hnin", "Wai", "Thida", "Kyi", "Su", "May", "Cho", "Pyae", "Khin", "Myat"}


def myanmar(rng: random.Random) -> Name:
    parts = rng.sample(MM_SYLLABLES, rng.choice([2, 3, 3]))
    native = "".join(p[0] for p in parts)
    latin = " ".join(p[1] for p in parts)
    female = any(p[1] in MM_FEMALE for p in parts)
    return "", latin, native, rng.choice(["Daw", "Dr.", "Daw"] if female else ["U", "Dr.", "U"])


# --- Viet Nam (Latin script with stacked diacritics) -----------------------------------------
VN_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
]
VN_GIVEN = [
    "Thị Hương",
    "Văn Minh",
    "Thị Thu Hằng",
    "Đức Thắng",
    "Quốc Bảo",
    "Thị Ngọc Ánh",
    "Văn Hùng",
    "Minh Tuấn",
    "Thị Phượng",
    "Hữu Nghĩa",
    "Thị Mỹ Duyên",
    "Quang Huy",
    "Thanh Tùng",
    "Thị Kiều Oanh",
    "Xuân Trường",
]


def vietnamese(rng: random.Random) -> Name:
    family, given = rng.choice(VN_FAMILY), rng.choice(VN_GIVEN)
    # "Thị" is a woman's middle name, "Văn" a man's.
    female = "Thị" in given.split()
    honorific = rng.choice(
        ["Ms." if female else "Mr.", "Dr.", "Assoc. Prof. Dr.", "Prof. Dr.", "Dr."]
    )
    return family.upper(), given, f"{family} {given}", honorific


# --- Malaysia, Brunei, Singapore, Indonesia, the Philippines ---------------------------------
MALAY_MALE = [
    "Muhammad Hafiz",
    "Ahmad Faizal",
    "Mohd Azlan",
    "Amirul Hakim",
    "Khairul Anuar",
    "Abdul Rahman",
    "Mohd Yusof",
    "Syed Ibrahim",
]
MALAY_FEMALE = [
    "Nur Aisyah",
    "Siti Nurhaliza",
    "Nurul Huda",
    "Farah Adibah",
    "Noraini",
    "Siti Khadijah",
    "Intan Suraya",
]
MALAY_FATHERS = ["Ahmad", "Abdullah", "Ismail", "Osman", "Hassan", "Yaakob", "Rahman", "Omar"]
CHINESE_MALAYSIAN = [
    ("LIM", "Wei Ling", "林慧玲"),
    ("TAN", "Kah Wee", "陈家伟"),
    ("NG", "Hui Min", "黄慧敏"),
    ("LEE", "Chong Wei", "李宗伟"),
    ("WONG", "Mei Fong", "黄美芳"),
    ("GOH", "Boon Kiat", "吴文杰"),
    ("CHUA", "Siew Lan", "蔡秀兰"),
    ("ONG", "Jun Hao", "王俊豪"),
]


CHINESE_MALAYSIAN_WOMEN = {"Wei Ling", "Hui Min", "Mei Fong", "Siew Lan"}


def malay(rng: random.Random) -> Name:
    if rng.random() < 0.5:
        given, link = rng.choice(MALAY_MALE), "BIN"
    else:
        given, link = rng.choice(MALAY_FEMALE), "BINTI"
    father = rng.choice(MALAY_FATHERS)
    titles = ["Dr.", "Ms.", "Puan"] if link == "BINTI" else ["Dr.", "Mr.", "Encik"]
    return f"{link} {father.upper()}", given, "", rng.choice(titles)


def malaysian(rng: random.Random) -> Name:
    roll = rng.random()
    if roll < 0.55:
        family, given, _native, _honorific = malay(rng)
        mrs = "Ms." if family.startswith("BINTI") else "Mr."
        return family, given, "", rng.choice(["Dr.", "Prof. Dato'", mrs, mrs, "Ts."])
    if roll < 0.9:
        family, given, native = rng.choice(CHINESE_MALAYSIAN)
        mrs = "Ms." if given in CHINESE_MALAYSIAN_WOMEN else "Mr."
        return family, given, native, rng.choice(["Dr.", mrs, mrs, "Ir."])
    given = rng.choice(["Kumaresan", "Priya", "Rajendran", "Thilagavathy"])
    father = rng.choice(["Subramaniam", "Krishnan", "Muthusamy"])
    link = "A/L" if given in {"Kumaresan", "Rajendran"} else "A/P"
    mrs = "Mr." if link == "A/L" else "Ms."
    return f"{link} {father.upper()}", given, "", rng.choice(["Dr.", mrs, mrs])


def singaporean(rng: random.Random) -> Name:
    if rng.random() < 0.75:
        family, given, native = rng.choice(CHINESE_MALAYSIAN)
        mrs = "Ms." if given in CHINESE_MALAYSIAN_WOMEN else "Mr."
        return family, given, native, rng.choice(["Dr.", mrs, mrs, "Prof.", "Er."])
    family, given, _native, _honorific = malay(rng)
    mrs = "Ms." if family.startswith("BINTI") else "Mr."
    return family, given, "", rng.choice(["Dr.", mrs, mrs])


BN_LONG = [
    ("PENGIRAN HAJI ISMAIL", "Pengiran Haji Abdul Rahman bin", "Yang Mulia"),
    ("HAJI ABDULLAH", "Awang Haji Mohd Yusof bin", "Yang Mulia"),
    ("HAJI OSMAN", "Dayang Hajah Nurul Huda binti", "Yang Mulia"),
    (
        "PEHIN ORANG KAYA HAJI MOHAMMAD",
        "Pengiran Anak Haji Muhammad Khairul Azmi bin",
        "Yang Berhormat",
    ),
]


def bruneian(rng: random.Random) -> Name:
    if rng.random() < 0.3:
        family, given, honorific = rng.choice(BN_LONG)
        return family, given, "", honorific
    family, given, _native, _honorific = malay(rng)
    if family.startswith("BINTI"):
        return family, given, "", rng.choice(["Dayang", "Dayang", "Dr.", "Hajah", "Hajah"])
    return family, given, "", rng.choice(["Awang", "Awang", "Dr.", "Haji", "Haji"])


ID_SINGLE = ["Budiono", "Suharti", "Wahyudi", "Sutrisno", "Sumarni", "Mulyadi", "Purwanto"]
ID_GIVEN = ["Dewi", "Rizky", "Siti", "Agus", "Putri", "Andi", "Bayu", "Rina", "Eko", "Ayu"]
ID_FAMILY = [
    "LESTARI",
    "PRATAMA",
    "RAHAYU",
    "SETIAWAN",
    "WULANDARI",
    "SAPUTRA",
    "HIDAYAT",
    "KUSUMAWATI",
    "NUGROHO",
    "SIREGAR",
    "SIMANJUNTAK",
]


def indonesian(rng: random.Random) -> Name:
    honorific = rng.choice(["Dr.", "Mr.", "Ms.", "Prof. Dr.", "Ir."])
    if rng.random() < 0.35:  # one name only, as on many Indonesian passports
        return "", rng.choice(ID_SINGLE), "", honorific
    return rng.choice(ID_FAMILY), rng.choice(ID_GIVEN), "", honorific


PH_GIVEN = [
    "Maria Cristina",
    "Jose Miguel",
    "Ana Marie",
    "Juan Carlos",
    "Rosario",
    "Mark Anthony",
    "Ma. Theresa",
    "John Paul",
    "Kristine Joy",
]
PH_FAMILY = [
    "SANTOS-DELA CRUZ",
    "REYES",
    "BAUTISTA",
    "GARCIA",
    "MENDOZA",
    "VILLANUEVA",
    "DE LOS SANTOS",
    "AQUINO",
    "MACAPAGAL",
    "TOLENTINO",
]


def filipino(rng: random.Random) -> Name:
    return (
        rng.choice(PH_FAMILY),
        rng.choice(PH_GIVEN),
        "",
        rng.choice(["Atty.", "Engr.", "Dr.", "Mr.", "Ms.", "Prof."]),
    )


GENERATORS: dict[str, Callable[[random.Random], Name]] = {
    "CN": chinese,
    "TH": thai,
    "LA": lao,
    "KH": khmer,
    "MM": myanmar,
    "VN": vietnamese,
    "MY": malaysian,
    "SG": singaporean,
    "BN": bruneian,
    "ID": indonesian,
    "PH": filipino,
}
