"""Country names in Chinese in pinyin order, as a Chinese reader looks them up.

Neither database nor the standard library collates Chinese by pinyin, so the characters of
the Chinese country names (CLDR's, through Babel) are listed here in the order of glibc's
pinyin collation (localedata iso14651_t1_pinyin, the zh_CN locale's). A character not in
the list (a name typed by hand) sorts after them, by code point.
"""

from __future__ import annotations

PINYIN_ORDER = (
    "阿埃爱安昂奥澳巴白百拜班保堡北贝本比边别宾冰波玻伯博泊不埔布部长赤兹茨达大代丹旦"
    "诞岛道得德登迪地帝蒂典甸丁东都度敦顿多俄厄恩尔耳伐法梵菲非斐芬佛夫福富干冈刚港哥"
    "戈格各根共古瓜关圭国果哈海韩汗行合和荷赫黑洪基及吉极几济加柬疆角捷界津金京喀卡开"
    "凯科克肯库拉腊来莱兰朗劳老勒黎里利力立联列林陵领留隆卢鲁路伦罗洛律马买麦曼毛梅美"
    "门盟蒙孟米密秘缅摩墨莫慕拿纳那南瑙内嫩尼宁纽努挪诺欧帕蓬皮坡珀葡普浦其奇乔求酋区"
    "群日瑞撒萨塞桑色森沙山绍舌圣时世士属双斯松苏所索他塔台泰坦汤唐萄陶特提廷突图土托"
    "脱陀瓦外湾宛汪旺危威维韦伪委未文汶挝沃乌希西鲜香向小新匈休叙牙亚延言扬洋也伊以意"
    "印英屿语元远约越赞泽乍寨朝政支知直智治中洲"
)
_PLACE = {character: index for index, character in enumerate(PINYIN_ORDER)}


def pinyin_key(text: str) -> tuple[int, ...]:
    """Sorts Chinese country names by pinyin: 菲律宾 (Fēilǜbīn) before 文莱 (Wénlái)."""
    return tuple(_PLACE.get(ch, len(_PLACE) + ord(ch)) for ch in text)
