//! Known column names (SPEC §2 alias tables) and recognising a sheet's role from its headers.

use crate::model::values::header_key;
use crate::settings::Role;

/// One field a role knows, with every header that names it.
#[derive(Debug)]
pub struct FieldSpec {
    pub field: &'static str,
    pub aliases: &'static [&'static str],
}

macro_rules! fields {
    ($($field:literal => [$($alias:literal),* $(,)?]),* $(,)?) => {
        &[$(FieldSpec { field: $field, aliases: &[$($alias),*] }),*]
    };
}

/// Sales fields.
pub const SALES: &[FieldSpec] = fields! {
    "date" => ["date", "order date", "ordered at", "invoice date", "InvoiceDate", "sale date", "sales date",
        "주문일", "주문일자", "날짜", "판매일", "판매일자", "거래일", "거래일자", "일자", "주문일시"],
    "customer" => ["customer", "customer name", "name", "customer id", "CustomerID", "Customer ID", "client",
        "buyer", "고객", "고객명", "거래처", "거래처명", "구매자", "주문자", "고객번호", "고객ID"],
    "email" => ["email", "e-mail", "mail", "email address", "이메일", "메일", "이메일주소"],
    "phone" => ["phone", "tel", "mobile", "phone number", "telephone", "전화", "전화번호", "연락처", "휴대폰", "핸드폰", "휴대전화"],
    "order_id" => ["order id", "order no", "order number", "order", "invoice", "InvoiceNo", "Invoice", "invoice no",
        "주문번호", "거래번호", "주문ID"],
    "product" => ["product", "item", "description", "Description", "product name", "StockCode", "상품", "상품명", "품목", "품명", "제품", "제품명"],
    "quantity" => ["quantity", "qty", "Quantity", "수량", "주문수량"],
    "unit_price" => ["unit price", "price", "UnitPrice", "Price", "단가", "판매단가"],
    "amount" => ["amount", "total", "sales", "revenue", "line total", "금액", "주문금액", "판매금액", "합계", "매출", "결제금액", "매출액"],
    "status" => ["status", "상태", "주문상태", "order status"],
    "channel" => ["channel", "source", "채널", "유입경로", "경로", "판매채널"],
    // Stock (SPEC §10): a product code joins sales lines to the Stock sheet.
    "sku" => ["sku", "product code", "item code", "품목코드", "상품코드", "제품코드"],
};

/// Quote log fields.
pub const QUOTES: &[FieldSpec] = fields! {
    "quote_id" => ["quote id", "quote no", "quote", "quote number", "견적번호", "견적서번호", "견적ID"],
    "customer" => ["customer", "customer name", "name", "customer id", "CustomerID", "client", "고객", "고객명", "거래처", "거래처명"],
    "email" => ["email", "e-mail", "mail", "이메일", "메일"],
    "phone" => ["phone", "tel", "mobile", "전화", "전화번호", "연락처", "휴대폰"],
    "sent" => ["sent", "sent at", "sent date", "date sent", "quote date", "발송일", "견적발송일", "발송일자", "견적일", "견적일자"],
    "opened" => ["opened", "opened at", "viewed", "열람", "열람여부", "열람일"],
    "opens" => ["opens", "open count", "views", "view count", "열람횟수", "조회수"],
    "responded" => ["responded", "replied", "reply", "response", "응답", "응답여부", "회신", "응답일", "회신일"],
    "converted" => ["converted", "ordered", "won", "전환", "전환여부", "주문여부", "주문전환", "전환일"],
    "order_id" => ["order id", "order no", "order", "invoice", "주문번호", "거래번호"],
    "amount" => ["amount", "quote amount", "total", "견적금액", "금액"],
    "channel" => ["channel", "source", "채널", "유입경로", "경로"],
    "status" => ["status", "상태"],
    "reminded" => ["reminded", "reminded at", "last reminder", "리마인드일", "최근리마인드"],
    "reminders" => ["reminders", "reminder count", "리마인드횟수"],
};

/// Customer master list fields.
pub const CUSTOMERS: &[FieldSpec] = fields! {
    "customer" => ["customer", "customer name", "name", "customer id", "CustomerID", "client", "고객", "고객명", "거래처", "거래처명"],
    "email" => ["email", "e-mail", "mail", "이메일", "메일"],
    "phone" => ["phone", "tel", "mobile", "전화", "전화번호", "연락처", "휴대폰"],
    "group" => ["group", "customer group", "segment", "그룹", "고객그룹", "고객구분"],
    "joined" => ["joined", "joined at", "join date", "signup date", "since", "가입일", "등록일"],
    "opt_out" => ["opt out", "opt-out", "optout", "unsubscribed", "do not contact", "수신거부"],
    "consent" => ["consent", "marketing consent", "opt in", "수신동의", "마케팅수신동의"],
    "note" => ["note", "notes", "memo", "메모", "비고"],
    "birthday" => ["birthday", "birth date", "date of birth", "dob", "생일", "생년월일"],
};

/// CRM pipeline fields.
pub const PIPELINE: &[FieldSpec] = fields! {
    "deal" => ["deal", "deal id", "deal name", "opportunity", "opportunity id", "opportunity_id", "거래ID", "딜", "딜ID", "건명"],
    "customer" => ["customer", "customer name", "account", "company", "client", "고객", "고객명", "거래처"],
    "stage" => ["stage", "deal stage", "deal_stage", "단계", "진행단계"],
    "date" => ["date", "stage date", "entered at", "changed at", "날짜", "일자", "변경일"],
    "amount" => ["amount", "value", "deal value", "close value", "close_value", "금액", "예상금액"],
    "owner" => ["owner", "sales agent", "sales_agent", "rep", "담당자", "영업담당"],
    "channel" => ["source", "channel", "lead source", "유입경로", "채널", "경로"],
};

/// Settings sheet fields.
pub const SETTINGS: &[FieldSpec] = fields! {
    "key" => ["key", "setting", "name", "키", "항목", "설정"],
    "value" => ["value", "값", "설정값"],
    "note" => ["note", "description", "comment", "메모", "비고", "설명"],
};

/// Grades sheet fields.
pub const GRADES: &[FieldSpec] = fields! {
    "kind" => ["kind", "type", "종류", "구분"],
    "grade" => ["grade", "등급"],
    "rule" => ["rule", "condition", "조건", "규칙", "기준"],
    "note" => ["note", "description", "메모", "비고", "설명"],
};

/// Templates sheet fields.
pub const TEMPLATES: &[FieldSpec] = fields! {
    "grade" => ["grade", "등급"],
    "subject" => ["subject", "제목"],
    "body" => ["body", "text", "message", "본문", "내용"],
};

// Customer groups and group pricing (SPEC §7): one block, so other roles' rows merge cleanly.

/// Customer groups fields (고객그룹).
pub const GROUPS: &[FieldSpec] = fields! {
    "group" => ["group", "group name", "customer group", "그룹", "그룹명", "고객그룹", "고객그룹명"],
    "start" => ["start", "start date", "from", "valid from", "시작", "시작일", "적용시작일"],
    "end" => ["end", "end date", "until", "to", "valid to", "valid upto", "종료", "종료일", "적용종료일"],
    "description" => ["description", "설명"],
    "contact" => ["contact", "manager", "담당", "담당자"],
    "use_group_price" => ["use group price", "use_group_price", "group price", "그룹가적용", "그룹단가적용", "그룹가격적용"],
    "discount" => ["discount", "discount rate", "group discount", "할인", "할인율", "그룹할인"],
    "price_list" => ["price list", "price_list", "pricelist", "단가표", "가격표"],
    "priority" => ["priority", "우선순위"],
    "rule" => ["rule", "condition", "조건", "규칙", "기준"],
    "note" => ["note", "notes", "memo", "메모", "비고"],
};

/// Group members fields (그룹회원).
pub const GROUP_MEMBERS: &[FieldSpec] = fields! {
    "group" => ["group", "group name", "customer group", "그룹", "그룹명", "고객그룹"],
    "customer" => ["customer", "customer name", "name", "customer id", "client", "고객", "고객명", "거래처", "거래처명"],
    "email" => ["email", "e-mail", "mail", "이메일", "메일"],
    "phone" => ["phone", "tel", "mobile", "전화", "전화번호", "연락처", "휴대폰"],
    "start" => ["start", "start date", "from", "joined", "시작", "시작일", "가입일"],
    "end" => ["end", "end date", "until", "to", "left", "종료", "종료일", "탈퇴일"],
    "source" => ["source", "added by", "출처", "등록경로"],
    "note" => ["note", "notes", "memo", "메모", "비고"],
};

/// Price list fields (단가표).
pub const PRICE_LIST: &[FieldSpec] = fields! {
    "price_list" => ["price list", "price_list", "pricelist", "price list name", "단가표", "가격표", "단가표명"],
    "product" => ["product", "sku", "item", "product code", "상품", "상품명", "품목", "품명", "상품코드"],
    "price" => ["price", "unit price", "group price", "단가", "가격", "그룹단가"],
    "min_qty" => ["min qty", "min_qty", "minimum quantity", "min quantity", "최소수량"],
    "start" => ["start", "start date", "from", "valid from", "시작", "시작일", "적용시작일"],
    "end" => ["end", "end date", "until", "to", "valid to", "valid upto", "종료", "종료일", "적용종료일"],
};

/// Promotions fields (프로모션).
pub const PROMOTIONS: &[FieldSpec] = fields! {
    "promo" => ["promo", "promotion", "promo name", "campaign", "프로모션", "프로모션명", "행사", "행사명"],
    "group" => ["group", "customer group", "그룹", "고객그룹"],
    "product" => ["product", "sku", "item", "product code", "상품", "상품명", "품목", "상품코드"],
    "discount" => ["discount", "discount rate", "할인", "할인율", "할인액", "할인금액"],
    "min_order" => ["min order", "min_order", "minimum order", "min order amount", "최소주문", "최소주문금액"],
    "start" => ["start", "start date", "from", "valid from", "시작", "시작일"],
    "end" => ["end", "end date", "until", "to", "valid to", "종료", "종료일"],
};

/// Stock list fields (SPEC §10): one row per product or variation.
pub const STOCK: &[FieldSpec] = fields! {
    "sku" => ["sku", "StockCode", "stock code", "product code", "item code", "품목코드", "상품코드", "제품코드", "바코드"],
    "name" => ["name", "product", "product name", "item", "description", "상품", "상품명", "품목", "품명", "제품명"],
    "option" => ["option", "variant", "variation", "옵션", "옵션명", "규격"],
    "stock" => ["stock", "stock quantity", "Stock_Quantity", "on hand", "quantity on hand", "in stock", "재고", "현재고", "재고수량", "현재재고"],
    "safety_stock" => ["safety stock", "low stock amount", "Reorder_Level", "reorder level", "min stock", "안전재고", "최소재고"],
    "reorder_qty" => ["reorder qty", "reorder quantity", "Reorder_Quantity", "order unit", "pack size", "발주단위", "발주수량", "입수"],
    "lead_time_days" => ["lead time", "lead time days", "lead_time_days", "리드타임", "조달기간", "납기일수"],
    "supplier" => ["supplier", "vendor", "매입처", "공급처", "거래처", "구입처"],
    "cost" => ["cost", "unit cost", "cost price", "매입가", "원가", "입고단가"],
    "price" => ["price", "regular price", "unit price", "판매가", "정가", "단가"],
    "parent" => ["parent", "parent sku", "상위상품", "상위상품코드", "대표상품코드"],
    "counted" => ["counted", "count date", "stock date", "counted at", "재고일", "재고기준일", "실사일"],
};

/// Stock move fields (SPEC §10): 입고 / 출고 / 조정 by day.
pub const STOCK_MOVES: &[FieldSpec] = fields! {
    "date" => ["date", "moved at", "날짜", "일자", "입출고일", "입출고일자"],
    "sku" => ["sku", "StockCode", "stock code", "product code", "item code", "품목코드", "상품코드", "제품코드"],
    "name" => ["name", "product", "product name", "item", "상품", "상품명", "품목", "품명"],
    "in" => ["in", "received", "stock in", "입고", "입고수량"],
    "out" => ["out", "shipped", "stock out", "issued", "출고", "출고수량"],
    "adjustment" => ["adjustment", "adjust", "correction", "조정", "재고조정", "조정수량"],
    "note" => ["note", "memo", "reason", "메모", "비고", "사유"],
};

/// Lifecycle flow fields (자동발송규칙, SPEC §8).
pub const FLOWS: &[FieldSpec] = fields! {
    "flow" => ["flow", "flow name", "자동발송", "자동발송규칙", "규칙명", "흐름"],
    "trigger" => ["trigger", "when", "트리거", "계기", "발송계기"],
    "delay_days" => ["delay", "delay days", "delay_days", "wait days", "지연일", "지연일수", "대기일"],
    "condition" => ["condition", "filter", "조건", "필터", "대상조건"],
    "template" => ["template", "템플릿", "문안"],
    "channel" => ["channel", "채널", "발송채널"],
    "marketing" => ["marketing", "ad", "advertising", "광고", "광고여부", "마케팅"],
    "stop_if" => ["stop if", "stop_if", "stop", "중단조건", "중지조건"],
    "cooldown_days" => ["cooldown", "cooldown days", "cooldown_days", "쿨다운", "발송간격", "재발송간격"],
    "go_live" => ["go live", "go_live", "live from", "시작일", "적용일", "적용시작일"],
};

/// Abandoned-checkout fields (SPEC §12): Shopify's abandoned checkouts export (one row per
/// line item, the checkout's columns on its first row), a WooCommerce cart-abandonment
/// plugin's table (`CartFlows`: `id`, `email`, `cart_contents`, `cart_total`, `session_id`,
/// `order_status`, `time`) and dangol's own headers. No bare `date` or `order id`: a sales
/// sheet is never a carts sheet.
pub const CARTS: &[FieldSpec] = fields! {
    "cart_id" => ["cart id", "cart", "checkout id", "checkout token", "cart token", "id", "session id", "session_id",
        "장바구니ID", "장바구니번호", "장바구니코드"],
    "created" => ["created", "created at", "created_at", "started at", "abandoned at", "time", "cart created",
        "생성일", "생성일시", "생성일자", "담은날짜", "장바구니생성일", "이탈일", "이탈일시"],
    "customer" => ["customer", "customer name", "billing name", "shipping name", "buyer", "client",
        "고객", "고객명", "주문자", "구매자"],
    "email" => ["email", "e-mail", "mail", "email address", "user email", "user_email", "이메일", "메일", "이메일주소"],
    "phone" => ["phone", "billing phone", "shipping phone", "tel", "mobile", "phone number",
        "전화", "전화번호", "연락처", "휴대폰", "핸드폰"],
    "items" => ["items", "item", "lineitem name", "line item", "line items", "product", "products", "cart contents",
        "cart_contents", "상품", "상품명", "품목", "담은상품", "장바구니상품"],
    "quantity" => ["lineitem quantity", "quantity", "qty", "수량"],
    "total" => ["total", "cart total", "cart_total", "total price", "amount", "합계", "금액", "장바구니금액", "결제예정금액"],
    "recovery_url" => ["recovery url", "recovery_url", "abandoned checkout url", "checkout url", "cart url", "recovery link",
        "복구링크", "복구URL", "장바구니링크"],
    "completed" => ["completed", "completed at", "completed_at", "recovered at", "recovered_at",
        "완료", "완료일", "완료일시", "결제완료일", "주문완료일"],
    "status" => ["order status", "order_status", "status", "recovery status", "상태", "주문상태"],
};

/// The field table of a role.
pub fn fields_of(role: Role) -> &'static [FieldSpec] {
    match role {
        Role::Sales => SALES,
        Role::Quotes => QUOTES,
        Role::Customers => CUSTOMERS,
        Role::Pipeline => PIPELINE,
        Role::Settings => SETTINGS,
        Role::Grades => GRADES,
        Role::Templates => TEMPLATES,
        Role::Groups => GROUPS,
        Role::GroupMembers => GROUP_MEMBERS,
        Role::PriceList => PRICE_LIST,
        Role::Promotions => PROMOTIONS,
        Role::Stock => STOCK,
        Role::StockMoves => STOCK_MOVES,
        Role::Flows => FLOWS,
        Role::Carts => CARTS,
    }
}

/// Data roles first, so a tie goes to the data (group members before the customer list: a
/// dated member sheet also has a group and a customer column).
pub const ROLES: [Role; 15] = [
    Role::Sales,
    Role::Quotes,
    Role::Pipeline,
    Role::GroupMembers,
    Role::Groups,
    Role::PriceList,
    Role::Promotions,
    Role::Customers,
    Role::Stock,
    Role::StockMoves,
    Role::Flows,
    Role::Carts,
    Role::Settings,
    Role::Grades,
    Role::Templates,
];

/// Column mapping of one header row for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// (field, column, header text), in column order.
    pub columns: Vec<(&'static str, u32, String)>,
    /// How many recognised headers are Korean.
    pub korean: u32,
    /// Other non-empty headers: (column, text).
    pub others: Vec<(u32, String)>,
}

impl Mapping {
    pub fn col(&self, field: &str) -> Option<u32> {
        self.columns.iter().find(|c| c.0 == field).map(|c| c.1)
    }
    pub fn has(&self, field: &str) -> bool {
        self.col(field).is_some()
    }
}

/// Whether a text holds Hangul (a Korean header).
pub fn is_hangul(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{3131}'..='\u{318E}').contains(&c))
}

/// Each role's aliases by header key, built once: a sheet with 16,384 header cells is looked up
/// cell by cell, not matched against every alias of every role again and again.
fn alias_index(role: Role) -> &'static std::collections::HashMap<String, &'static str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static INDEX: OnceLock<Vec<(Role, HashMap<String, &'static str>)>> = OnceLock::new();
    let all = INDEX.get_or_init(|| {
        ROLES
            .iter()
            .map(|&r| {
                let mut m = HashMap::new();
                for s in fields_of(r) {
                    for a in s.aliases {
                        // The first field naming an alias wins, as the table is ordered.
                        m.entry(header_key(a)).or_insert(s.field);
                    }
                }
                (r, m)
            })
            .collect()
    });
    // Every role is in ROLES, so the lookup always finds it.
    &all.iter().find(|(r, _)| *r == role).unwrap_or(&all[0]).1
}

/// Map the headers of one row to a role's fields. The first column naming a field wins.
pub fn map_headers(role: Role, headers: &[(u32, String)]) -> Mapping {
    let index = alias_index(role);
    let mut columns: Vec<(&'static str, u32, String)> = Vec::new();
    let mut korean = 0;
    let mut others = Vec::new();
    for (col, text) in headers {
        let key = header_key(text);
        if key.is_empty() {
            continue;
        }
        let hit = index.get(&key).copied();
        match hit {
            Some(f) if !columns.iter().any(|c| c.0 == f) => {
                if is_hangul(text) {
                    korean += 1;
                }
                columns.push((f, *col, text.clone()));
            }
            _ => others.push((*col, text.clone())),
        }
    }
    Mapping {
        columns,
        korean,
        others,
    }
}

/// Whether a mapping has what the role requires.
pub fn satisfies(role: Role, m: &Mapping) -> bool {
    match role {
        Role::Sales => {
            m.has("date")
                && (m.has("customer") || m.has("email"))
                && (m.has("amount") || (m.has("quantity") && m.has("unit_price")))
        }
        Role::Quotes => m.has("sent") && (m.has("customer") || m.has("email")),
        Role::Customers => {
            (m.has("customer") || m.has("email"))
                && (m.has("group")
                    || m.has("joined")
                    || m.has("opt_out")
                    || m.has("consent")
                    || m.has("note")
                    || m.has("phone"))
        }
        Role::Pipeline => m.has("deal") && m.has("stage"),
        Role::Settings => m.has("key") && m.has("value"),
        Role::Grades => m.has("kind") && m.has("grade") && m.has("rule"),
        Role::Templates => m.has("grade") && m.has("subject") && m.has("body"),
        Role::Groups => {
            m.has("group")
                && [
                    "use_group_price",
                    "discount",
                    "price_list",
                    "priority",
                    "rule",
                ]
                .iter()
                .any(|f| m.has(f))
        }
        Role::GroupMembers => {
            m.has("group")
                && (m.has("customer") || m.has("email") || m.has("phone"))
                && (m.has("start") || m.has("end") || m.has("source"))
        }
        Role::PriceList => m.has("price_list") && m.has("product") && m.has("price"),
        Role::Promotions => m.has("promo") && m.has("discount"),
        Role::Stock => (m.has("sku") || m.has("name")) && m.has("stock"),
        Role::Flows => m.has("flow") && m.has("trigger"),
        Role::StockMoves => {
            m.has("date")
                && (m.has("sku") || m.has("name"))
                && (m.has("in") || m.has("out") || m.has("adjustment"))
        }
        Role::Carts => m.has("cart_id") && m.has("created") && (m.has("items") || m.has("total")),
    }
}

/// Fields a role requires that are missing, as text for an error: `amount (or quantity and unit_price)`.
pub fn missing_required(role: Role, m: &Mapping) -> Vec<&'static str> {
    let mut out = Vec::new();
    let need = |f: &str| !m.has(f);
    match role {
        Role::Sales => {
            if need("date") {
                out.push("date");
            }
            if need("customer") && need("email") {
                out.push("customer");
            }
            if need("amount") && (need("quantity") || need("unit_price")) {
                out.push("amount");
            }
        }
        Role::Quotes => {
            if need("sent") {
                out.push("sent");
            }
            if need("customer") && need("email") {
                out.push("customer");
            }
        }
        Role::Pipeline => {
            if need("deal") {
                out.push("deal");
            }
            if need("stage") {
                out.push("stage");
            }
        }
        _ => {}
    }
    out
}

/// The role's name as the user sees it in messages and `sheet.<role>` settings.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Sales => "sales",
        Role::Quotes => "quotes",
        Role::Customers => "customers",
        Role::Pipeline => "pipeline",
        Role::Settings => "settings",
        Role::Grades => "grades",
        Role::Templates => "templates",
        Role::Groups => "groups",
        Role::GroupMembers => "group_members",
        Role::PriceList => "price_list",
        Role::Promotions => "promotions",
        Role::Stock => "stock",
        Role::StockMoves => "stock_moves",
        Role::Flows => "flows",
        Role::Carts => "carts",
    }
}

/// Edit distance (Levenshtein, counted in characters so a Korean syllable is one), for
/// "closest alias" hints: `strsim`'s, already in the build through clap.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// For a missing field: the unrecognised header closest to one of its aliases, if close.
/// Returns (column, header text, the alias it is close to).
pub fn closest_header(role: Role, field: &str, m: &Mapping) -> Option<(u32, String, &'static str)> {
    let spec = fields_of(role).iter().find(|s| s.field == field)?;
    let mut best: Option<(usize, u32, String, &'static str)> = None;
    for (col, text) in &m.others {
        let k = header_key(text);
        for a in spec.aliases {
            let d = distance(&k, &header_key(a));
            let limit = (header_key(a).chars().count() / 3).max(1);
            if d <= limit && best.as_ref().is_none_or(|b| d < b.0) {
                best = Some((d, *col, text.clone(), a));
            }
        }
    }
    best.map(|(_, c, t, a)| (c, t, a))
}

/// Best (role, mapping) for a header row, with its score (recognised fields).
pub fn detect(headers: &[(u32, String)]) -> Option<(Role, Mapping)> {
    let mut best: Option<(usize, Role, Mapping)> = None;
    for role in ROLES {
        let m = map_headers(role, headers);
        if !satisfies(role, &m) {
            continue;
        }
        let score = m.columns.len();
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, role, m));
        }
    }
    best.map(|(_, r, m)| (r, m))
}

/// The header dangol itself writes for a field (what `init` and `sample` use), in the script
/// of the header the owner typed: the "did you mean" of a misspelled header.
pub fn canonical_header(role: Role, field: &str, korean: bool) -> &'static str {
    let ko = match (role, field) {
        (Role::Sales, "date") => "주문일자",
        (Role::Quotes, "sent") => "발송일",
        (Role::Pipeline, "deal") => "거래ID",
        (Role::Pipeline, "stage") => "단계",
        (_, "customer") => "고객명",
        (_, "amount") => "금액",
        _ => "",
    };
    if korean && !ko.is_empty() {
        return ko;
    }
    fields_of(role)
        .iter()
        .find(|s| s.field == field)
        .and_then(|s| s.aliases.first().copied())
        .unwrap_or("")
}

/// Whether a header row is *almost* a data role: it names at least three of the role's
/// fields and lacks exactly one of its requirements — a misspelled or
/// deleted column, not a different kind of table. A price list (`Item | Price | Qty |
/// Supplier`) lacks both a date and a customer and is not almost a sales sheet.
pub fn almost(role: Role, m: &Mapping) -> bool {
    !satisfies(role, m) && m.columns.len() >= 3 && missing_required(role, m).len() == 1
}

/// The data role a header row is almost (see [`almost`]), with the most recognised headers.
pub fn almost_role(headers: &[(u32, String)]) -> Option<(Role, Mapping)> {
    let mut best: Option<(usize, Role, Mapping)> = None;
    for role in [Role::Sales, Role::Quotes, Role::Pipeline] {
        let m = map_headers(role, headers);
        let score = m.columns.len();
        if almost(role, &m) && best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, role, m));
        }
    }
    best.map(|(_, r, m)| (r, m))
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("amount", "amount"), 0);
        assert_eq!(distance("amout", "amount"), 1);
        // Plain Levenshtein: a swap of two letters is two edits, not one.
        assert_eq!(distance("ca", "ac"), 2);
        assert_eq!(distance("kitten", "sitting"), 3);
        // A Korean syllable is one character (three bytes in UTF-8).
        assert_eq!(distance("고객명", "고객"), 1);
        assert_eq!(distance("주문일", "주문일자"), 1);
        assert_eq!(distance("금액", "결제금액"), 2);
    }
}
