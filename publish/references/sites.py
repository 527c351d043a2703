"""Names of well-known sites, for entries whose title the author has not given.

Only the site's own name is used (never a made-up title). Matched on the host's suffix.
"""

from __future__ import annotations

from publish.references.urls import host

SITES = {
    "51cto.com": "51CTO",
    "csdn.net": "CSDN",
    "zhihu.com": "知乎",
    "news.cn": "新华网",
    "xinhuanet.com": "新华网",
    "people.com.cn": "人民网",
    "cnr.cn": "央广网",
    "developer.aliyun.com": "阿里云开发者社区",
    "aliyun.com": "阿里云",
    "cloud.tencent.com": "腾讯云开发者社区",
    "jianshu.com": "简书",
    "juejin.cn": "稀土掘金",
    "cnblogs.com": "博客园",
    "oschina.net": "开源中国",
    "infoq.cn": "InfoQ",
    "36kr.com": "36氪",
    "sina.com.cn": "新浪",
    "sohu.com": "搜狐",
    "163.com": "网易",
    "qq.com": "腾讯网",
    "baidu.com": "百度",
    "bilibili.com": "哔哩哔哩",
    "weixin.qq.com": "微信公众平台",
    "edu.cn": "中国教育和科研计算机网",
    "dfcfw.com": "东方财富网",
    "eastmoney.com": "东方财富网",
    "hk01.com": "香港01",
    "ithome.com": "IT之家",
    "github.com": "GitHub",
    "arxiv.org": "arXiv",
    "wikipedia.org": "Wikipedia",
    "hai.stanford.edu": "Stanford HAI",
    "ibm.com": "IBM",
    "huggingface.co": "Hugging Face",
    "amd.com": "AMD",
    "anthropic.com": "Anthropic",
}


def site_name(url: str) -> str:
    """The site's well-known name, else its host (without ``www.``)."""
    h = host(url)
    labels = h.split(".")
    for i in range(len(labels)):
        name = SITES.get(".".join(labels[i:]))
        if name:
            return name
    return h.removeprefix("www.") or url
