//! The word pools synthetic shops are made from: names, products, channels, statuses, notes —
//! Korean and English.

use crate::model::Lang;

/// Korean surnames with rough relative frequencies, and their usual romanisation (for e-mails).
pub(crate) const KO_SURNAMES: [(&str, &str, u64); 20] = [
    ("김", "kim", 21),
    ("이", "lee", 15),
    ("박", "park", 8),
    ("최", "choi", 5),
    ("정", "jung", 5),
    ("강", "kang", 2),
    ("조", "cho", 2),
    ("윤", "yoon", 2),
    ("장", "jang", 2),
    ("임", "lim", 2),
    ("한", "han", 1),
    ("오", "oh", 1),
    ("서", "seo", 1),
    ("신", "shin", 1),
    ("권", "kwon", 1),
    ("황", "hwang", 1),
    ("안", "ahn", 1),
    ("송", "song", 1),
    ("류", "ryu", 1),
    ("홍", "hong", 1),
];

/// First syllables of Korean given names.
pub(crate) const KO_GIVEN_1: [(&str, &str); 24] = [
    ("민", "min"),
    ("서", "seo"),
    ("지", "ji"),
    ("수", "su"),
    ("현", "hyun"),
    ("준", "jun"),
    ("예", "ye"),
    ("도", "do"),
    ("하", "ha"),
    ("은", "eun"),
    ("유", "yu"),
    ("채", "chae"),
    ("시", "si"),
    ("우", "woo"),
    ("주", "ju"),
    ("다", "da"),
    ("태", "tae"),
    ("영", "young"),
    ("승", "seung"),
    ("재", "jae"),
    ("성", "sung"),
    ("동", "dong"),
    ("혜", "hye"),
    ("철", "cheol"),
];

/// Second syllables of Korean given names.
pub(crate) const KO_GIVEN_2: [(&str, &str); 24] = [
    ("준", "jun"),
    ("연", "yeon"),
    ("우", "woo"),
    ("호", "ho"),
    ("아", "a"),
    ("윤", "yoon"),
    ("진", "jin"),
    ("희", "hee"),
    ("민", "min"),
    ("원", "won"),
    ("서", "seo"),
    ("빈", "bin"),
    ("훈", "hoon"),
    ("은", "eun"),
    ("린", "rin"),
    ("석", "seok"),
    ("경", "kyung"),
    ("혁", "hyuk"),
    ("영", "young"),
    ("수", "su"),
    ("정", "jung"),
    ("율", "yul"),
    ("미", "mi"),
    ("현", "hyun"),
];

pub(crate) const EN_FIRST: [&str; 40] = [
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie", "Ivy",
    "Thomas", "Grace", "Oscar", "Lily", "James", "Freya", "William", "Emily", "Henry", "Sophie",
    "Leo", "Ella", "Alfie", "Chloe", "Arthur", "Poppy", "Noah", "Evie", "Jacob", "Ruby", "Daniel",
    "Hannah", "Samuel", "Lucy", "Joseph", "Alice", "Max", "Rosie", "Ethan", "Zara",
];

pub(crate) const EN_LAST: [&str; 40] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee",
    "Baker", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Ward", "Morris", "Young", "Allen",
    "Scott", "Murphy",
];

pub(crate) const KO_MAIL_DOMAINS: [&str; 5] = [
    "naver.com",
    "gmail.com",
    "daum.net",
    "kakao.com",
    "hanmail.net",
];
pub(crate) const EN_MAIL_DOMAINS: [&str; 5] = [
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "btinternet.com",
    "icloud.com",
];

/// A product: name, unit price in minor-free units (KRW) or pence (GBP), and how often it sells.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Product {
    pub name: &'static str,
    /// KRW: won; GBP: pence.
    pub price_minor: i64,
    pub weight: u64,
}

const fn p(name: &'static str, price_minor: i64, weight: u64) -> Product {
    Product {
        name,
        price_minor,
        weight,
    }
}

/// Korean products, 9,900–590,000 원.
pub(crate) const KO_PRODUCTS: [Product; 20] = [
    p("핸드드립 원두 200g", 15_900, 30),
    p("콜드브루 세트", 29_000, 18),
    p("수제 쿠키 박스", 12_900, 26),
    p("유기농 녹차 티백", 9_900, 30),
    p("도자기 머그컵", 24_000, 16),
    p("린넨 앞치마", 38_000, 8),
    p("향초 세트", 45_000, 10),
    p("디퓨저 200ml", 32_000, 12),
    p("선물 바구니", 89_000, 8),
    p("원목 도마", 54_000, 6),
    p("수제 가죽지갑", 128_000, 4),
    p("캐시미어 머플러", 159_000, 3),
    p("스테인리스 텀블러", 27_500, 14),
    p("전통 한과 세트", 69_000, 7),
    p("꿀 선물세트", 79_000, 6),
    p("드립 포트", 62_000, 5),
    p("커피 그라인더", 149_000, 3),
    p("에스프레소 머신", 590_000, 1),
    p("라탄 바구니", 35_000, 6),
    p("실크 스카프", 98_000, 4),
];

/// English products in pence, £2.50–£249.00.
pub(crate) const EN_PRODUCTS: [Product; 20] = [
    p("Ground Coffee 250g", 650, 30),
    p("Cold Brew Kit", 1800, 18),
    p("Shortbread Tin", 895, 26),
    p("Green Tea, 40 bags", 420, 30),
    p("Stoneware Mug", 1200, 16),
    p("Linen Apron", 2400, 8),
    p("Candle Set", 2250, 10),
    p("Reed Diffuser", 1675, 12),
    p("Gift Hamper", 5500, 8),
    p("Oak Chopping Board", 3200, 6),
    p("Leather Wallet", 6500, 4),
    p("Cashmere Scarf", 8900, 3),
    p("Steel Tumbler", 1499, 14),
    p("Greeting Card", 250, 20),
    p("Honey Gift Set", 1999, 6),
    p("Pour-over Kettle", 3800, 5),
    p("Coffee Grinder", 7900, 3),
    p("Espresso Machine", 24_900, 1),
    p("Rattan Basket", 2100, 6),
    p("Silk Scarf", 4500, 4),
];

pub(crate) fn products(lang: Lang) -> &'static [Product; 20] {
    match lang {
        Lang::Ko => &KO_PRODUCTS,
        Lang::En => &EN_PRODUCTS,
    }
}

/// Sales channels; the last one is the walk-in counter (customers there often leave no e-mail).
pub(crate) fn sales_channels(lang: Lang) -> &'static [&'static str; 6] {
    match lang {
        Lang::Ko => &[
            "네이버스토어",
            "자사몰",
            "인스타그램",
            "카카오톡",
            "전화주문",
            "매장",
        ],
        Lang::En => &[
            "Website",
            "Marketplace",
            "Instagram",
            "Email",
            "Phone",
            "In store",
        ],
    }
}

/// Where quotes are sent from.
pub(crate) fn quote_channels(lang: Lang) -> &'static [&'static str; 4] {
    match lang {
        Lang::Ko => &["이메일", "카카오톡", "전화", "홈페이지 문의"],
        Lang::En => &["Email", "Website form", "Phone", "Referral"],
    }
}

pub(crate) fn pipeline_sources(lang: Lang) -> &'static [&'static str; 4] {
    match lang {
        Lang::Ko => &["홈페이지 문의", "소개", "전시회", "인스타그램"],
        Lang::En => &["Website", "Referral", "Trade fair", "Instagram"],
    }
}

pub(crate) fn owners(lang: Lang) -> &'static [&'static str; 3] {
    match lang {
        Lang::Ko => &["김민지", "박준호", "이서연"],
        Lang::En => &["Alex", "Sam", "Priya"],
    }
}

pub(crate) fn notes(lang: Lang) -> &'static [&'static str; 5] {
    match lang {
        Lang::Ko => &[
            "선물 포장 요청",
            "주말 배송 선호",
            "세금계산서 발행",
            "재구매 쿠폰 발송함",
            "전화 연락 선호",
        ],
        Lang::En => &[
            "Gift wrap please",
            "Prefers weekend delivery",
            "Invoice to company",
            "Sent loyalty voucher",
            "Prefers phone contact",
        ],
    }
}

/// Pipeline stages in order, then the lost stage.
pub(crate) fn stages(lang: Lang) -> ([&'static str; 4], &'static str) {
    match lang {
        Lang::Ko => (["문의", "상담", "견적", "계약"], "실패"),
        Lang::En => (["Lead", "Contacted", "Quoted", "Won"], "Lost"),
    }
}
