//! Inline form checks. Names and messages use `baton_core::validate` directly; the email rule
//! is restated here as a yes/no because core's version also normalises (lower-cases) the
//! domain, which pulls Unicode case tables (~15 KB) into the wasm. For the same reason any
//! non-ASCII character counts as a letter here (no Unicode tables): the widget may let through
//! a rare address that the edge then refuses (shown inline as well), but never refuses one the
//! edge accepts. The test below holds it to that, and to core's exact answers on ASCII.

pub fn email(email: &str) -> bool {
    let email = email.trim();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let double_dot = local.as_bytes().windows(2).any(|pair| pair == b"..");
    if local.is_empty() || local.len() > 64 || local.contains('@') || double_dot {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains(['<', '>', '"', ',', ';']) {
        return false;
    }
    let mut labels = 0;
    let mut tld = "";
    for label in domain.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii());
        if !ok {
            return false;
        }
        labels += 1;
        tld = label;
    }
    labels >= 2 && tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn agrees_with_core() {
        for case in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a b@example.com",
            "ann@example..com",
            "ann@-example.com",
            "ann@example.c",
            "<script>@x.com",
            "ann@1.2",
            " Ann@Example.COM ",
            "a.b+tag@sub.example.co.uk",
            "vera@exämple.de",
            ".ann@example.com",
            "ann.@example.com",
            "an..n@example.com",
            "ann@example.com.",
            "ann@ex_ample.com",
            "ann@example.123",
            "ann@example.c0m",
            "ann\u{7}@example.com",
            "x@y.zz",
            "ann;drop@example.com",
            "ÄNN@ÉXAMPLE.ORG",
        ] {
            let core = baton_core::validate::email(case).is_ok();
            if case.is_ascii() {
                assert_eq!(super::email(case), core, "{case:?}");
            } else {
                assert!(super::email(case) || !core, "{case:?}: core accepts it");
            }
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("ann@{}.com", "b".repeat(64));
        for case in [long_local, long_label] {
            assert_eq!(
                super::email(&case),
                baton_core::validate::email(&case).is_ok()
            );
        }
    }
}
