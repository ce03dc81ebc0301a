//! Masking customer names in chat messages (`김철수` → `김*수`), which land on phones and in
//! shared channels.

/// Mask a name or e-mail: each word keeps its first and last character (`김*수`,
/// `J**n S***h`); a two-character word keeps its first (`김*`); an e-mail keeps the first
/// character of its local part and the domain (`k***@example.com`).
pub fn mask_name(name: &str) -> String {
    if let Some((local, domain)) = name.split_once('@') {
        let first: String = local.chars().take(1).collect();
        let stars = "*".repeat(local.chars().count().saturating_sub(1).max(1));
        return format!("{first}{stars}@{domain}");
    }
    name.split(' ').map(mask_word).collect::<Vec<_>>().join(" ")
}

fn mask_word(w: &str) -> String {
    let chars: Vec<char> = w.chars().collect();
    match chars.len() {
        0 | 1 => w.to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.push_str(&"*".repeat(n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn names_are_masked_like_the_spec() {
        assert_eq!(mask_name("김철수"), "김*수");
        assert_eq!(mask_name("남궁민수"), "남**수");
        assert_eq!(mask_name("김수"), "김*");
        assert_eq!(mask_name("John Smith"), "J**n S***h");
        assert_eq!(mask_name("kim@example.com"), "k**@example.com");
        assert_eq!(mask_name("A"), "A");
    }
}
