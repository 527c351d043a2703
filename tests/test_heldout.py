"""Sixty-odd sentences, technical and general, as a Taiwan and a Hong Kong editor would write
them (issue 17: "a held-out set ... judged as an editor would"). Written for this test,
not taken from the tables; the anchors of the issue are among them: 伺服器, 預設, 記憶體,
應用程式 in Hong Kong, 品質/質素, 電腦, 數位/數碼, 筆記型電腦/手提電腦, 史丹佛/史丹福,
輝達, 虛擬實境, 帳號, 飛槳, 昇騰, 函數 in mathematics, 發布 for a government, 運行 for a
power plant, 連接 for a bridge. The set must pass at 95 % or better in each edition; each
sentence is also its own test, so a miss names itself."""

# ruff: noqa: E501  (a table of sentences, one a line)
from __future__ import annotations

import pytest

from publish.editions.convert import Converter
from publish.editions.glossary import load_glossary

GLOSSARY = load_glossary(None)
CONFIG = {"zh-Hant-TW": "s2twp", "zh-Hant-HK": "s2hk"}

# (domain, Simplified source, Taiwan, Hong Kong)
SENTENCES = [
    ("technical", "服务器的默认配置需要更多内存。", "伺服器的預設配置需要更多記憶體。", "伺服器的預設配置需要更多記憶體。"),
    ("technical", "这个应用程序支持离线模式。", "這個應用程式支援離線模式。", "這個應用程式支援離線模式。"),
    ("technical", "请用笔记本电脑登录你的账号。", "請用筆記型電腦登入你的帳號。", "請用手提電腦登入你的帳號。"),
    ("technical", "英伟达发布了新的显卡驱动程序。", "輝達釋出了新的顯示卡驅動程式。", "英偉達發布了新的顯卡驅動程式。"),
    ("technical", "斯坦福大学的研究团队开源了这个模型。", "史丹佛大學的研究團隊開源了這個模型。", "史丹福大學的研究團隊開源了這個模型。"),
    ("technical", "虚拟现实头盔需要高性能计算机。", "虛擬實境頭盔需要高效能電腦。", "虛擬實境頭盔需要高性能電腦。"),
    ("technical", "飞桨是百度的深度学习框架。", "飛槳是百度的深度學習框架。", "飛槳是百度的深度學習框架。"),
    ("technical", "华为昇腾芯片的算力很强。", "華為昇騰晶片的算力很強。", "華為昇騰晶片的算力很強。"),
    ("technical", "数字化转型需要可靠的网络。", "數位轉型需要可靠的網路。", "數碼轉型需要可靠的網絡。"),
    ("technical", "软件质量取决于测试。", "軟體品質取決於測試。", "軟件質素取決於測試。"),
    ("technical", "用户可以在设置中修改默认语言。", "使用者可以在設定中修改預設語言。", "用戶可以在設定中修改預設語言。"),
    ("technical", "打开文件夹，然后复制文件。", "開啟資料夾，然後複製檔案。", "打開資料夾，然後複製檔案。"),
    ("technical", "程序员正在调试这段代码。", "程式設計師正在除錯這段程式碼。", "程式員正在調試這段程式碼。"),
    ("technical", "数据库的查询速度很快。", "資料庫的查詢速度很快。", "數據庫的查詢速度很快。"),
    ("technical", "在线服务需要稳定的宽带。", "線上服務需要穩定的寬頻。", "網上服務需要穩定的寬頻。"),
    ("technical", "视频会议软件占用了大量内存。", "視訊會議軟體佔用了大量記憶體。", "視像會議軟件佔用了大量記憶體。"),
    ("technical", "神经网络的参数量超过一千亿。", "神經網路的參數量超過一千億。", "神經網絡的參數量超過一千億。"),
    ("technical", "面向对象编程是一种编程范式。", "物件導向程式設計是一種程式設計範式。", "物件導向編程是一種編程範式。"),
    ("technical", "操作系统会自动更新驱动程序。", "作業系統會自動更新驅動程式。", "作業系統會自動更新驅動程式。"),
    ("technical", "调用函数时必须传入两个参数。", "呼叫函式時必須傳入兩個參數。", "調用函數時必須傳入兩個參數。"),
    ("technical", "这个接口返回一个对象。", "這個介面返回一個物件。", "這個介面返回一個物件。"),
    ("technical", "硬盘坏了，数据全部丢失。", "硬碟壞了，資料全部丟失。", "硬碟壞了，數據全部丟失。"),
    ("technical", "机器学习模型的训练需要大量数据。", "機器學習模型的訓練需要大量資料。", "機器學習模型的訓練需要大量數據。"),
    ("technical", "云计算平台提供按需付费的服务器。", "雲端運算平臺提供按需付費的伺服器。", "雲端運算平台提供按需付費的伺服器。"),
    ("technical", "搜索引擎会索引网页的内容。", "搜尋引擎會索引網頁的內容。", "搜尋引擎會索引網頁的內容。"),
    ("technical", "这个网站的用户界面很简洁。", "這個網站的使用者介面很簡潔。", "這個網站的用戶介面很簡潔。"),
    ("technical", "芯片短缺影响了笔记本电脑的供应。", "晶片短缺影響了筆記型電腦的供應。", "晶片短缺影響了手提電腦的供應。"),
    ("technical", "激活函数把输入映射到输出。", "激活函數把輸入對映到輸出。", "激活函數把輸入映射到輸出。"),
    ("technical", "新版本修复了内存泄漏的问题。", "新版本修復了記憶體洩漏的問題。", "新版本修復了記憶體泄漏的問題。"),
    ("technical", "剪枝去除了冗余参数和连接。", "剪枝去除了冗餘參數和連接。", "剪枝去除了冗餘參數和連接。"),
    ("technical", "模型正在向多任务智能发展。", "模型正在向多任務智慧發展。", "模型正在向多任務智能發展。"),
    ("technical", "无法建立连接，请检查网络连接。", "無法建立連線，請檢查網路連線。", "無法建立連接，請檢查網絡連接。"),
    ("general", "中国空域管理改革进程加快，雷达技术溢出明显。", "中國空域管理改革進程加快，雷達技術溢出明顯。", "中國空域管理改革進程加快，雷達技術溢出明顯。"),
    ("general", "学生完成无人机的装配和调试，设备成本高。", "學生完成無人機的裝配和調試，設備成本高。", "學生完成無人機的裝配和調試，設備成本高。"),
    ("general", "成都正在打造产业集群，溢出效应显现。", "成都正在打造產業聚落，外溢效應顯現。", "成都正在打造產業集羣，溢出效應顯現。"),
    ("general", "政府今天发布了新的防疫措施。", "政府今天發布了新的防疫措施。", "政府今天發布了新的防疫措施。"),
    ("general", "核电站已经安全运行了三十年。", "核電廠已經安全運行了三十年。", "核電站已經安全運行了三十年。"),
    ("general", "这座大桥连接了两座城市。", "這座大橋連接了兩座城市。", "這座大橋連接了兩座城市。"),
    ("general", "在数学中，函数描述了变量之间的关系。", "在數學中，函數描述了變數之間的關係。", "在數學中，函數描述了變量之間的關係。"),
    ("general", "我们支持政府的这项政策。", "我們支持政府的這項政策。", "我們支持政府的這項政策。"),
    ("general", "这家公司的产品质量很好。", "這家公司的產品品質很好。", "這家公司的產品質素很好。"),
    ("general", "空气质量指数今天偏高。", "空氣品質指數今天偏高。", "空氣質素指數今天偏高。"),
    ("general", "他在银行开了一个账户。", "他在銀行開了一個帳戶。", "他在銀行開了一個帳戶。"),
    ("general", "出租车司机推荐了一家餐厅。", "計程車司機推薦了一家餐廳。", "的士司機推薦了一家餐廳。"),
    ("general", "孩子们在幼儿园吃冰淇淋。", "孩子們在幼兒園吃冰淇淋。", "孩子們在幼稚園吃雪糕。"),
    ("general", "悉尼歌剧院是澳大利亚的象征。", "雪梨歌劇院是澳洲的象徵。", "悉尼歌劇院是澳洲的象徵。"),
    ("general", "特朗普与普京举行了会谈。", "川普與普丁舉行了會談。", "特朗普與普京舉行了會談。"),
    ("general", "意大利和新西兰的葡萄酒很有名。", "義大利和紐西蘭的葡萄酒很有名。", "意大利和紐西蘭的葡萄酒很有名。"),
    ("general", "我坐公交车去学校，他骑自行车。", "我坐公車去學校，他騎腳踏車。", "我坐巴士去學校，他騎單車。"),
    ("general", "这份政策文件已经提交给立法会。", "這份政策文件已經提交給立法會。", "這份政策文件已經提交給立法會。"),
    ("general", "我们需要一个窗口期来完成调研。", "我們需要一個窗口期來完成調研。", "我們需要一個窗口期來完成調研。"),
    ("general", "学校导入了新的教学方法。", "學校導入了新的教學方法。", "學校導入了新的教學方法。"),
    ("general", "公司调用了一批人员支援灾区。", "公司調用了一批人員支援災區。", "公司調用了一批人員支援災區。"),
    ("general", "塑料垃圾对海洋造成了严重污染。", "塑膠垃圾對海洋造成了嚴重汙染。", "塑膠垃圾對海洋造成了嚴重污染。"),
    ("general", "这次活动吸引了很多用户参与。", "這次活動吸引了很多用戶參與。", "這次活動吸引了很多用戶參與。"),
    ("general", "研究对象是五十名志愿者。", "研究對象是五十名志願者。", "研究對象是五十名志願者。"),
    ("general", "经济运行总体平稳。", "經濟運行總體平穩。", "經濟運行總體平穩。"),
    ("general", "她用手机给我发了短信。", "她用手機給我發了簡訊。", "她用手機給我發了短訊。"),
    ("general", "我买了一台数码相机。", "我買了一臺數位相機。", "我買了一台數碼相機。"),
    ("general", "宇航员在太空站工作了半年。", "太空人在太空站工作了半年。", "太空人在太空站工作了半年。"),
    ("general", "土豆和西红柿是常见的蔬菜。", "馬鈴薯和番茄是常見的蔬菜。", "薯仔和番茄是常見的蔬菜。"),
    ("general", "这位教授毕业于伯克利。", "這位教授畢業於柏克萊。", "這位教授畢業於柏克萊。"),
    ("general", "法院启动了诉讼程序。", "法院啟動了訴訟程序。", "法院啓動了訴訟程序。"),
    ("general", "奥巴马曾经访问过肯尼亚。", "歐巴馬曾經訪問過肯亞。", "奧巴馬曾經訪問過肯雅。"),
    ("general", "这个网络社区有很多志愿者。", "這個網路社群有很多志願者。", "這個網絡社區有很多志願者。"),
    ("general", "居民委员会组织了社区活动。", "居民委員會組織了社區活動。", "居民委員會組織了社區活動。"),
    ("general", "多任务处理会降低工作效率。", "多任務處理會降低工作效率。", "多任務處理會降低工作效率。"),
    ("general", "数字化让政府服务更加便捷。", "數位化讓政府服務更加便捷。", "數碼化讓政府服務更加便捷。"),
]
# What an editor would still correct: known misses, kept so that a fix shows (strict xfail).
MISSES = [
    # 通过 "by way of" is 透過 in Taiwan; 通過 is "to pass" (a bill, an exam), and no table
    # can tell the two apart without the sentence's grammar
    ("technical", "鼠标和键盘都是通过蓝牙连接的。", "滑鼠和鍵盤都是透過藍牙連線的。", None),
    # 质量 is mass in physics (質量) and quality elsewhere (品質, 質素): the tables fix
    # 质量守恒 and 质量数 only
    ("general", "物体的质量与重量不同。", "物體的質量與重量不同。", "物體的質量與重量不同。"),
]


def convert(edition: str, domain: str, text: str) -> str:
    return Converter(edition, CONFIG[edition], GLOSSARY, domain=domain).text(text)


@pytest.mark.parametrize(("domain", "source", "tw", "hk"), SENTENCES)
def test_sentence_reads_as_an_editor_would_write_it(domain, source, tw, hk):
    assert convert("zh-Hant-TW", domain, source) == tw
    assert convert("zh-Hant-HK", domain, source) == hk


@pytest.mark.parametrize("edition", ["zh-Hant-TW", "zh-Hant-HK"])
def test_the_set_passes_at_95_percent(edition):
    column = 2 if edition == "zh-Hant-TW" else 3
    cases = SENTENCES + MISSES
    right = sum(
        convert(edition, c[0], c[1]) == c[column] for c in cases if c[column] is not None
    )
    total = sum(1 for c in cases if c[column] is not None)
    assert total >= 60 and right / total >= 0.95, (right, total)


@pytest.mark.parametrize(("domain", "source", "tw", "hk"), MISSES)
@pytest.mark.xfail(strict=True, reason="a known miss (see MISSES)")
def test_known_miss(domain, source, tw, hk):
    assert convert("zh-Hant-TW", domain, source) == tw
    if hk is not None:
        assert convert("zh-Hant-HK", domain, source) == hk


def test_simplified_edition_keeps_sheng_teng():
    # 昇 is valid Simplified (华为昇腾): the zh-Hans edition of a Simplified source keeps it
    c = Converter("zh-Hans", "t2s", GLOSSARY)
    assert c.text("华为昇腾芯片的算力很强。") == "华为昇腾芯片的算力很强。"
    assert c.review() == []
