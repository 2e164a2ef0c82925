//! "Chrome 126 on Windows · Desktop" from a visitor's User-Agent string. A rough reading for the
//! visitor panel, not fingerprinting: unknown strings simply say so.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub browser: String,
    pub os: String,
    pub kind: &'static str,
}

impl Device {
    pub fn describe(&self) -> String {
        format!("{} on {} · {}", self.browser, self.os, self.kind)
    }
}

/// The version number right after `marker` ("Chrome/126.0" → "126").
fn version_after(ua: &str, marker: &str) -> Option<String> {
    let start = ua.find(marker)? + marker.len();
    let major: String = ua[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (!major.is_empty()).then_some(major)
}

pub fn parse(user_agent: &str) -> Device {
    let ua = user_agent;
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];
    let browser = browsers
        .iter()
        .find_map(|(marker, name)| version_after(ua, marker).map(|v| format!("{name} {v}")))
        .unwrap_or_else(|| "Unknown browser".into());
    let os = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    let kind = if ua.contains("iPad") || (ua.contains("Android") && !ua.contains("Mobile")) {
        "Tablet"
    } else if ua.contains("Mobile") || ua.contains("iPhone") {
        "Phone"
    } else {
        "Desktop"
    };
    Device {
        browser,
        os: os.into(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(parse(chrome).describe(), "Chrome 126 on Windows · Desktop");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(parse(iphone).describe(), "Safari 17 on iOS · Phone");
        let edge = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87";
        assert_eq!(parse(edge).describe(), "Edge 126 on macOS · Desktop");
        let tablet = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36";
        assert_eq!(parse(tablet).kind, "Tablet");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";
        assert_eq!(parse(firefox).describe(), "Firefox 127 on Linux · Desktop");
    }

    #[test]
    fn nonsense_is_unknown_not_a_panic() {
        assert_eq!(parse("").browser, "Unknown browser");
        assert_eq!(parse("Chrome/").browser, "Unknown browser");
        assert_eq!(parse("Chrome/é").browser, "Unknown browser");
    }
}
